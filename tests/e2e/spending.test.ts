import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { dictionaries } from "../../app/i18n/messages";
import { launchBrowser } from "../support/browser";
import { logInPage, screenshot } from "../support/pages";
import { startTestServer, type TestServer } from "../support/server";

const m = dictionaries.ko;
const CAMPAIGN = "/campaigns/hospital-childcare-round-1";

describe.runIf(inject("chromium"))("spending under four eyes, in the browser", () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function logIn(email: string): Promise<Page> {
    return logInPage(browser, server.url, email);
  }

  it("an enterprise requests with a receipt, two operators approve, a citizen follows it on the ledger", async () => {
    const owner = await logIn("mom@hamkke.demo");
    await owner.goto(`${server.url}${CAMPAIGN}/spending`);
    await owner.getByLabel(m.spending.line).selectOption({ index: 1 });
    await owner.getByLabel(m.spending.amount).fill("1,200,000");
    await owner.getByLabel(m.spending.payee).fill("광주 병원아동보호사 교육원");
    await owner.getByLabel(m.spending.description).fill("보호사 12명 교육 강사료");
    await owner.getByLabel(m.spending.receiptFiles).setInputFiles({ name: "영수증-교육원.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n% receipt\n") });
    await owner.getByRole("button", { name: m.spending.submitRequest }).click();
    await expect.poll(() => owner.getByTestId("notice").textContent()).toBe(m.notices.disbursementRequested);
    await expect.poll(() => owner.getByTestId("open-requests").textContent()).toContain(m.spending.approvals(0, 2));

    const first = await logIn("operator@hamkke.demo");
    await first.goto(`${server.url}${CAMPAIGN}/spending`);
    await first.getByRole("button", { name: m.spending.approve }).click();
    await expect.poll(() => first.getByTestId("notice").textContent()).toBe(m.notices.disbursementApproved);
    // Approving twice does not count twice.
    await first.getByRole("button", { name: m.spending.approve }).click();
    await expect.poll(() => first.getByTestId("form-error").textContent()).toBe(m.errors.alreadyApproved);

    const second = await logIn("operator2@hamkke.demo");
    await second.goto(`${server.url}${CAMPAIGN}/spending`);
    await screenshot(second, "spending-insider");
    await second.getByRole("button", { name: m.spending.approve }).click();
    await expect.poll(() => second.getByTestId("notice").textContent()).toBe(m.notices.disbursementPaid);

    const citizen = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await citizen.goto(`${server.url}${CAMPAIGN}`);
    await citizen.getByTestId("spending-link").click();
    await citizen.waitForURL("**/spending");
    await expect.poll(() => citizen.getByTestId("paid-disbursements").textContent()).toContain("광주 병원아동보호사 교육원");
    expect(await citizen.getByTestId("budget-vs-actual").textContent()).toContain("1,200,000원");
    // The receipt stays private until an operator publishes a redacted copy.
    expect(await citizen.getByTestId("paid-disbursements").textContent()).not.toContain(m.spending.private);
    await screenshot(citizen, "spending-public");
    await citizen.goto(`${server.url}/ledger`);
    await expect.poll(() => citizen.locator("body").textContent()).toContain("disbursement.paid");
    await screenshot(citizen, "ledger-after-disbursement");
    for (const page of [owner, first, second, citizen]) await page.context().close();
  });
});
