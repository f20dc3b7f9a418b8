import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storeUpload } from "../../app/files/files.server";
import { AppError } from "../../app/utils/app-error";
import { startApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { DEMO_PASSWORD, enterpriseId, seedDemo, userId } from "../support/seed";

let t: TestDatabase;
let app: TestApp;

// The smallest valid PNG (1×1, transparent).
const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=", "base64");

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo(t);
  app = await startApp(t.db);
});
afterAll(async () => {
  await app.close();
  await t.drop();
});

describe("uploaded files", () => {
  it("are checked by their real bytes, not their name", async () => {
    // The demo seed stores files of its own (the fund's demo loan documents): count what is added.
    const before = await t.db.selectFrom("stored_files").select("id").execute();
    const fake = new File([new TextEncoder().encode("<svg onload=alert(1)>")], "receipt.png", { type: "image/png" });
    await expect(storeUpload(t.db, app.services.uploadDir, fake, "image", { purpose: "unlinked", uploadedBy: null }, "cover")).rejects.toMatchObject({ code: "fileTypeNotAllowed", field: "cover" });
    const pdfAsImage = new File([new TextEncoder().encode("%PDF-1.4\n")], "cover.pdf");
    await expect(storeUpload(t.db, app.services.uploadDir, pdfAsImage, "image", { purpose: "unlinked", uploadedBy: null })).rejects.toBeInstanceOf(AppError);
    const big = new File([new Uint8Array(6 * 1024 * 1024).fill(0xff)], "big.jpg");
    await expect(storeUpload(t.db, app.services.uploadDir, big, "image", { purpose: "unlinked", uploadedBy: null })).rejects.toMatchObject({ code: "fileTooLarge" });
    expect(await t.db.selectFrom("stored_files").select("id").execute()).toEqual(before);
  });

  it("serve public files to anyone and private ones only to those concerned", async () => {
    const enterprise = await enterpriseId(t, "함께 크는 나무 협동조합");
    const host = await t.db.selectFrom("enterprises").select("host_id").where("id", "=", enterprise).executeTakeFirstOrThrow();
    const owner = await userId(t, "coop@hamkke.demo");
    const cover = await storeUpload(t.db, app.services.uploadDir, new File([png], "표지.png"), "image", { purpose: "campaign_cover", enterpriseId: enterprise, uploadedBy: owner });
    const receipt = await storeUpload(t.db, app.services.uploadDir, new File([png], "영수증.png"), "document", { purpose: "disbursement_receipt", enterpriseId: enterprise, hostId: host.host_id, uploadedBy: owner });

    const anonymous = app.client();
    const publicResponse = await anonymous.get(`/files/${cover.publicId}`);
    expect(publicResponse.status).toBe(200);
    expect(publicResponse.headers.get("Content-Type")).toBe("image/png");
    expect(Buffer.from(await publicResponse.arrayBuffer()).equals(png)).toBe(true);

    expect((await anonymous.get(`/files/${receipt.publicId}`)).status).toBe(404);
    const stranger = app.client();
    await stranger.logIn("play@hamkke.demo", DEMO_PASSWORD);
    expect((await stranger.get(`/files/${receipt.publicId}`)).status).toBe(404);
    const member = app.client();
    await member.logIn("coop@hamkke.demo", DEMO_PASSWORD);
    expect((await member.get(`/files/${receipt.publicId}`)).status).toBe(200);
    const operator = app.client();
    await operator.logIn("operator@hamkke.demo", DEMO_PASSWORD);
    expect((await operator.get(`/files/${receipt.publicId}`)).status).toBe(200);
    const auditor = app.client();
    await auditor.logIn("auditor@hamkke.demo", DEMO_PASSWORD);
    const audited = await auditor.get(`/files/${receipt.publicId}`);
    expect(audited.status).toBe(200);
    expect(audited.headers.get("Cache-Control")).toBe("private, no-store");
    expect(audited.headers.get("Content-Disposition")).toContain(encodeURIComponent("영수증.png"));
  });
});
