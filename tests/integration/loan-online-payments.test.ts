import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderedEmailsTo } from "../../app/email/outbox.server";
import { fundCardFees, fundCash, fundInterestIncome, fundPenaltyIncome, loanReceivable } from "../../app/fund/fund";
import { dictionaries } from "../../app/i18n/messages";
import type { ErrorKey } from "../../app/i18n/messages/errors";
import { getBalance, verifyStoredLedger } from "../../app/ledger/ledger.server";
import { recordRepayment } from "../../app/loans/loans.server";
import { amountDueOnline, applyLoanPaymentState, confirmLoanDemoCard, reconcileLoanPayments, startLoanOnlinePayment } from "../../app/loans/online-payments.server";
import { processorFeeWon } from "../../app/payments/fees";
import { formatWon } from "../../app/utils/money";
import { startApp, type TestApp, type TestClient } from "../support/app";
import { createDemoDatabase, type TestDatabase } from "../support/db";
import { DEMO_PASSWORD, enterpriseId, userId } from "../support/seed";
import { CARD_EXPIRY } from "../support/dates";

// Online loan repayments with the demo provider, over HTTP and at the service seam.

let t: TestDatabase;
let app: TestApp;
let fundId = 0;
let chan = 0;
let chanLoan = 0;
let cafe = 0;
let cafeLoan = 0;
let coffee = 0;
const clients = new Map<string, TestClient>();
const FEE_BP = 320;
const CARD = { cardNumber: "4242 4242 4242 4242", cardExpiry: CARD_EXPIRY, cardCvc: "123" };

beforeAll(async () => {
  t = await createDemoDatabase();
  app = await startApp(t.db);
  fundId = (await t.db.selectFrom("funds").select("id").executeTakeFirstOrThrow()).id;
  chan = await enterpriseId(t, "찬찬찬");
  cafe = await enterpriseId(t, "우리동구카페");
  coffee = await enterpriseId(t, "커피마루 운암점");
  chanLoan = (await t.db.selectFrom("loans").select("id").where("enterprise_id", "=", chan).executeTakeFirstOrThrow()).id;
  cafeLoan = (await t.db.selectFrom("loans").select("id").where("enterprise_id", "=", cafe).executeTakeFirstOrThrow()).id;
});
afterAll(async () => {
  await app.close();
  await t.drop();
});

async function clientFor(email: string, locale: "ko" | "en" = "ko"): Promise<TestClient> {
  const key = `${email}:${locale}`;
  let client = clients.get(key);
  if (!client) {
    client = app.client();
    await client.logIn(email, DEMO_PASSWORD);
    client.useLocale(locale);
    clients.set(key, client);
  }
  return client;
}

function escaped(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/'/g, "&#x27;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function message(key: ErrorKey, locale: "ko" | "en"): string {
  return escaped(dictionaries[locale].errors[key]);
}

/** Opens the pay page as a member and returns the payment's public id from its form. */
async function openPayPage(client: TestClient, enterprise: number, loan: number): Promise<{ publicId: string; html: string }> {
  const response = await client.get(`/enterprises/${enterprise}/loans/${loan}/pay`);
  expect(response.status).toBe(200);
  const html = await response.text();
  const publicId = html.match(/name="payment" value="(lp_[A-Za-z0-9_-]+)"/)?.[1];
  if (!publicId) throw new Error("no payment on the pay page");
  return { publicId, html };
}

function payPath(enterprise: number, loan: number): string {
  return `/enterprises/${enterprise}/loans/${loan}/pay`;
}

async function onlineRepayments(loanId: number) {
  return t.db.selectFrom("loan_repayments").selectAll().where("loan_id", "=", loanId).where("method", "=", "online").orderBy("id").execute();
}

async function paymentRow(publicId: string) {
  return t.db.selectFrom("loan_online_payments").selectAll().where("public_id", "=", publicId).executeTakeFirstOrThrow();
}

describe("paying the next instalment by card (demo provider)", () => {
  it("records it once, allocated and booked like a bank transfer with the card fee as the fund's expense, and e-mails a receipt", async () => {
    const due = await amountDueOnline(app.services, chanLoan);
    expect(due?.overdue).toBe(false);
    const dueWon = due?.amountWon ?? 0;
    expect(dueWon).toBeGreaterThan(0);
    const instalment = await t.db.selectFrom("loan_instalments").selectAll().where("loan_id", "=", chanLoan).where("paid_off_on", "is", null).orderBy("number").limit(1).executeTakeFirstOrThrow();
    const cashBefore = await getBalance(t.db, fundCash(fundId).code);
    const receivableBefore = await getBalance(t.db, loanReceivable(chanLoan).code);
    const interestBefore = await getBalance(t.db, fundInterestIncome(fundId).code);
    const feesBefore = await getBalance(t.db, fundCardFees(fundId).code);

    const owner = await clientFor("chan@hamkke.demo");
    const page = await client(owner).loanPage(chan, chanLoan);
    expect(page).toContain('data-testid="pay-online"');
    const { publicId, html } = await openPayPage(owner, chan, chanLoan);
    expect(html).toContain(escaped(formatWon(dueWon, "ko")));
    expect(html).toContain('data-testid="demo-notice"');
    // Visiting the page again while the amount is unchanged reuses the payment.
    expect((await openPayPage(owner, chan, chanLoan)).publicId).toBe(publicId);

    const first = await owner.post(payPath(chan, chanLoan), { payment: publicId, ...CARD });
    expect(first.status).toBe(302);
    expect(first.headers.get("Location")).toBe(`/enterprises/${chan}/loans/${chanLoan}?notice=loanPaidOnline`);
    // The double submit, then the reconciler after a quiet period: nothing more is recorded.
    const second = await owner.post(payPath(chan, chanLoan), { payment: publicId, ...CARD });
    expect(second.status).toBe(302);
    app.services.clock.set("2026-11-24T03:10:00Z");
    expect(await reconcileLoanPayments(app.services)).toBe(0);
    app.services.clock.set("2026-11-24T03:00:00Z");

    const repayments = await onlineRepayments(chanLoan);
    expect(repayments).toHaveLength(1);
    const [repayment] = repayments;
    const row = await paymentRow(publicId);
    expect(row).toMatchObject({ state: "recorded", repayment_id: repayment?.id, card_last4: "4242", fee_won: processorFeeWon(dueWon, FEE_BP) });
    expect(repayment).toMatchObject({
      kind: "instalment",
      method: "online",
      external_reference: row.provider_intent_id,
      recorded_by: null,
      amount_won: dueWon,
      penalty_won: 0,
      interest_won: instalment.interest_due_won - instalment.interest_paid_won,
      principal_won: instalment.principal_due_won - instalment.principal_paid_won,
    });
    const fee = processorFeeWon(dueWon, FEE_BP);
    expect(await getBalance(t.db, fundCash(fundId).code)).toBe(cashBefore + dueWon - fee);
    expect(await getBalance(t.db, fundCardFees(fundId).code)).toBe(feesBefore + fee);
    expect(await getBalance(t.db, loanReceivable(chanLoan).code)).toBe(receivableBefore - (repayment?.principal_won ?? 0));
    expect(await getBalance(t.db, fundInterestIncome(fundId).code)).toBe(interestBefore - (repayment?.interest_won ?? 0));
    const entries = await t.db.selectFrom("journal_entries").select("kind").where("id", ">=", repayment?.ledger_entry_id ?? 0).orderBy("id").execute();
    expect(entries.map((e) => e.kind)).toEqual(["loan.repayment", "loan.card_fee"]);
    expect((await verifyStoredLedger(t.db)).ok).toBe(true);

    const receipts = await renderedEmailsTo(t.db, "chan@hamkke.demo", "loanRepaymentReceipt");
    expect(receipts).toHaveLength(1);
    expect(receipts[0]?.subject).toContain(formatWon(dueWon, "ko"));
    expect(receipts[0]?.text_body).toContain(row.provider_intent_id ?? "missing");

    // The member sees it paid; the fund's administrator sees it marked online with the payment id.
    expect(await client(owner).loanPage(chan, chanLoan)).toContain(dictionaries.ko.loans.channels.online);
    const admin = await clientFor("fund1@hamkke.demo");
    const staffPage = await (await admin.get(`/staff/fund/${fundId}/loans/${chanLoan}`)).text();
    expect(staffPage).toContain(dictionaries.ko.loans.channels.online);
    expect(staffPage).toContain(row.provider_intent_id ?? "missing");
  });

  it("refuses a declined card with a clear message in Korean and English, records nothing, and lets the member retry", async () => {
    const before = await onlineRepayments(cafeLoan);
    const ko = await clientFor("cafe@hamkke.demo", "ko");
    const en = await clientFor("cafe@hamkke.demo", "en");
    const { publicId } = await openPayPage(ko, cafe, cafeLoan);
    const declinedKo = await ko.post(payPath(cafe, cafeLoan), { payment: publicId, ...CARD, cardNumber: "4000 0000 0000 0002" });
    expect(declinedKo.status).toBe(402);
    expect(await declinedKo.text()).toContain(message("cardDeclined", "ko"));
    const declinedEn = await en.post(payPath(cafe, cafeLoan), { payment: publicId, ...CARD, cardNumber: "4000000000009995" });
    expect(declinedEn.status).toBe(402);
    expect(await declinedEn.text()).toContain(message("cardInsufficientFunds", "en"));
    expect(await onlineRepayments(cafeLoan)).toEqual(before);
    expect(await paymentRow(publicId)).toMatchObject({ state: "pending", last_error: "insufficient_funds", repayment_id: null });
    expect(await renderedEmailsTo(t.db, "cafe@hamkke.demo", "loanRepaymentReceipt")).toHaveLength(0);
  });

  it("pays arrears after a 3-D Secure step, penalty first, then interest, then principal", async () => {
    const due = await amountDueOnline(app.services, cafeLoan);
    expect(due?.overdue).toBe(true);
    const owner = await clientFor("cafe@hamkke.demo", "ko");
    const { publicId } = await openPayPage(owner, cafe, cafeLoan);
    const challenged = await owner.post(payPath(cafe, cafeLoan), { payment: publicId, ...CARD, cardNumber: "4000 0000 0000 3220" });
    expect(challenged.status).toBe(302);
    const authenticatePath = challenged.headers.get("Location") ?? "";
    expect(authenticatePath).toBe(`/enterprises/${cafe}/loans/${cafeLoan}/pay/authenticate?payment=${publicId}`);
    expect((await owner.get(authenticatePath)).status).toBe(200);
    const penaltyBefore = await getBalance(t.db, fundPenaltyIncome(fundId).code);
    const approved = await owner.post(authenticatePath, { decision: "approve" });
    expect(approved.headers.get("Location")).toContain("notice=loanPaidOnline");
    const [repayment] = await onlineRepayments(cafeLoan);
    expect(repayment?.amount_won).toBe(due?.amountWon);
    expect(repayment?.penalty_won).toBeGreaterThan(0);
    expect(repayment?.interest_won).toBeGreaterThan(0);
    expect(await getBalance(t.db, fundPenaltyIncome(fundId).code)).toBe(penaltyBefore - (repayment?.penalty_won ?? 0));
    // Penalty first: every allocated line's penalty is paid in full before any principal.
    const lines = await t.db.selectFrom("loan_repayment_allocations").selectAll().where("repayment_id", "=", repayment?.id ?? 0).execute();
    expect(lines.reduce((sum, l) => sum + l.penalty_won + l.interest_won + l.principal_won, 0)).toBe(due?.amountWon);
    const loan = await t.db.selectFrom("loans").select("state").where("id", "=", cafeLoan).executeTakeFirstOrThrow();
    expect(loan.state).toBe("repaying");
    expect((await verifyStoredLedger(t.db)).ok).toBe(true);
  });

  it("records once when two confirmations and the reconciler race on one payment", async () => {
    const chanOwner = await userId(t, "chan@hamkke.demo");
    const step = await startLoanOnlinePayment(app.services, { loanId: chanLoan, userId: chanOwner });
    const card = { number: "4242424242424242", expiry: CARD_EXPIRY, cvc: "123" };
    const results = await Promise.allSettled([
      confirmLoanDemoCard(app.services, chanLoan, step.publicId, card),
      confirmLoanDemoCard(app.services, chanLoan, step.publicId, card),
      confirmLoanDemoCard(app.services, chanLoan, step.publicId, card),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "fulfilled"]);
    const truth = await app.services.payments.getPayment(step.intentId);
    const replays = await Promise.all([applyLoanPaymentState(app.services, step.paymentId, truth), applyLoanPaymentState(app.services, step.paymentId, truth)]);
    expect(replays.map((r) => r?.state)).toEqual(["recorded", "recorded"]);
    app.services.clock.set("2026-11-24T03:10:00Z");
    await reconcileLoanPayments(app.services);
    app.services.clock.set("2026-11-24T03:00:00Z");
    const recorded = await t.db.selectFrom("loan_repayments").select("id").where("external_reference", "=", step.intentId).execute();
    expect(recorded).toHaveLength(1);
    const fees = await t.db.selectFrom("journal_entries").select("seq").where("kind", "=", "loan.card_fee").where("idempotency_key", "=", `loan-online:${step.publicId}:fee`).execute();
    expect(fees).toHaveLength(1);
    expect((await verifyStoredLedger(t.db)).ok).toBe(true);
  });

  it("refunds a payment the loan can no longer take (paid by bank transfer meanwhile) and records nothing", async () => {
    const chanOwner = await userId(t, "chan@hamkke.demo");
    const step = await startLoanOnlinePayment(app.services, { loanId: chanLoan, userId: chanOwner });
    // Before the card is confirmed, the administrator records a bank transfer for most of that instalment.
    await recordRepayment(t.db, {
      loanId: chanLoan,
      kind: "instalment",
      method: "bank_transfer",
      amountWon: step.amountWon - 1_000,
      paidOn: "2026-11-24",
      externalReference: "BANK-BEFORE-CARD",
      idempotencyKey: "online-test-bank-first",
      recordedBy: await userId(t, "fund1@hamkke.demo"),
      today: "2026-11-24",
      now: app.services.clock.now(),
      origin: app.url,
      silent: true,
    });
    expect((await amountDueOnline(app.services, chanLoan))?.amountWon).toBe(1_000);
    const cashBefore = await getBalance(t.db, fundCash(fundId).code);
    const owner = await clientFor("chan@hamkke.demo", "en");
    const response = await owner.post(payPath(chan, chanLoan), { payment: step.publicId, ...CARD });
    expect(response.status).toBe(409);
    expect(await response.text()).toContain(message("onlinePaymentRefunded", "en"));
    expect(await paymentRow(step.publicId)).toMatchObject({ state: "refunded", repayment_id: null, last_error: "amountAboveDue" });
    const refund = await t.db.selectFrom("demo_payment_intents").select(["status", "amount_won"]).where("target_id", "=", step.intentId).executeTakeFirstOrThrow();
    expect(refund).toEqual({ status: "succeeded", amount_won: step.amountWon });
    expect(await t.db.selectFrom("loan_repayments").select("id").where("external_reference", "=", step.intentId).execute()).toHaveLength(0);
    expect(await getBalance(t.db, fundCash(fundId).code)).toBe(cashBefore);
    expect((await verifyStoredLedger(t.db)).ok).toBe(true);
  });
});

describe("bad input and access", () => {
  it("refuses malformed cards in Korean and English with 422, writing nothing", async () => {
    const cases: [Record<string, string>, ErrorKey][] = [
      [{ cardNumber: "1234 5678 9012 3456" }, "cardNumberInvalid"],
      [{ cardExpiry: "01/20" }, "cardExpired"],
      [{ cardCvc: "12" }, "cardCvcInvalid"],
    ];
    for (const locale of ["ko", "en"] as const) {
      const owner = await clientFor("cafe@hamkke.demo", locale);
      const due = await amountDueOnline(app.services, cafeLoan);
      if (!due) continue;
      const { publicId } = await openPayPage(owner, cafe, cafeLoan);
      const before = await t.db.selectFrom("loan_repayments").select("id").execute();
      for (const [fields, key] of cases) {
        const response = await owner.post(payPath(cafe, cafeLoan), { payment: publicId, ...CARD, ...fields });
        expect(response.status).toBe(422);
        expect(await response.text()).toContain(message(key, locale));
      }
      expect(await t.db.selectFrom("loan_repayments").select("id").execute()).toEqual(before);
    }
  });

  it("answers 404 for a missing or foreign payment id, 403 to non-members, and sends the anonymous to log in", async () => {
    const owner = await clientFor("cafe@hamkke.demo", "ko");
    expect((await owner.post(payPath(cafe, cafeLoan), { ...CARD })).status).toBe(404);
    expect((await owner.post(payPath(cafe, cafeLoan), { payment: "not-a-payment", ...CARD })).status).toBe(404);
    expect((await owner.post(payPath(cafe, cafeLoan), { payment: "lp_AAAAAAAAAAAAAAAAAAAAAA", ...CARD })).status).toBe(404);
    // Another loan's payment through this loan's page.
    const chanPayment = await t.db.selectFrom("loan_online_payments").select("public_id").where("loan_id", "=", chanLoan).executeTakeFirstOrThrow();
    expect((await owner.post(payPath(cafe, cafeLoan), { payment: chanPayment.public_id, ...CARD })).status).toBe(404);
    // Someone else's loan: not a member (403), or the loan is not this enterprise's (404).
    expect((await owner.get(payPath(chan, chanLoan))).status).toBe(403);
    expect((await owner.post(payPath(chan, chanLoan), { payment: chanPayment.public_id, ...CARD })).status).toBe(403);
    expect((await owner.get(payPath(cafe, chanLoan))).status).toBe(404);
    const coffeeOwner = await clientFor("jahwal@hamkke.demo", "ko");
    expect((await coffeeOwner.get(payPath(chan, chanLoan))).status).toBe(403);
    const admin = await clientFor("fund1@hamkke.demo", "ko");
    expect((await admin.get(payPath(chan, chanLoan))).status).toBe(403);
    const anonymous = app.client();
    const response = await anonymous.get(payPath(chan, chanLoan));
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toContain("/login");
    expect(coffee).toBeGreaterThan(0);
  });

  it("sends a member back to the loan when nothing is due (a repaid loan)", async () => {
    const coffeeLoan = (await t.db.selectFrom("loans").select(["id", "state"]).where("enterprise_id", "=", coffee).executeTakeFirstOrThrow());
    expect(coffeeLoan.state).toBe("closed");
    const owner = await clientFor("jahwal@hamkke.demo", "ko");
    const response = await owner.get(payPath(coffee, coffeeLoan.id));
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe(`/enterprises/${coffee}/loans/${coffeeLoan.id}`);
    expect(await (await owner.get(`/enterprises/${coffee}/loans/${coffeeLoan.id}`)).text()).not.toContain('data-testid="pay-online"');
  });

  it("pays with Naver Pay on the demo approval page after the provider declined there, once, with the method on the receipt", async () => {
    const owner = await clientFor("chan@hamkke.demo", "en");
    const { publicId, html } = await openPayPage(owner, chan, chanLoan);
    for (const method of ["kr_card", "kakao_pay", "naver_pay", "payco", "samsung_pay"]) expect(html).toContain(`value="${method}"`);
    const before = await onlineRepayments(chanLoan);
    const declined = await owner.post((await owner.post(payPath(chan, chanLoan), { payment: publicId, method: "naver_pay" })).headers.get("Location") ?? "", { decision: "fail" });
    const returnPath = declined.headers.get("Location") ?? "";
    expect(returnPath).toBe(`${payPath(chan, chanLoan)}/return?payment=${publicId}`);
    expect((await owner.get(returnPath)).headers.get("Location")).toBe(payPath(chan, chanLoan));
    expect((await openPayPage(owner, chan, chanLoan)).html).toContain(message("walletDeclined", "en"));
    expect(await onlineRepayments(chanLoan)).toEqual(before);

    const approval = (await owner.post(payPath(chan, chanLoan), { payment: publicId, method: "naver_pay" })).headers.get("Location") ?? "";
    await owner.post(approval, { decision: "approve" });
    // Coming back twice (a reload) records nothing more.
    for (let visit = 0; visit < 2; visit++) expect((await owner.get(returnPath)).headers.get("Location")).toContain("notice=loanPaidOnline");
    expect(await onlineRepayments(chanLoan)).toHaveLength(before.length + 1);
    expect(await paymentRow(publicId)).toMatchObject({ state: "recorded", payment_method_type: "naver_pay", card_last4: null });
    const receipts = await renderedEmailsTo(t.db, "chan@hamkke.demo", "loanRepaymentReceipt");
    // Newest first.
    expect(receipts[0]?.text_body).toContain(dictionaries.ko.payments.methods.naver_pay);
  });
});

function client(c: TestClient) {
  return {
    async loanPage(enterprise: number, loan: number): Promise<string> {
      const response = await c.get(`/enterprises/${enterprise}/loans/${loan}`);
      expect(response.status).toBe(200);
      return response.text();
    },
  };
}
