import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { dictionaries } from "../../app/i18n/messages";
import { drainLedger } from "../../app/ledger/sequencer.server";
import { launchBrowser } from "../support/browser";
import { logInPage, screenshot, submitCard } from "../support/pages";
import { startTestServer, type TestServer } from "../support/server";

const m = dictionaries.ko;

describe.runIf(inject("chromium"))("a receipt while its ledger entries are being recorded", () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    // The server's own sequencer is off, so the entries wait until the test sequences them.
    [server, browser] = await Promise.all([startTestServer({ LEDGER_SEQUENCER: "off" }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("says 'recording' until the entry has its seq, then shows it without a reload", async () => {
    const page = await logInPage(browser, server.url, "backer11@hamkke.demo", { width: 390, height: 844 });
    await page.goto(`${server.url}/campaigns/demo-local-food-cafe/pledge`);
    await page.getByLabel(m.pledges.amount).fill("20,000");
    await page.getByRole("button", { name: m.pledges.continue }).click();
    await page.waitForURL("**/pay");
    await submitCard(page, "4242 4242 4242 4242", m.pledges.payNow);
    await expect.poll(() => page.getByTestId("notice").textContent()).toBe(m.notices.pledgePaid);

    const recording = page.getByTestId("ledger-recording-count");
    expect(await recording.textContent()).toMatch(/^기록 중: 이 후원의 기록 \d+건이/);
    expect(await page.getByTestId("ledger-entry").count()).toBe(0);
    expect(await page.getByTestId("receipt-no-entries").count()).toBe(0);
    await screenshot(page, "receipt-recording-phone");

    await drainLedger(server.database.db);
    // The receipt asks its loader again each second while entries wait: no navigation here.
    await expect.poll(() => page.getByTestId("ledger-entry").count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await recording.count()).toBe(0);
    await screenshot(page, "receipt-recorded-phone");
    await page.context().close();
  });
});
