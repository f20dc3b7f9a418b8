import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { dictionaries } from "../../app/i18n/messages";
import { launchBrowser } from "../support/browser";
import { logInPage, screenshot } from "../support/pages";
import { startTestServer, type TestServer } from "../support/server";

const m = dictionaries.ko;

describe.runIf(inject("chromium"))("Korean payment methods in the browser (demo provider)", () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("a resident on a phone pledges with Kakao Pay: cancels at the wallet, comes back, then approves", async () => {
    const page = await logInPage(browser, server.url, "citizen@hamkke.demo", { width: 390, height: 844 });
    await page.goto(`${server.url}/campaigns/demo-neighbourhood-playground/pledge`);
    await page.getByLabel(m.pledges.amount).fill("15,000");
    await page.getByRole("button", { name: m.pledges.continue }).click();
    await page.waitForURL("**/pay");
    // All-or-nothing saves the method: only what Stripe can save is offered. The address changes
    // before the client-side navigation renders the page, so wait for the form itself.
    await page.getByTestId("redirect-methods").waitFor();
    const offered = await page.getByTestId("redirect-methods").getByRole("radio").evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
    expect(offered).toEqual(["kr_card", "kakao_pay", "naver_pay"]);
    expect(await page.getByLabel(m.pledges.cardNumber).isVisible()).toBe(true);
    await screenshot(page, "pay-methods-phone");

    await page.getByLabel(new RegExp(m.payments.methods.kakao_pay)).check();
    await page.getByRole("button", { name: m.payments.continueSaved }).click();
    await page.waitForURL("**/demo-pay/**");
    await page.getByTestId("demo-approval").waitFor();
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(m.payments.approvalSetupTitle(m.payments.methods.kakao_pay));
    await screenshot(page, "demo-approval-phone");

    // Cancelled at the wallet: back on the payment page, told why, nothing saved.
    await page.getByRole("button", { name: m.payments.cancelApproval }).click();
    await page.waitForURL(/\/pledges\/[^/]+\/pay$/);
    await expect.poll(() => page.getByTestId("last-payment-error").textContent()).toBe(m.errors.walletNotApproved);
    await screenshot(page, "pay-after-wallet-cancel-phone");

    await page.getByLabel(new RegExp(m.payments.methods.kakao_pay)).check();
    await page.getByRole("button", { name: m.payments.continueSaved }).click();
    await page.waitForURL("**/demo-pay/**");
    await page.getByRole("button", { name: m.payments.approve }).click();
    await expect.poll(() => page.getByTestId("notice").textContent()).toBe(m.notices.pledgeSaved);
    expect(await page.getByTestId("pledge-state").textContent()).toBe(m.pledges.states.saved);
    expect(await page.getByTestId("pledge-method").textContent()).toBe(m.payments.methods.kakao_pay);
    await screenshot(page, "receipt-kakao-pay-phone");
    await page.context().close();
  });

  it("a keep-it-all pledge is paid at once with Samsung Pay (on a desktop), which all-or-nothing does not offer", async () => {
    const page = await logInPage(browser, server.url, "company@hamkke.demo");
    await page.goto(`${server.url}/campaigns/demo-local-food-cafe/pledge`);
    await page.getByLabel(m.pledges.amount).fill("30,000");
    await page.getByRole("button", { name: m.pledges.continue }).click();
    await page.waitForURL("**/pay");
    await page.getByLabel(new RegExp(m.payments.methods.samsung_pay)).check();
    await screenshot(page, "pay-methods-desktop");
    await page.getByRole("button", { name: m.payments.continueNow }).click();
    await page.waitForURL("**/demo-pay/**");
    await page.getByTestId("demo-approval").waitFor();
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(m.payments.approvalTitle(m.payments.methods.samsung_pay));
    await screenshot(page, "demo-approval-desktop");
    await page.getByRole("button", { name: m.payments.approve }).click();
    await expect.poll(() => page.getByTestId("notice").textContent()).toBe(m.notices.pledgePaid);
    expect(await page.getByTestId("pledge-state").textContent()).toBe(m.pledges.states.collected);
    expect(await page.getByTestId("pledge-method").textContent()).toBe(m.payments.methods.samsung_pay);
    await page.context().close();
  });
});
