import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { dictionaries } from "../../app/i18n/messages";
import { startFakeWitness, type FakeWitness } from "../fakes/witness-server";
import { launchBrowser } from "../support/browser";
import { logInPage, screenshot } from "../support/pages";
import { startTestServer, type TestServer } from "../support/server";

// A backer's receipt proves, in the browser, that the pledge is in the signed ledger: the
// inclusion proof, the log's signature and a witness's cosignature, all checked with Web Crypto.

describe.runIf(inject("chromium"))("proofs of a backer's entries in the browser", () => {
  let server: TestServer;
  let browser: Browser;
  let witness: FakeWitness;
  // The witness learns the log's key once the server has made it (a dev key, on first start).
  const logs: Record<string, Buffer> = {};

  beforeAll(async () => {
    witness = await startFakeWitness("gwangsan.example.kr/witness", logs);
    [server, browser] = await Promise.all([startTestServer({ LEDGER_WITNESSES: `${witness.vkey} ${witness.url}` }), launchBrowser()]);
    const document = (await (await fetch(`${server.url}/api/v1/ledger/checkpoints`)).json()) as { origin: string; public_key: { public_key: string } };
    logs[document.origin] = Buffer.from(document.public_key.public_key, "base64");
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await witness?.close();
  });

  /** backer05@ backed a keep-it-all demo campaign: the pledge was collected and written to the ledger. */
  async function receiptOf(page: Page): Promise<string> {
    const row = await server.database.db
      .selectFrom("pledges")
      .innerJoin("users", "users.id", "pledges.backer_id")
      .select("pledges.public_id")
      .where("users.email", "=", "backer05@hamkke.demo")
      .where("pledges.state", "=", "collected")
      .executeTakeFirstOrThrow();
    await page.goto(`${server.url}/pledges/${row.public_id}`);
    return row.public_id;
  }

  const statuses = (page: Page) => page.getByTestId("ledger-proof").evaluateAll((blocks) => blocks.map((b) => b.getAttribute("data-status")));

  it("shows the entries as waiting before a checkpoint, then proves them against a witnessed checkpoint", async () => {
    const m = dictionaries.ko;
    const page = await logInPage(browser, server.url, "backer05@hamkke.demo", { width: 390, height: 900 });
    await receiptOf(page);
    const waiting = await statuses(page);
    // A checkpoint may already cover the seeded entries (none is signed before the first tick).
    expect(waiting.length).toBeGreaterThan(0);

    // The demo clock's tick signs a checkpoint and asks the witness to cosign it.
    await page.goto(`${server.url}/dev/clock`);
    await page.getByLabel(m.dev.advanceDays).fill("0");
    await page.getByLabel(m.dev.advanceHours).fill("2");
    await page.getByRole("button", { name: m.dev.advance }).click();
    await expect.poll(() => page.getByTestId("notice").count()).toBe(1);
    expect(witness.requests.at(-1)).toMatchObject({ oldSize: 0, status: 200 });

    await receiptOf(page);
    await expect.poll(() => statuses(page)).toEqual(waiting.map(() => "ok"));
    const text = await page.getByTestId("ledger-proofs").textContent();
    expect(text).toContain(m.ledger.proof.ok);
    expect(text).toContain("gwangsan.example.kr/witness");
    expect(await page.getByTestId("ledger-proofs").locator(".proof-check-bad").count()).toBe(0);
    await screenshot(page, "receipt-proof-phone");
    await page.context().close();
  });

  it("proves the same entries on /ledger/find from the receipt code, in English on a desktop", async () => {
    const m = dictionaries.en;
    const page = await logInPage(browser, server.url, "backer05@hamkke.demo");
    await receiptOf(page);
    const code = (await page.getByTestId("receipt-code").textContent())?.trim() ?? "";
    await page.goto(`${server.url}/ledger/find`);
    await page.getByTestId("language-switch").click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe(m.ledger.find.title);
    await page.getByLabel(m.ledger.find.code).fill(code);
    await page.getByRole("button", { name: m.ledger.find.button }).click();
    await expect.poll(() => page.getByTestId("find-count").count()).toBe(1);
    await expect.poll(async () => (await statuses(page)).every((s) => s === "ok") && (await statuses(page)).length > 0).toBe(true);
    expect(await page.getByTestId("ledger-proofs").textContent()).toContain(m.ledger.proof.ok);
    await screenshot(page, "ledger-find-proof-en");
    await page.context().close();
  });
});
