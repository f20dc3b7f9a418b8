import type Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { chargeDuePledges, closeDueCampaigns, reconcilePledges } from "../../app/campaigns/settlement.server";
import { verifyStoredLedger } from "../../app/ledger/ledger.server";
import { startLoanOnlinePayment } from "../../app/loans/online-payments.server";
import type { PaymentMethodType } from "../../app/payments/methods";
import { createStripeClient } from "../../app/payments/stripe-provider.server";
import type { PledgeInput } from "../../app/pledges/pledge";
import { createPledge, expireWaitingPledges } from "../../app/pledges/pledges.server";
import type { FundingModel } from "../../db/types";
import { FAKE_FEE_BP, type FakeStripe } from "../fakes/stripe-server";
import type { TestApp, TestClient } from "../support/app";
import { createDemoDatabase, type TestDatabase } from "../support/db";
import { DEMO_PASSWORD, enterpriseId, userId } from "../support/seed";
import { eventsFor, liveTestCampaign, startStripeApp, type StripeTestApp } from "../support/stripe";

// The South Korean payment methods through Stripe (the local fake, driven by the real SDK and
// signing its webhooks as Stripe does): the backer picks a method on our page, is sent to the
// method's page, authorizes, fails or cancels there, and comes back; the return page, the signed
// webhook (delivered again and again) and the reconciler each may learn of the outcome first.
// Each payment is recorded exactly once.

const WEBHOOK_SECRET = "whsec_test_hamkke_korean";
const SECRET_KEY = "sk_test_hamkke_korean";

let t: TestDatabase;
let stripe: StripeTestApp;
let fake: FakeStripe;
let app: TestApp;
const clients = new Map<string, TestClient>();

beforeAll(async () => {
  t = await createDemoDatabase();
  stripe = await startStripeApp(t, { secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET });
  ({ fake, app } = stripe);
});
afterAll(async () => {
  await stripe.close();
  await t.drop();
});
beforeEach(() => {
  app.services.clock.set("2026-11-24T03:00:00Z");
});

async function as(email: string): Promise<TestClient> {
  const known = clients.get(email);
  if (known) return known;
  const client = app.client();
  await client.logIn(email, DEMO_PASSWORD);
  clients.set(email, client);
  return client;
}

let keys = 0;
function body(amount: number): PledgeInput {
  keys += 1;
  return { amount, kind: "sponsorship", rewardId: null, message: "", nameDisplay: "masked", backerKind: "individual", companyName: "", businessNumber: null, idempotencyKey: `korean-${keys}-${Date.now()}` };
}

function liveCampaign(goal: number, fundingModel: FundingModel) {
  return liveTestCampaign(t, app, goal, fundingModel);
}

async function newPledge(campaignId: number, email: string, amount: number): Promise<string> {
  return (await createPledge(app.services, { backerId: await userId(t, email), campaignId, data: body(amount) })).publicId;
}

/** The backer picks a Korean method on the payment page; returns where our server sends them. */
async function choose(email: string, publicId: string, method: PaymentMethodType): Promise<Response> {
  const client = await as(email);
  await (await client.get(`/pledges/${publicId}/pay`)).arrayBuffer();
  return client.post(`/pledges/${publicId}/pay`, { method });
}

async function redirectTo(email: string, publicId: string, method: PaymentMethodType): Promise<string> {
  const response = await choose(email, publicId, method);
  expect(response.status).toBe(302);
  const location = response.headers.get("Location") ?? "";
  expect(location.startsWith(`${fake.url}/redirect/`)).toBe(true);
  return location;
}

/** The browser follows Stripe's redirect back to our return page. */
async function comeBack(email: string, returnUrl: string): Promise<string> {
  const url = new URL(returnUrl);
  const response = await (await as(email)).get(`${url.pathname}${url.search}`);
  expect(response.status).toBe(302);
  return response.headers.get("Location") ?? "";
}

/** Every event of the intent, each delivered twice, in a shuffled order: all accepted. */
async function replay(intentId: string, seed: number) {
  const deliveries = eventsFor(fake, intentId).flatMap((event) => [event, event]);
  for (let i = deliveries.length - 1; i > 0; i--) {
    const j = (seed * 31 + i * 17) % (i + 1);
    [deliveries[i], deliveries[j]] = [deliveries[j] as (typeof deliveries)[number], deliveries[i] as (typeof deliveries)[number]];
  }
  for (const event of deliveries) expect((await stripe.deliver(event)).status).toBe(200);
}

async function pledgeRow(publicId: string) {
  return t.db
    .selectFrom("pledges")
    .select(["id", "state", "payment_method_type", "card_last4", "fee_won", "last_error", "provider_setup_intent_id", "provider_payment_intent_id", "next_charge_at"])
    .where("public_id", "=", publicId)
    .executeTakeFirstOrThrow();
}

async function collectionEntries(pledgeId: number) {
  return t.db.selectFrom("journal_entries").select("seq").where("idempotency_key", "=", `pledge:${pledgeId}:collected`).execute();
}

describe("Korean payment methods through Stripe", () => {
  it("has a fake that refuses what Stripe refuses: PAYCO set up for later, Samsung Pay above 2,000,000 won, another currency, the old parameter", async () => {
    const stripe = createStripeClient({ secretKey: SECRET_KEY, apiBase: fake.url });
    const customer = (await stripe.customers.create({ email: "probe@example.com" })).id;
    await expect(stripe.setupIntents.create({ customer, allowed_payment_method_types: ["kakao_pay", "payco"] })).rejects.toThrow(/payco cannot be set up/);
    await expect(stripe.paymentIntents.create({ amount: 10_000, currency: "usd", customer, allowed_payment_method_types: ["kakao_pay"] })).rejects.toThrow(/krw only/);
    const oldParameter = { amount: 10_000, currency: "krw", customer, payment_method_types: ["card"] } as unknown as Stripe.PaymentIntentCreateParams;
    await expect(stripe.paymentIntents.create(oldParameter)).rejects.toThrow(/unknown parameter/);
    const large = await stripe.paymentIntents.create({ amount: 2_000_001, currency: "krw", customer, allowed_payment_method_types: ["samsung_pay", "kakao_pay"] });
    expect(large.payment_method_types).toEqual(["kakao_pay"]);
    await expect(stripe.paymentIntents.confirm(large.id, { payment_method_data: { type: "samsung_pay" }, return_url: "https://example.com/back" })).rejects.toThrow(/not allowed/);
    const confirmed = await stripe.paymentIntents.confirm(large.id, { payment_method_data: { type: "kakao_pay" }, return_url: "https://example.com/back" });
    expect(confirmed.status).toBe("requires_action");
    expect(confirmed.next_action?.redirect_to_url?.return_url).toBe("https://example.com/back");
  });

  it("pays a keep-it-all pledge with each method through its page: recorded once by the return page or the webhook, however often the webhook comes", async () => {
    const campaignId = await liveCampaign(1_000_000, "keep_it_all");
    const methods: PaymentMethodType[] = ["kr_card", "kakao_pay", "naver_pay", "payco", "samsung_pay"];
    for (const [index, method] of methods.entries()) {
      const publicId = await newPledge(campaignId, "citizen@hamkke.demo", 20_000 + index * 1_000);
      const back = await fake.answerRedirect(await redirectTo("citizen@hamkke.demo", publicId, method), "authorize");
      expect(new URL(back).searchParams.get("redirect_status")).toBe("succeeded");
      const { provider_payment_intent_id: intentId, id } = await pledgeRow(publicId);
      // Half the methods: the webhook first, delivered twice and shuffled; then the return page.
      if (index % 2 === 0) await replay(intentId ?? "", index);
      expect(await comeBack("citizen@hamkke.demo", back)).toBe(`/pledges/${publicId}?notice=pledgePaid`);
      if (index % 2 === 1) await replay(intentId ?? "", index);

      const row = await pledgeRow(publicId);
      const amount = 20_000 + index * 1_000;
      expect(row).toMatchObject({ state: "collected", payment_method_type: method, fee_won: Math.floor((amount * FAKE_FEE_BP) / 10_000), card_last4: method === "kr_card" ? "8430" : null });
      expect(await collectionEntries(id)).toHaveLength(1);
      expect(fake.chargesByPledge().get(publicId)).toBe(1);
    }
    expect((await verifyStoredLedger(t.db)).ok).toBe(true);
  });

  it("records nothing when the payer cancels at the wallet or the provider declines, sends them back to choose, and then takes the payment once", async () => {
    const campaignId = await liveCampaign(500_000, "keep_it_all");
    const publicId = await newPledge(campaignId, "mom@hamkke.demo", 30_000);

    const cancelled = await fake.answerRedirect(await redirectTo("mom@hamkke.demo", publicId, "kakao_pay"), "cancel");
    expect(new URL(cancelled).searchParams.get("redirect_status")).toBe("failed");
    expect(await comeBack("mom@hamkke.demo", cancelled)).toBe(`/pledges/${publicId}/pay`);
    expect(await pledgeRow(publicId)).toMatchObject({ state: "pending_authorization", last_error: "payment_intent_authentication_failure" });
    const page = await (await as("mom@hamkke.demo")).get(`/pledges/${publicId}/pay`);
    expect(await page.text()).toContain("결제가 승인되지 않았습니다");

    const declined = await fake.answerRedirect(await redirectTo("mom@hamkke.demo", publicId, "payco"), "fail");
    const { provider_payment_intent_id: intentId, id } = await pledgeRow(publicId);
    await replay(intentId ?? "", 3);
    expect(await pledgeRow(publicId)).toMatchObject({ state: "pending_authorization", last_error: "payment_method_provider_decline" });
    expect(await comeBack("mom@hamkke.demo", declined)).toBe(`/pledges/${publicId}/pay`);
    expect(await collectionEntries(id)).toHaveLength(0);
    expect(fake.chargesByPledge().get(publicId)).toBeUndefined();

    // The same PaymentIntent, another method: paid once.
    const paid = await fake.answerRedirect(await redirectTo("mom@hamkke.demo", publicId, "naver_pay"), "authorize");
    expect(await comeBack("mom@hamkke.demo", paid)).toBe(`/pledges/${publicId}?notice=pledgePaid`);
    await replay(intentId ?? "", 5);
    expect(await pledgeRow(publicId)).toMatchObject({ state: "collected", payment_method_type: "naver_pay", last_error: null, provider_payment_intent_id: intentId });
    expect(await collectionEntries(id)).toHaveLength(1);
    expect(fake.chargesByPledge().get(publicId)).toBe(1);
  });

  it("saves a Korean card, Kakao Pay and Naver Pay for all-or-nothing, offers neither PAYCO nor Samsung Pay, and charges each off-session once at the close", async () => {
    const campaignId = await liveCampaign(60_000, "all_or_nothing");
    const saved: { publicId: string; method: PaymentMethodType }[] = [];
    for (const method of ["kr_card", "kakao_pay", "naver_pay"] as const) {
      const publicId = await newPledge(campaignId, "company@hamkke.demo", 20_000);
      await fake.answerRedirect(await redirectTo("company@hamkke.demo", publicId, method), "authorize");
      // No return page: the signed webhook saves it (delivered twice, shuffled with requires_action).
      await replay((await pledgeRow(publicId)).provider_setup_intent_id ?? "", 1);
      expect(await pledgeRow(publicId)).toMatchObject({ state: "saved", payment_method_type: method });
      saved.push({ publicId, method });
    }
    const refused = await newPledge(campaignId, "company@hamkke.demo", 20_000);
    for (const method of ["payco", "samsung_pay"] as const) {
      const response = await choose("company@hamkke.demo", refused, method);
      expect(response.status).toBe(422);
      expect(await response.text()).toContain("이 결제에는 고른 결제 수단을 쓸 수 없습니다");
    }

    app.services.clock.set("2026-12-01T00:00:00Z");
    await closeDueCampaigns(app.services);
    await Promise.all([chargeDuePledges(app.services), chargeDuePledges(app.services)]);
    for (const { publicId, method } of saved) {
      const row = await pledgeRow(publicId);
      expect(row).toMatchObject({ state: "collected", payment_method_type: method });
      expect(await collectionEntries(row.id)).toHaveLength(1);
      expect(fake.chargesByPledge().get(publicId)).toBe(1);
    }
    // The backer who never finished was given up at the close (its SetupIntent cancelled at Stripe).
    expect((await pledgeRow(refused)).state).toBe("cancelled");
    expect(eventsFor(fake, (await pledgeRow(refused)).provider_setup_intent_id ?? "").map((e) => e.type)).toContain("setup_intent.canceled");
    expect((await verifyStoredLedger(t.db)).ok).toBe(true);
  });

  it("asks for another method when a saved Kakao Pay fails at the close, and collects with the Naver Pay the backer switches to", async () => {
    const campaignId = await liveCampaign(25_000, "all_or_nothing");
    const publicId = await newPledge(campaignId, "coop@hamkke.demo", 25_000);
    const back = await fake.answerRedirect(await redirectTo("coop@hamkke.demo", publicId, "kakao_pay"), "authorize", { offSession: "decline" });
    expect(await comeBack("coop@hamkke.demo", back)).toBe(`/pledges/${publicId}?notice=pledgeSaved`);

    app.services.clock.set("2026-12-01T00:00:00Z");
    await closeDueCampaigns(app.services);
    await chargeDuePledges(app.services);
    expect(await pledgeRow(publicId)).toMatchObject({ state: "collection_failed", last_error: "payment_method_provider_decline" });
    const mail = await t.db.selectFrom("email_outbox").select("props").where("template", "=", "collectionFailed").orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(JSON.stringify(mail.props)).toContain(`/pledges/${publicId}/pay`);

    // The "update your payment method" path: a new SetupIntent, confirmed through Naver Pay's page.
    app.services.clock.set("2026-12-01T02:00:00Z");
    const switched = await fake.answerRedirect(await redirectTo("coop@hamkke.demo", publicId, "naver_pay"), "authorize");
    expect(await comeBack("coop@hamkke.demo", switched)).toBe(`/pledges/${publicId}?notice=cardUpdated`);
    expect(await pledgeRow(publicId)).toMatchObject({ state: "collection_failed", payment_method_type: "naver_pay" });
    await chargeDuePledges(app.services);
    const row = await pledgeRow(publicId);
    expect(row).toMatchObject({ state: "collected", payment_method_type: "naver_pay" });
    expect(await collectionEntries(row.id)).toHaveLength(1);
    expect(fake.chargesByPledge().get(publicId)).toBe(1);
  });

  it("applies an approval whose return and webhook were lost, and cancels at Stripe a payment left waiting at the wallet before giving the pledge up", async () => {
    const campaignId = await liveCampaign(400_000, "keep_it_all");
    const approved = await newPledge(campaignId, "citizen@hamkke.demo", 40_000);
    await fake.answerRedirect(await redirectTo("citizen@hamkke.demo", approved, "samsung_pay"), "authorize");
    const waiting = await newPledge(campaignId, "citizen@hamkke.demo", 50_000);
    const waitingAt = await redirectTo("citizen@hamkke.demo", waiting, "kakao_pay");

    app.services.clock.set("2026-11-24T03:10:00Z");
    await reconcilePledges(app.services);
    expect(await pledgeRow(approved)).toMatchObject({ state: "collected", payment_method_type: "samsung_pay" });
    expect((await pledgeRow(waiting)).state).toBe("pending_authorization");

    app.services.clock.set("2026-11-25T04:00:00Z");
    expect(await expireWaitingPledges(app.services)).toBe(1);
    expect(await pledgeRow(waiting)).toMatchObject({ state: "cancelled", last_error: "hold_expired" });
    // Approving at the wallet now is too late: Stripe's intent is cancelled, nothing is charged.
    const late = await fake.answerRedirect(waitingAt, "authorize");
    expect(new URL(late).searchParams.get("redirect_status")).toBe("failed");
    expect(fake.chargesByPledge().get(waiting)).toBeUndefined();
    expect(await comeBack("citizen@hamkke.demo", late)).toBe(`/pledges/${waiting}`);
    expect((await verifyStoredLedger(t.db)).ok).toBe(true);
  });

  it("takes an online loan repayment with Kakao Pay once, whichever of the return page and the replayed webhook comes first", async () => {
    const chan = await enterpriseId(t, "찬찬찬");
    const loan = await t.db.selectFrom("loans").select("id").where("enterprise_id", "=", chan).executeTakeFirstOrThrow();
    const step = await startLoanOnlinePayment(app.services, { loanId: loan.id, userId: await userId(t, "chan@hamkke.demo") });
    expect(step.methods).toContain("kakao_pay");
    const member = await as("chan@hamkke.demo");
    const payPath = `/enterprises/${chan}/loans/${loan.id}/pay`;
    await (await member.get(payPath)).arrayBuffer();
    const chosen = await member.post(payPath, { payment: step.publicId, method: "kakao_pay" });
    expect(chosen.status).toBe(302);
    const back = await fake.answerRedirect(chosen.headers.get("Location") ?? "", "authorize");
    await replay(step.intentId, 2);
    expect(await comeBack("chan@hamkke.demo", back)).toContain("notice=loanPaidOnline");
    await replay(step.intentId, 4);
    const repayments = await t.db.selectFrom("loan_repayments").select("id").where("external_reference", "=", step.intentId).execute();
    expect(repayments).toHaveLength(1);
    const payment = await t.db.selectFrom("loan_online_payments").select(["state", "payment_method_type", "card_last4"]).where("public_id", "=", step.publicId).executeTakeFirstOrThrow();
    expect(payment).toEqual({ state: "recorded", payment_method_type: "kakao_pay", card_last4: null });
    expect((await verifyStoredLedger(t.db)).ok).toBe(true);
  });
});
