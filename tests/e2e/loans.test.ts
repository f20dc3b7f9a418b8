import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { dictionaries } from "../../app/i18n/messages";
import { demoPdf } from "../../db/seed/fund-demo";
import { launchBrowser } from "../support/browser";
import { logInPage, screenshot } from "../support/pages";
import { startTestServer, type TestServer } from "../support/server";

const m = dictionaries.ko;
const l = m.loans;

describe.runIf(inject("chromium"))("a lease-deposit loan in the browser", () => {
  let server: TestServer;
  let browser: Browser;
  let applicationPath = "";
  let loanPath = "";

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function logIn(email: string, width = 1280): Promise<Page> {
    return logInPage(browser, server.url, email, { width, height: 900 });
  }

  async function notice(page: Page): Promise<string | null> {
    return page.getByTestId("notice").textContent({ timeout: 10_000 });
  }

  it("shows the fund's public page: balance, uses, areas and expected effects", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/fund`);
    await expect.poll(() => page.getByTestId("fund-balance").textContent()).toMatch(/원$/);
    expect(await page.getByTestId("fund-uses").locator("li").count()).toBe(6);
    expect(await page.getByTestId("fund-areas").locator("li").count()).toBeGreaterThan(3);
    await screenshot(page, "fund-public-ko");
    await context.close();
  });

  it("lets a self-sufficiency enterprise apply, with its documents", async () => {
    const page = await logIn("jahwal@hamkke.demo");
    await page.goto(`${server.url}/fund`);
    await page.getByTestId("apply-link").first().click();
    await page.waitForURL("**/loans/new?product=*");
    const f = l.fields;
    await page.getByLabel(f.amount).fill("100,000,001");
    await page.getByLabel(f.purpose).fill("운암동 2호점 전세 임대보증금");
    await page.getByLabel(f.storeAddress).fill("광주 북구 운암동 123");
    await page.getByLabel(f.landlordName).fill("정임대");
    await page.getByLabel(f.leaseDeposit).fill("90,000,000");
    await page.getByLabel(f.leaseStartsOn).fill("2027-01-01");
    await page.getByLabel(f.leaseEndsOn).fill("2028-12-31");
    for (const docType of ["business_registration", "self_sufficiency_designation", "lease_contract", "business_plan"] as const) {
      await page.locator(`#document_${docType}`).setInputFiles({ name: `${docType}.pdf`, mimeType: "application/pdf", buffer: Buffer.from(demoPdf(docType)) });
    }
    await page.getByRole("button", { name: l.submit }).click();
    // Over the cap and over the deposit: refused with the reason, the form kept.
    await expect.poll(() => page.getByTestId("error-amountWon").textContent()).toBe(m.errors.amountAboveDeposit);
    await screenshot(page, "loan-apply-error-ko");
    await page.getByLabel(f.amount).fill("80,000,000");
    for (const docType of ["business_registration", "self_sufficiency_designation", "lease_contract", "business_plan"] as const) {
      await page.locator(`#document_${docType}`).setInputFiles({ name: `${docType}.pdf`, mimeType: "application/pdf", buffer: Buffer.from(demoPdf(docType)) });
    }
    await page.getByRole("button", { name: l.submit }).click();
    await expect.poll(() => notice(page)).toBe(m.notices.loanApplied);
    expect(await page.getByTestId("application-state").textContent()).toBe(l.applicationStates.submitted);
    expect(await page.getByTestId("documents").locator("li").count()).toBe(4);
    applicationPath = new URL(page.url()).pathname;
    await screenshot(page, "loan-applied-ko");
    await page.context().close();
  });

  it("takes two administrators in the committee to approve, then contracts and pays the landlord", async () => {
    const first = await logIn("fund1@hamkke.demo");
    await first.goto(`${server.url}/staff`);
    await first.getByTestId("staff-fund-link").click();
    await expect.poll(() => first.getByTestId("staff-fund-balance").textContent()).toMatch(/원$/);
    await screenshot(first, "fund-staff-overview-ko");
    await first.getByRole("link", { name: l.tabs.applications }).click();
    const row = first.getByTestId("application-row").filter({ hasText: "커피마루 운암점" }).filter({ hasText: "80,000,000원" });
    await row.getByRole("link", { name: l.view }).click();
    await first.getByRole("button", { name: l.review.take }).click();
    await expect.poll(() => notice(first)).toBe(m.notices.reviewStarted);
    await first.getByRole("button", { name: l.review.pass }).click();
    await expect.poll(() => notice(first)).toBe(m.notices.sentToCommittee);
    // Voting without affirming no conflict of interest is refused.
    await first.getByRole("button", { name: l.committee.approve }).click();
    await expect.poll(() => first.getByTestId("form-error").count()).toBe(1);
    await first.getByTestId("no-conflict").check();
    await first.locator("[data-testid=vote-form] textarea[name=comment]").fill("매출 안정, 상환 능력 충분");
    await first.getByRole("button", { name: l.committee.approve }).click();
    await expect.poll(() => notice(first)).toBe(m.notices.voteRecorded);
    // One administrator cannot decide alone.
    await first.getByRole("button", { name: l.committee.close }).click();
    await expect.poll(() => first.getByTestId("form-error").textContent()).toBe(m.errors.quorumNotMet);
    await screenshot(first, "loan-committee-one-vote-ko");
    const applicationUrl = `${server.url}${new URL(first.url()).pathname}`;
    await first.context().close();

    const second = await logIn("fund2@hamkke.demo");
    await second.goto(applicationUrl);
    await second.getByTestId("no-conflict").check();
    await second.getByRole("button", { name: l.committee.approve }).click();
    await expect.poll(() => notice(second)).toBe(m.notices.voteRecorded);
    await expect.poll(() => second.getByTestId("tally").textContent()).toBe(l.committee.tally(2, 0));
    await second.getByRole("button", { name: l.committee.close }).click();
    await expect.poll(() => notice(second)).toBe(m.notices.committeeDecided);
    expect(await second.getByTestId("application-state").textContent()).toBe(l.applicationStates.approved);
    await screenshot(second, "loan-committee-approved-ko");

    await second.getByRole("button", { name: l.contract.submit }).click();
    await expect.poll(() => notice(second)).toBe(m.notices.loanContracted);
    await second.getByLabel(l.disburse.reference).fill("NH-2026-0001");
    await second.getByRole("button", { name: l.disburse.submit }).click();
    await expect.poll(() => notice(second)).toBe(m.notices.loanDisbursed);
    expect(await second.getByTestId("loan-state").first().textContent()).toBe(l.loanStates.disbursed);
    expect(await second.getByTestId("instalment").count()).toBe(24);
    expect(await second.getByTestId("loan-outstanding").textContent()).toBe("80,000,000원");
    loanPath = new URL(second.url()).pathname;
    await screenshot(second, "loan-disbursed-staff-ko");
    await second.context().close();
  });

  it("records repayments, once each even when a form is sent twice", async () => {
    const page = await logIn("fund2@hamkke.demo");
    await page.goto(`${server.url}${loanPath}`);
    // Type only once the page is hydrated, or React may reset what was typed.
    await page.waitForLoadState("networkidle");
    const due = await page.getByLabel(l.repay.amount).inputValue();
    expect(Number(due)).toBeGreaterThan(0);
    await page.getByLabel(l.repay.reference).fill("NH-REPAY-0001");
    await page.getByRole("button", { name: l.repay.submit }).click();
    await expect.poll(() => notice(page)).toBe(m.notices.repaymentRecorded);
    expect(await page.getByTestId("repayment").count()).toBe(1);
    // The same form sent twice at once (a double click): recorded once.
    await page.getByLabel(l.repay.reference).fill("NH-REPAY-0002");
    await page.evaluate(() => {
      const form = document.querySelector<HTMLFormElement>("[data-testid=repayment-form]");
      form?.requestSubmit();
      form?.requestSubmit();
    });
    await expect.poll(() => page.getByTestId("repayment").count()).toBe(2);
    await page.goto(`${server.url}${loanPath}`);
    expect(await page.getByTestId("repayment").count()).toBe(2);
    expect(await page.getByTestId("instalment").first().getAttribute("data-status")).toBe("paid");
    await screenshot(page, "loan-repaid-staff-ko");
    await page.context().close();
  });

  it("shows an overdue instalment in the portfolio once time passes, and to the enterprise", async () => {
    const clock = await logIn("fund1@hamkke.demo");
    await clock.goto(`${server.url}/dev/clock`);
    await clock.waitForLoadState("networkidle");
    // Two instalments were paid above; the third falls due about three months after disbursement.
    await clock.getByLabel(m.dev.advanceDays).fill("100");
    await clock.getByRole("button", { name: m.dev.advance }).click();
    await expect.poll(() => notice(clock)).toBe(m.notices.clockAdvanced);
    await clock.context().close();
    // Sessions expire as the clock moves: log in again, 100 days later.
    const admin = await logIn("fund1@hamkke.demo");
    await admin.goto(`${server.url}${loanPath.replace(/loans\/\d+$/, "portfolio")}`);
    const row = admin.getByTestId("portfolio-loan").filter({ hasText: "커피마루 운암점" }).filter({ hasText: "80,000,000원" });
    await expect.poll(() => row.getAttribute("class")).toBe("row-overdue");
    expect(await row.textContent()).toContain(l.portfolio.bucketNames["1_30"]);
    expect(Number(await admin.getByTestId("portfolio-buckets").locator('[data-key="1_30"] .bar-value').textContent().then((t) => t?.match(/\d+/)?.[0]))).toBeGreaterThanOrEqual(1);
    await screenshot(admin, "loan-portfolio-overdue-ko");
    await admin.getByTestId("language-switch").click();
    await expect.poll(() => admin.locator("html").getAttribute("lang")).toBe("en");
    await screenshot(admin, "loan-portfolio-overdue-en");
    await admin.context().close();

    const owner = await logIn("jahwal@hamkke.demo", 390);
    await owner.goto(`${server.url}${applicationPath.replace(/applications\/\d+$/, "")}`);
    const card = owner.getByTestId("my-loan").filter({ hasText: "80,000,000원" });
    expect(await card.getByTestId("next-payment").textContent()).toContain(l.nextPaymentOverdue);
    await screenshot(owner, "loan-enterprise-list-mobile-ko");
    await card.click();
    await expect.poll(() => owner.getByTestId("loan-next-payment").textContent()).toMatch(/원$/);
    expect(await owner.locator('[data-testid="instalment"][data-status="overdue"]').count()).toBe(1);
    await screenshot(owner, "loan-enterprise-overdue-mobile-ko");
    await owner.context().close();
  });
});
