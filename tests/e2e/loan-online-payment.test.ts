import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { dictionaries } from "../../app/i18n/messages";
import { formatWon } from "../../app/utils/money";
import { launchBrowser } from "../support/browser";
import { logInPage, screenshot, submitCard } from "../support/pages";
import { startTestServer, type TestServer } from "../support/server";

const m = dictionaries.ko;
const l = m.loans;

describe.runIf(inject("chromium"))("an enterprise pays its loan instalment online", () => {
  let server: TestServer;
  let browser: Browser;
  let loanPath = "";
  let staffLoanPath = "";
  let intentId = "";

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    const db = server.database.db;
    const loan = await db
      .selectFrom("loans")
      .innerJoin("enterprises", "enterprises.id", "loans.enterprise_id")
      .select(["loans.id", "loans.enterprise_id", "loans.fund_id"])
      .where("enterprises.name", "=", "찬찬찬")
      .executeTakeFirstOrThrow();
    loanPath = `/enterprises/${loan.enterprise_id}/loans/${loan.id}`;
    staffLoanPath = `/staff/fund/${loan.fund_id}/loans/${loan.id}`;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function logIn(email: string, viewport: { width: number; height: number }): Promise<Page> {
    return logInPage(browser, server.url, email, viewport);
  }

  it("the owner pays the next instalment with a test card on a phone and sees it paid", async () => {
    const page = await logIn("chan@hamkke.demo", { width: 390, height: 844 });
    await page.goto(`${server.url}${loanPath}`);
    const nextBefore = (await page.getByTestId("loan-next-payment").textContent()) ?? "";
    const repaymentsBefore = await page.getByTestId("repayment").count();
    await screenshot(page, "loan-pay-online-before-phone-ko");
    await page.getByTestId("pay-online").getByRole("link").click();
    await page.waitForURL("**/pay");
    const amount = (await page.getByTestId("pay-amount").textContent()) ?? "";
    expect(nextBefore).toContain(amount);

    // A declined card first: a clear message, nothing recorded.
    await submitCard(page, "4000 0000 0000 0002", l.payOnlineButton(amount));
    await expect.poll(() => page.getByTestId("error-cardNumber").textContent()).toBe(m.errors.cardDeclined);
    await screenshot(page, "loan-pay-online-declined-phone-ko");

    await submitCard(page, "4242 4242 4242 4242", l.payOnlineButton(amount));
    await page.waitForURL(`**${loanPath}?notice=loanPaidOnline`);
    expect(await page.getByTestId("notice").textContent()).toBe(m.notices.loanPaidOnline);
    expect(await page.getByTestId("repayment").count()).toBe(repaymentsBefore + 1);
    const newest = page.getByTestId("repayment").last();
    expect(await newest.textContent()).toContain(l.channels.online);
    expect(await newest.textContent()).toContain(amount);
    // The page fits the phone: nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, "loan-pay-online-paid-phone-ko");

    const db = server.database.db;
    const repayment = await db.selectFrom("loan_repayments").select(["external_reference", "amount_won"]).where("method", "=", "online").executeTakeFirstOrThrow();
    expect(formatWon(repayment.amount_won, "ko")).toBe(amount);
    intentId = repayment.external_reference;
    await page.context().close();
  });

  it("a fund administrator sees the repayment marked online, with the payment id", async () => {
    const page = await logIn("fund1@hamkke.demo", { width: 1280, height: 900 });
    await page.goto(`${server.url}${staffLoanPath}`);
    const row = page.getByTestId("repayment").filter({ hasText: intentId });
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toContain(l.channels.online);
    await screenshot(page, "loan-pay-online-staff-ko");
    await page.context().close();
  });
});
