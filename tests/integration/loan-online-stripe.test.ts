import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fundCardFees, fundCash } from "../../app/fund/fund";
import { getBalance, verifyStoredLedger } from "../../app/ledger/ledger.server";
import { reconcileLoanPayments, startLoanOnlinePayment } from "../../app/loans/online-payments.server";
import { FAKE_FEE_BP, type FakeStripe } from "../fakes/stripe-server";
import type { TestApp } from "../support/app";
import { createDemoDatabase, type TestDatabase } from "../support/db";
import { DEMO_PASSWORD, enterpriseId, userId } from "../support/seed";
import { eventsFor, startStripeApp, type StripeTestApp } from "../support/stripe";

// Online loan repayments through Stripe (the local fake): the webhook, the return page and the
// reconciler each may be the first to learn of the success; the repayment is recorded once.

const WEBHOOK_SECRET = "whsec_test_hamkke_loans";
const SECRET_KEY = "sk_test_hamkke_fake_loans";

let t: TestDatabase;
let stripe: StripeTestApp;
let fake: FakeStripe;
let app: TestApp;
let fundId = 0;
let chan = 0;
let chanLoan = 0;
let chanOwner = 0;

beforeAll(async () => {
  t = await createDemoDatabase();
  stripe = await startStripeApp(t, { secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET });
  ({ fake, app } = stripe);
  fundId = (await t.db.selectFrom("funds").select("id").executeTakeFirstOrThrow()).id;
  chan = await enterpriseId(t, "찬찬찬");
  chanLoan = (await t.db.selectFrom("loans").select("id").where("enterprise_id", "=", chan).executeTakeFirstOrThrow()).id;
  chanOwner = await userId(t, "chan@hamkke.demo");
});
afterAll(async () => {
  await stripe.close();
  await t.drop();
});
beforeEach(() => {
  app.services.clock.set("2026-11-24T03:00:00Z");
});

function deliver(event: unknown) {
  return stripe.deliver(event);
}

function lastEventFor(intentId: string) {
  return eventsFor(fake, intentId).at(-1);
}

async function recordedFor(intentId: string) {
  return t.db.selectFrom("loan_repayments").selectAll().where("method", "=", "online").where("external_reference", "=", intentId).execute();
}

describe("online loan repayments through Stripe", () => {
  it("records the repayment once from payment_intent.succeeded; a duplicate webhook and the return page change nothing", async () => {
    const step = await startLoanOnlinePayment(app.services, { loanId: chanLoan, userId: chanOwner });
    expect(step.clientSecret).toMatch(/_secret_/);
    const cashBefore = await getBalance(t.db, fundCash(fundId).code);
    fake.confirmPayment(step.intentId, "pm_card_visa");
    const event = lastEventFor(step.intentId);
    expect(event?.type).toBe("payment_intent.succeeded");
    expect((event?.data as { object: { metadata: Record<string, string> } }).object.metadata).toEqual({ loan_payment: step.publicId });

    const first = await deliver(event);
    expect(first.status).toBe(200);
    const duplicate = await deliver(event);
    expect(duplicate.status).toBe(200);

    // Stripe sends the member back after the webhook: the return page finds it recorded.
    const member = app.client();
    await member.logIn("chan@hamkke.demo", DEMO_PASSWORD);
    const back = await member.get(`/enterprises/${chan}/loans/${chanLoan}/pay/return?payment=${step.publicId}`);
    expect(back.status).toBe(302);
    expect(back.headers.get("Location")).toContain("notice=loanPaidOnline");

    const recorded = await recordedFor(step.intentId);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]?.amount_won).toBe(step.amountWon);
    const fee = Math.floor((step.amountWon * FAKE_FEE_BP) / 10_000);
    expect(await getBalance(t.db, fundCash(fundId).code)).toBe(cashBefore + step.amountWon - fee);
    expect(await getBalance(t.db, fundCardFees(fundId).code)).toBe(fee);
    const payment = await t.db.selectFrom("loan_online_payments").select(["state", "fee_won", "card_last4"]).where("public_id", "=", step.publicId).executeTakeFirstOrThrow();
    expect(payment).toEqual({ state: "recorded", fee_won: fee, card_last4: "4242" });
    expect((await verifyStoredLedger(t.db)).ok).toBe(true);
  });

  it("records a payment whose webhook was lost when the reconciler asks Stripe", async () => {
    const step = await startLoanOnlinePayment(app.services, { loanId: chanLoan, userId: chanOwner });
    fake.confirmPayment(step.intentId, "pm_card_visa");
    // Not yet quiet long enough: left to the webhook.
    expect(await reconcileLoanPayments(app.services)).toBe(0);
    app.services.clock.set("2026-11-24T03:10:00Z");
    expect(await reconcileLoanPayments(app.services)).toBe(1);
    // The webhook arriving late changes nothing.
    expect((await deliver(lastEventFor(step.intentId))).status).toBe(200);
    expect(await recordedFor(step.intentId)).toHaveLength(1);
    expect((await verifyStoredLedger(t.db)).ok).toBe(true);
  });

  it("records nothing for a declined card and keeps the payment open for another try", async () => {
    const step = await startLoanOnlinePayment(app.services, { loanId: chanLoan, userId: chanOwner });
    fake.confirmPayment(step.intentId, "pm_card_chargeDeclined");
    const failed = lastEventFor(step.intentId);
    expect(failed?.type).toBe("payment_intent.payment_failed");
    expect((await deliver(failed)).status).toBe(200);
    expect(await recordedFor(step.intentId)).toHaveLength(0);
    const payment = await t.db.selectFrom("loan_online_payments").select(["state", "last_error"]).where("public_id", "=", step.publicId).executeTakeFirstOrThrow();
    expect(payment.state).toBe("pending");
    expect(payment.last_error).toBeTruthy();
    // The same pending payment is offered again, and a good card then pays it.
    const again = await startLoanOnlinePayment(app.services, { loanId: chanLoan, userId: chanOwner });
    expect(again.publicId).toBe(step.publicId);
    fake.confirmPayment(step.intentId, "pm_card_visa");
    expect((await deliver(lastEventFor(step.intentId))).status).toBe(200);
    expect(await recordedFor(step.intentId)).toHaveLength(1);
  });
});
