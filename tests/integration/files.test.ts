import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storeUpload } from "../../app/files/files.server";
import { AppError } from "../../app/utils/app-error";
import { startApp, type TestApp } from "../support/app";
import { createDemoDatabase, type TestDatabase } from "../support/db";
import { DEMO_PASSWORD, enterpriseId, userId } from "../support/seed";

let t: TestDatabase;
let app: TestApp;

// The smallest valid PNG (1×1, transparent).
const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=", "base64");

beforeAll(async () => {
  t = await createDemoDatabase();
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
    await expect(storeUpload(t.db, app.services.fileStore, fake, "image", { purpose: "unlinked", uploadedBy: null }, "cover")).rejects.toMatchObject({ code: "fileTypeNotAllowed", field: "cover" });
    const pdfAsImage = new File([new TextEncoder().encode("%PDF-1.4\n")], "cover.pdf");
    await expect(storeUpload(t.db, app.services.fileStore, pdfAsImage, "image", { purpose: "unlinked", uploadedBy: null })).rejects.toBeInstanceOf(AppError);
    const big = new File([new Uint8Array(6 * 1024 * 1024).fill(0xff)], "big.jpg");
    await expect(storeUpload(t.db, app.services.fileStore, big, "image", { purpose: "unlinked", uploadedBy: null })).rejects.toMatchObject({ code: "fileTooLarge" });
    expect(await t.db.selectFrom("stored_files").select("id").execute()).toEqual(before);
  });

  it("serve public files to anyone and private ones only to those concerned", async () => {
    const enterprise = await enterpriseId(t, "함께 크는 나무 협동조합");
    const host = await t.db.selectFrom("enterprises").select("host_id").where("id", "=", enterprise).executeTakeFirstOrThrow();
    const owner = await userId(t, "coop@hamkke.demo");
    const cover = await storeUpload(t.db, app.services.fileStore, new File([png], "표지.png"), "image", { purpose: "campaign_cover", enterpriseId: enterprise, uploadedBy: owner });
    const receipt = await storeUpload(t.db, app.services.fileStore, new File([png], "영수증.png"), "document", { purpose: "disbursement_receipt", enterpriseId: enterprise, hostId: host.host_id, uploadedBy: owner });

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

describe("private files by what they are for (issue 13, finding 7)", () => {
  async function as(email: string) {
    const client = app.client();
    await client.logIn(email, DEMO_PASSWORD);
    return client;
  }
  async function readers(publicId: string, emails: string[]): Promise<Record<string, number>> {
    const statuses: Record<string, number> = {};
    for (const email of emails) statuses[email] = (await (await as(email)).get(`/files/${publicId}`)).status;
    return statuses;
  }
  const pdf = (name: string) => new File([new TextEncoder().encode(`%PDF-1.4\n% ${name}\n`)], `${name}.pdf`, { type: "application/pdf" });

  it("keep an operator's evidence from the host's jurors, consultants and other hosts' staff", async () => {
    const gwangsan = await t.db.selectFrom("host_organisations").select("id").where("key", "=", "gwangsan").executeTakeFirstOrThrow();
    const evidence = await storeUpload(t.db, app.services.fileStore, pdf("현장모금"), "document", { purpose: "offline_evidence", hostId: gwangsan.id, uploadedBy: await userId(t, "operator@hamkke.demo") });
    expect(await readers(evidence.publicId, ["operator2@hamkke.demo", "auditor@hamkke.demo", "juror1@hamkke.demo", "consultant@hamkke.demo", "fund1@hamkke.demo", "coop@hamkke.demo"])).toEqual({
      "operator2@hamkke.demo": 200,
      "auditor@hamkke.demo": 200,
      "juror1@hamkke.demo": 404,
      "consultant@hamkke.demo": 404,
      "fund1@hamkke.demo": 404,
      "coop@hamkke.demo": 404,
    });
  });

  it("show an application's documents to the jurors of its contest and the consultants of its campaign only", async () => {
    const seogu = await t.db.selectFrom("contests").select(["id", "host_id"]).where("slug", "=", "seogu-2017").executeTakeFirstOrThrow();
    const gwangsan = await t.db.selectFrom("contests").select(["id", "host_id"]).where("slug", "=", "gwangsan-2016-1").executeTakeFirstOrThrow();
    const attach = async (application: { id: number; enterprise_id: number | null }, hostId: number, name: string) => {
      const file = await storeUpload(t.db, app.services.fileStore, pdf(name), "document", { purpose: "application_document", hostId, enterpriseId: application.enterprise_id, uploadedBy: null });
      await t.owner.insertInto("contest_application_documents").values({ application_id: application.id, file_id: file.id, label: name }).execute();
      return file.publicId;
    };
    const judged = await t.db.selectFrom("contest_applications").select(["id", "enterprise_id"]).where("contest_id", "=", seogu.id).orderBy("id").executeTakeFirstOrThrow();
    const [consulted, other] = await t.db.selectFrom("contest_applications").select(["id", "enterprise_id", "campaign_id"]).where("contest_id", "=", gwangsan.id).where("campaign_id", "is not", null).orderBy("id").limit(2).execute();
    if (!consulted?.campaign_id || !other) throw new Error("seed: the Gwangsan round has campaigns");
    await t.owner.insertInto("campaign_consultants").values({ campaign_id: consulted.campaign_id, consultant_id: await userId(t, "consultant@hamkke.demo"), assigned_by: await userId(t, "operator@hamkke.demo") }).execute();

    const plan = await attach(judged, seogu.host_id, "사업계획서");
    const consultedPlan = await attach(consulted, gwangsan.host_id, "컨설팅 대상 계획서");
    const otherPlan = await attach(other, gwangsan.host_id, "다른 팀 계획서");
    // juror1 and juror2 sit on the Seo-gu jury; juror1 is also a juror at Gwangsan, but on no jury there.
    expect(await readers(plan, ["juror1@hamkke.demo", "juror2@hamkke.demo", "operator@hamkke.demo", "consultant@hamkke.demo"])).toEqual({
      "juror1@hamkke.demo": 200,
      "juror2@hamkke.demo": 200,
      "operator@hamkke.demo": 200,
      "consultant@hamkke.demo": 404,
    });
    expect(await readers(consultedPlan, ["consultant@hamkke.demo", "juror1@hamkke.demo", "auditor@hamkke.demo"])).toEqual({
      "consultant@hamkke.demo": 200,
      "juror1@hamkke.demo": 404,
      "auditor@hamkke.demo": 200,
    });
    expect(await readers(otherPlan, ["consultant@hamkke.demo", "juror1@hamkke.demo"])).toEqual({ "consultant@hamkke.demo": 404, "juror1@hamkke.demo": 404 });
  });

  it("keep the fund's evidence for its administrators and auditors", async () => {
    const fund = await t.db.selectFrom("funds").select("host_id").executeTakeFirstOrThrow();
    const evidence = await storeUpload(t.db, app.services.fileStore, pdf("기금출연"), "document", { purpose: "fund_evidence", hostId: fund.host_id, uploadedBy: await userId(t, "fund1@hamkke.demo") });
    expect(await readers(evidence.publicId, ["fund2@hamkke.demo", "auditor@hamkke.demo", "operator@hamkke.demo", "jahwal@hamkke.demo"])).toEqual({
      "fund2@hamkke.demo": 200,
      "auditor@hamkke.demo": 200,
      "operator@hamkke.demo": 404,
      "jahwal@hamkke.demo": 404,
    });
  });
});
