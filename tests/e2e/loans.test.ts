import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { dictionaries } from "../../app/i18n/messages";
import { demoPdf } from "../../db/seed/fund-demo";
import { launchBrowser } from "../support/browser";
import { seoulDateInDays } from "../support/dates";
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

  /** Back to Korean for someone who switched to English in an earlier step (the choice is kept for the account). */
  async function inKorean(page: Page): Promise<void> {
    if ((await page.locator("html").getAttribute("lang")) === "ko") return;
    await page.getByTestId("language-switch").click();
    await expect.poll(() => page.locator("html").getAttribute("lang")).toBe("ko");
  }

  /** Opens the loan page's decisions panel unless it is open already (it stays open across a decision). */
  async function openDecisions(page: Page): Promise<void> {
    const details = page.locator("details.decisions");
    if ((await details.getAttribute("open")) === null) await details.locator("summary").click();
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

  it("has a rejected document replaced, then closes a committee that lost its quorum", async () => {
    const owner = await logIn("jahwal@hamkke.demo");
    await owner.goto(`${server.url}/fund`);
    await owner.getByTestId("apply-link").first().click();
    await owner.waitForURL("**/loans/new?product=*");
    await owner.waitForLoadState("networkidle");
    const f = l.fields;
    await owner.getByLabel(f.amount).fill("30,000,000");
    await owner.getByLabel(f.purpose).fill("창고형 매장 전세 임대보증금");
    await owner.getByLabel(f.storeAddress).fill("광주 북구 운암동 45");
    await owner.getByLabel(f.landlordName).fill("오임대");
    await owner.getByLabel(f.leaseDeposit).fill("30,000,000");
    await owner.getByLabel(f.leaseStartsOn).fill(seoulDateInDays(60));
    await owner.getByLabel(f.leaseEndsOn).fill(seoulDateInDays(60 + 730));
    for (const docType of ["business_registration", "self_sufficiency_designation", "lease_contract", "business_plan"] as const) {
      await owner.locator(`#document_${docType}`).setInputFiles({ name: `${docType}.pdf`, mimeType: "application/pdf", buffer: Buffer.from(demoPdf(docType)) });
    }
    await owner.getByRole("button", { name: l.submit }).click();
    await expect.poll(() => notice(owner)).toBe(m.notices.loanApplied);
    const ownerPath = new URL(owner.url()).pathname;

    // The reviewer rejects the lease contract with a reason; the review cannot pass without it.
    const reviewer = await logIn("fund1@hamkke.demo");
    await reviewer.goto(`${server.url}/staff`);
    await reviewer.getByTestId("staff-fund-link").click();
    await reviewer.getByRole("link", { name: l.tabs.applications }).click();
    await reviewer.getByTestId("application-row").filter({ hasText: "커피마루 운암점" }).filter({ hasText: "30,000,000원" }).getByRole("link", { name: l.view }).click();
    await reviewer.getByRole("button", { name: l.review.take }).click();
    await expect.poll(() => notice(reviewer)).toBe(m.notices.reviewStarted);
    await reviewer.waitForLoadState("networkidle");
    await reviewer.getByTestId("open-reject-lease_contract").click();
    const leaseForm = reviewer.getByTestId("reject-document-lease_contract");
    await leaseForm.getByLabel(l.rejectDocument.reason).fill("보증금 금액이 적힌 쪽이 빠져 있습니다");
    await leaseForm.getByRole("button", { name: l.rejectDocument.submit }).click();
    await expect.poll(() => notice(reviewer)).toBe(m.notices.documentRejected);
    expect(await reviewer.locator('[data-testid=document-row][data-doc-type=lease_contract]').getAttribute("data-status")).toBe("rejected");
    await reviewer.getByRole("button", { name: l.review.pass }).click();
    await expect.poll(() => reviewer.getByTestId("form-error").textContent()).toBe(m.errors.documentsRejected);
    await screenshot(reviewer, "loan-document-rejected-staff-ko");
    const staffPath = new URL(reviewer.url()).pathname;

    // The member sees why, and uploads a replacement; the rejected one stays in the history.
    await owner.goto(`${server.url}${ownerPath}`);
    expect(await owner.getByTestId("rejected-documents").textContent()).toContain(l.documentTypes.lease_contract);
    expect(await owner.getByTestId("documents").textContent()).toContain("보증금 금액이 적힌 쪽이 빠져 있습니다");
    await screenshot(owner, "loan-document-rejected-enterprise-ko");
    await owner.waitForLoadState("networkidle");
    expect(await owner.getByLabel(l.fields.document, { exact: true }).inputValue()).toBe("lease_contract");
    await owner.locator("#field-file").setInputFiles({ name: "임대차계약서-전체.pdf", mimeType: "application/pdf", buffer: Buffer.from(demoPdf("lease contract, all pages")) });
    await owner.getByRole("button", { name: l.upload }).click();
    await expect.poll(() => notice(owner)).toBe(m.notices.documentUploaded);
    expect(await owner.locator('[data-testid=document-row][data-doc-type=lease_contract]').getAttribute("data-status")).toBe("received");
    expect(await owner.getByTestId("document-history").locator("li").count()).toBe(1);
    await screenshot(owner, "loan-document-replaced-enterprise-ko");

    await reviewer.goto(`${server.url}${staffPath}`);
    await reviewer.getByRole("button", { name: l.review.pass }).click();
    await expect.poll(() => notice(reviewer)).toBe(m.notices.sentToCommittee);

    // The second administrator steps aside: two administrators can no longer make a quorum of two.
    const second = await logIn("fund2@hamkke.demo");
    await second.goto(`${server.url}${staffPath}`);
    await second.waitForLoadState("networkidle");
    await second.getByLabel(l.committee.conflictReason).fill("대표가 사촌입니다");
    await second.getByRole("button", { name: l.committee.declare }).click();
    await expect.poll(() => notice(second)).toBe(m.notices.conflictRecorded);
    await second.context().close();

    await reviewer.goto(`${server.url}${staffPath}`);
    await reviewer.waitForLoadState("networkidle");
    expect(await reviewer.getByTestId("seats").textContent()).toBe(l.committee.seats(0, 1));
    await reviewer.getByLabel(l.committee.noQuorumNote).fill("위원 2명 중 1명이 이해충돌로 회피하여 정족수(2명)를 채울 수 없음");
    await reviewer.getByRole("button", { name: l.committee.noQuorumSubmit }).click();
    await expect.poll(() => notice(reviewer)).toBe(m.notices.committeeClosedNoQuorum);
    expect(await reviewer.getByTestId("application-state").textContent()).toBe(l.applicationStates.closed_no_quorum);
    await screenshot(reviewer, "loan-committee-closed-no-quorum-ko");
    await reviewer.context().close();

    await owner.goto(`${server.url}${ownerPath}`);
    expect(await owner.getByTestId("application-state").textContent()).toBe(l.applicationStates.closed_no_quorum);
    await owner.context().close();
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
    await page.getByLabel(f.leaseStartsOn).fill(seoulDateInDays(30));
    await page.getByLabel(f.leaseEndsOn).fill(seoulDateInDays(30 + 730));
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

  it("pays a grant and writes a loan off only when a second administrator approves, then records a recovery", async () => {
    const maker = await logIn("fund1@hamkke.demo");
    await maker.goto(`${server.url}/staff`);
    await inKorean(maker);
    await maker.getByTestId("staff-fund-link").click();
    await expect.poll(() => maker.getByTestId("staff-fund-balance").textContent()).toMatch(/원$/);
    await maker.waitForLoadState("networkidle");
    const fundBase = new URL(maker.url()).pathname.replace(/\/$/, "");
    const grantForm = maker.getByTestId("grant-form");
    const gf = l.grantFields;
    await grantForm.getByLabel(gf.category).selectOption("equipment");
    await grantForm.getByLabel(gf.recipient).fill("찬찬찬 조리 설비");
    await grantForm.getByLabel(gf.area).fill("광주 북구");
    await grantForm.getByLabel(gf.purpose).fill("대형 냉장고 교체");
    await grantForm.getByLabel(gf.amount).fill("2,400,000");
    await grantForm.getByRole("button", { name: l.requestSubmit }).click();
    await expect.poll(() => notice(maker)).toBe(m.notices.grantRequested);
    expect(await maker.getByTestId("grant-request").filter({ hasText: "찬찬찬 조리 설비" }).textContent()).toContain(l.approvals.yourOwn);

    // The maker asks for the write-off of a loan in default; it waits too.
    await maker.goto(`${server.url}${fundBase}/portfolio`);
    await maker.getByTestId("portfolio-loan").filter({ hasText: "우리동구카페" }).getByRole("link").first().click();
    await maker.waitForLoadState("networkidle");
    await openDecisions(maker);
    await maker.getByTestId("default-form").getByLabel(l.defaultDecision.reason).fill("3개월 넘게 연락이 닿지 않음");
    await maker.getByRole("button", { name: l.defaultDecision.submit }).click();
    await expect.poll(() => notice(maker)).toBe(m.notices.loanDefaulted);
    await maker.waitForLoadState("networkidle");
    await openDecisions(maker);
    await maker.getByTestId("write-off-form").getByLabel(l.writeOff.reason).fill("폐업 확인, 회수 불능");
    await maker.getByRole("button", { name: l.writeOff.submit }).click();
    await expect.poll(() => notice(maker)).toBe(m.notices.writeOffRequested);
    expect(await maker.getByTestId("loan-state").first().textContent()).toBe(l.loanStates.defaulted);
    const loanPath = new URL(maker.url()).pathname;
    await maker.context().close();

    const approver = await logIn("fund2@hamkke.demo");
    await approver.goto(`${server.url}${fundBase}/approvals`);
    await inKorean(approver);
    await approver.waitForLoadState("networkidle");
    expect(await approver.getByTestId("approvals-tab").textContent()).toContain("2");
    await screenshot(approver, "fund-approvals-waiting-ko");
    await approver.getByTestId("grant-request").filter({ hasText: "찬찬찬 조리 설비" }).getByRole("button", { name: l.approvals.approve }).click();
    await expect.poll(() => notice(approver)).toBe(m.notices.grantApproved);
    await approver.waitForLoadState("networkidle");
    await approver.getByTestId("write-off-request").filter({ hasText: "우리동구카페" }).getByRole("button", { name: l.approvals.approve }).click();
    await expect.poll(() => notice(approver)).toBe(m.notices.writeOffApproved);
    expect(await approver.getByTestId("decided-requests").locator("tbody tr").count()).toBeGreaterThanOrEqual(2);
    await screenshot(approver, "fund-approvals-decided-ko");

    await approver.goto(`${server.url}${loanPath}`);
    await approver.waitForLoadState("networkidle");
    expect(await approver.getByTestId("loan-state").first().textContent()).toBe(l.loanStates.written_off);
    const recovery = approver.getByTestId("recovery-form");
    await recovery.getByLabel(l.recovery.amount).fill("1,000,000");
    await recovery.getByLabel(l.recovery.reference).fill("NH-REC-0001");
    await recovery.getByRole("button", { name: l.recovery.submit }).click();
    await expect.poll(() => notice(approver)).toBe(m.notices.recoveryRecorded);
    expect(await approver.getByTestId("recovery").count()).toBe(1);
    expect(await approver.getByTestId("recovered-total").textContent()).toBe("1,000,000원");
    await screenshot(approver, "loan-written-off-recovery-ko");

    await approver.goto(`${server.url}${fundBase}/portfolio`);
    await expect.poll(() => approver.getByTestId("portfolio-recovered").textContent()).toContain("1,000,000원");
    await approver.getByTestId("language-switch").click();
    await expect.poll(() => approver.locator("html").getAttribute("lang")).toBe("en");
    expect(await approver.getByTestId("portfolio-loan-recovery").first().textContent()).toContain(`${dictionaries.en.loans.recovery.recovered} ₩1,000,000`);
    await screenshot(approver, "loan-portfolio-recovered-en");
    await approver.context().close();
  });
});
