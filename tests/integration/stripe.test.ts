import fc from "fast-check";
import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { chargeDuePledges, closeDueCampaigns, reconcilePledges, settleChargingCampaigns } from "../../app/campaigns/settlement.server";
import { campaignMoney } from "../../app/campaigns/totals.server";
import { verifyStoredLedger } from "../../app/ledger/ledger.server";
import { newReceiptCode } from "../../app/ledger/receipts";
import type { PledgeInput } from "../../app/pledges/pledge";
import { createPledge, expireWaitingPledges, preparePayment } from "../../app/pledges/pledges.server";
import type { FundingModel } from "../../db/types";
import type { FakeStripe } from "../fakes/stripe-server";
import type { TestApp } from "../support/app";
import { createDemoDatabase, type TestDatabase } from "../support/db";
import { userId } from "../support/seed";
import { liveTestCampaign, startStripeApp, type StripeTestApp } from "../support/stripe";

const WEBHOOK_SECRET = "whsec_test_hamkke";
const SECRET_KEY = "sk_test_hamkke_fake";

let t: TestDatabase;
let stripe: StripeTestApp;
let fake: FakeStripe;
let app: TestApp;

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

let keys = 0;
function body(amount: number): PledgeInput {
  keys += 1;
  return { amount, kind: "sponsorship", rewardId: null, message: "", nameDisplay: "masked", backerKind: "individual", companyName: "", businessNumber: null, idempotencyKey: `stripe-test-${keys}-${Date.now()}` };
}

function liveCampaign(goal: number, fundingModel: FundingModel = "all_or_nothing") {
  return liveTestCampaign(t, app, goal, fundingModel);
}

function deliver(event: unknown, options: { secret?: string; timestamp?: number; tamper?: boolean } = {}) {
  return stripe.deliver(event, options);
}

async function stateOf(publicId: string) {
  return (await t.db.selectFrom("pledges").select("state").where("public_id", "=", publicId).executeTakeFirstOrThrow()).state;
}

async function savedPledge(campaignId: number, email: string, amount: number, paymentMethod: string) {
  const { publicId } = await createPledge(app.services, { backerId: await userId(t, email), campaignId, data: body(amount) });
  const step = await preparePayment(app.services, publicId);
  expect(step?.kind).toBe("setup");
  expect(step?.clientSecret).toMatch(/_secret_/);
  fake.confirmSetup(step?.intentId ?? "", paymentMethod);
  const event = fake.events.findLast((e) => (e.data as { object: { id: string } }).object.id === step?.intentId);
  const response = await deliver(event);
  expect(response.status).toBe(200);
  return publicId;
}

describe("Stripe, through the real SDK against a local fake", () => {
  it("saves cards with SetupIntents from signed webhooks, and charges off-session at the close exactly once", async () => {
    const campaignId = await liveCampaign(100_000);
    const a = await savedPledge(campaignId, "citizen@hamkke.demo", 60_000, "pm_card_visa");
    const b = await savedPledge(campaignId, "company@hamkke.demo", 50_000, "pm_card_chargeCustomerFail");
    expect(await stateOf(a)).toBe("saved");
    expect(await stateOf(b)).toBe("saved");

    app.services.clock.set("2026-12-01T00:00:00Z");
    await closeDueCampaigns(app.services);
    // Two workers charge at once: each pledge is charged at most once at Stripe.
    await Promise.all([chargeDuePledges(app.services), chargeDuePledges(app.services), closeDueCampaigns(app.services)]);
    expect(await stateOf(a)).toBe("collected");
    expect(await stateOf(b)).toBe("collection_failed");
    expect(fake.chargesByPledge().get(a)).toBe(1);
    expect(fake.chargesByPledge().get(b)).toBeUndefined();
    const charge = fake.requests.find((r) => r.path === "/v1/payment_intents" && r.idempotencyKey?.endsWith(":charge:1"));
    expect(charge?.idempotencyKey).toMatch(/^pledge:\d+:charge:1$/);

    const money = (await campaignMoney(t.db, [campaignId])).get(campaignId);
    expect(money).toMatchObject({ onlineWon: 60_000, feesWon: Math.floor((60_000 * 340) / 10_000) });
    await settleChargingCampaigns(app.services);
    expect((await t.db.selectFrom("campaigns").select("state").where("id", "=", campaignId).executeTakeFirstOrThrow()).state).toBe("live");
    expect((await verifyStoredLedger(t.db)).ok).toBe(true);
  });

  it("survives Stripe's transient 500s: the charge stays pending and the reconciler repeats the same key", async () => {
    const campaignId = await liveCampaign(30_000);
    const a = await savedPledge(campaignId, "coop@hamkke.demo", 30_000, "pm_card_visa");
    app.services.clock.set("2026-12-01T00:00:00Z");
    await closeDueCampaigns(app.services);
    fake.failNext(3); // the SDK retries twice, so three failures reach the product
    await chargeDuePledges(app.services);
    expect(await stateOf(a)).toBe("charging");
    app.services.clock.set("2026-12-01T00:10:00Z");
    await reconcilePledges(app.services);
    expect(await stateOf(a)).toBe("collected");
    expect(fake.chargesByPledge().get(a)).toBe(1);
    await settleChargingCampaigns(app.services);
    expect((await t.db.selectFrom("campaigns").select(["state", "settlement"]).where("id", "=", campaignId).executeTakeFirstOrThrow())).toEqual({ state: "succeeded", settlement: "settled" });
  });

  it("records groups of charges while charging the next ones; a recording that fails surfaces, and the reconciler finishes it with the same keys", async () => {
    const count = 250;
    const campaignId = await liveCampaign(count * 5_000);
    // Saved pledges written directly: the card-saving flow is covered above, this is about the charging loop.
    await sql`
      INSERT INTO pledges (public_id, campaign_id, backer_id, backer_kind, kind, amount_won, funding_model, state, provider,
        provider_customer_id, provider_payment_method_id, idempotency_key, request_hash, receipt_secret)
      SELECT 'charging-groups-' || lpad(i::text, 4, '0'), ${campaignId}, (SELECT min(id) FROM users), 'individual', 'sponsorship',
        CASE WHEN i = 200 THEN 7777 ELSE 10000 END, 'all_or_nothing', 'saved', 'stripe', 'cus_groups', 'pm_card_visa', 'groups-key-' || i, 'groups', ${newReceiptCode()}
      FROM generate_series(1, ${count}) i`.execute(t.owner);
    // The recording of whichever group holds the 7,777 won pledge fails (its outcome email is refused).
    await sql`
      CREATE FUNCTION groups_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $f$
      BEGIN
        IF NEW.template = 'campaignOutcome' AND NEW.props->>'outcome' = 'charged' AND NEW.props->>'amountWon' = '7777' THEN RAISE EXCEPTION 'groups test: recording refused'; END IF;
        RETURN NEW;
      END $f$;
      CREATE TRIGGER groups_test_refuse BEFORE INSERT ON email_outbox FOR EACH ROW EXECUTE FUNCTION groups_test_refuse();`.execute(t.owner);
    const states = async () =>
      Object.fromEntries(
        (await t.db.selectFrom("pledges").select(["state", (eb) => eb.fn.countAll<number>().as("n")]).where("campaign_id", "=", campaignId).groupBy("state").execute()).map((r) => [r.state, Number(r.n)]),
      );
    try {
      app.services.clock.set("2026-12-01T00:00:00Z");
      await closeDueCampaigns(app.services);
      // Claims of 120: two claims, groups of up to 100, several recordings in flight at once.
      await expect(chargeDuePledges(app.services, 120)).rejects.toThrow(/recording refused/);
      const afterFailure = await states();
      expect(afterFailure.collected).toBeGreaterThanOrEqual(100);
      expect(afterFailure.charging).toBeGreaterThanOrEqual(1);
      expect((afterFailure.collected ?? 0) + (afterFailure.charging ?? 0) + (afterFailure.saved ?? 0)).toBe(count);
    } finally {
      await sql`DROP TRIGGER groups_test_refuse ON email_outbox; DROP FUNCTION groups_test_refuse();`.execute(t.owner);
    }
    // What was claimed and not recorded is finished by the reconciler with the attempt's key; the rest by the next run.
    app.services.clock.set("2026-12-01T00:10:00Z");
    while ((await reconcilePledges(app.services)) > 0);
    await chargeDuePledges(app.services);
    expect(await states()).toEqual({ collected: count });
    const charges = fake.chargesByPledge();
    for (let i = 1; i <= count; i++) expect(charges.get(`charging-groups-${String(i).padStart(4, "0")}`), `pledge ${i}`).toBe(1);
    const money = (await campaignMoney(t.db, [campaignId])).get(campaignId);
    expect(money?.onlineWon).toBe((count - 1) * 10_000 + 7777);
    expect((await verifyStoredLedger(t.db)).ok).toBe(true);
  });

  it("collects keep-it-all pledges with a PaymentIntent and records Stripe's fee", async () => {
    const campaignId = await liveCampaign(50_000, "keep_it_all");
    const { publicId } = await createPledge(app.services, { backerId: await userId(t, "mom@hamkke.demo"), campaignId, data: body(25_000) });
    const step = await preparePayment(app.services, publicId);
    expect(step?.kind).toBe("payment");
    fake.confirmPayment(step?.intentId ?? "", "pm_card_visa");
    const event = fake.events.findLast((e) => (e.data as { object: { id: string } }).object.id === step?.intentId);
    expect((await deliver(event)).status).toBe(200);
    expect(await stateOf(publicId)).toBe("collected");
    const pledge = await t.db.selectFrom("pledges").select(["fee_won", "provider_payment_intent_id"]).where("public_id", "=", publicId).executeTakeFirstOrThrow();
    expect(pledge).toEqual({ fee_won: 850, provider_payment_intent_id: step?.intentId });
  });

  it("gives the payment page the same intent on every visit, and writes the pledge only the first time", async () => {
    const campaignId = await liveCampaign(10_000);
    const { publicId } = await createPledge(app.services, { backerId: await userId(t, "citizen@hamkke.demo"), campaignId, data: body(10_000) });
    const rowVersion = async () => (await sql<{ v: string }>`SELECT xmin::text AS v FROM pledges WHERE public_id = ${publicId}`.execute(t.owner)).rows[0]?.v;
    const first = await preparePayment(app.services, publicId);
    const afterFirst = await rowVersion();
    const second = await preparePayment(app.services, publicId);
    expect(second?.intentId).toBe(first?.intentId);
    expect(await rowVersion()).toBe(afterFirst);
  });

  it("leaves a card that needs authentication waiting for the backer", async () => {
    const campaignId = await liveCampaign(10_000);
    const { publicId } = await createPledge(app.services, { backerId: await userId(t, "citizen@hamkke.demo"), campaignId, data: body(10_000) });
    const step = await preparePayment(app.services, publicId);
    fake.confirmSetup(step?.intentId ?? "", "pm_card_authenticationRequired");
    const event = fake.events.findLast((e) => (e.data as { object: { id: string } }).object.id === step?.intentId);
    expect(event?.type).toBe("setup_intent.requires_action");
    const response = await deliver(event);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ outcome: "ignored" });
    expect(await stateOf(publicId)).toBe("pending_authorization");
    // The backer completes authentication in Stripe's window; the success event then saves the card.
    fake.confirmSetup(step?.intentId ?? "", "pm_card_visa");
    const success = fake.events.findLast((e) => (e.data as { object: { id: string } }).object.id === step?.intentId);
    expect((await deliver(success)).status).toBe(200);
    expect(await stateOf(publicId)).toBe("saved");
  });

  it("rejects tampered bodies, wrong secrets and stale timestamps with 400, changing nothing", async () => {
    const campaignId = await liveCampaign(10_000);
    const { publicId } = await createPledge(app.services, { backerId: await userId(t, "citizen@hamkke.demo"), campaignId, data: body(10_000) });
    const step = await preparePayment(app.services, publicId);
    fake.confirmSetup(step?.intentId ?? "", "pm_card_visa");
    const event = fake.events.findLast((e) => (e.data as { object: { id: string } }).object.id === step?.intentId);
    const eventsBefore = await t.db.selectFrom("payment_events").select("event_id").execute();
    expect((await deliver(event, { tamper: true })).status).toBe(400);
    expect((await deliver(event, { secret: "whsec_wrong" })).status).toBe(400);
    expect((await deliver(event, { timestamp: Math.floor(Date.now() / 1000) - 3600 })).status).toBe(400);
    const unsigned = await fetch(`${app.url}/api/webhooks/stripe`, { method: "POST", body: JSON.stringify(event) });
    expect(unsigned.status).toBe(400);
    expect(await stateOf(publicId)).toBe("pending_authorization");
    expect(await t.db.selectFrom("payment_events").select("event_id").execute()).toEqual(eventsBefore);
  });

  it("ends in the same state whatever the order and number of deliveries", async () => {
    // Each run: a fresh campaign whose pledges go through setup; all their events, delivered 1–10 times, shuffled.
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 3, maxLength: 3 }), fc.integer(), async (copies, shuffleSeed) => {
        app.services.clock.set("2026-11-24T03:00:00Z");
        const campaignId = await liveCampaign(40_000);
        const methods = ["pm_card_visa", "pm_card_chargeDeclined", "pm_card_visa"];
        const pledges: string[] = [];
        const start = fake.events.length;
        for (const method of methods) {
          const { publicId } = await createPledge(app.services, { backerId: await userId(t, "citizen@hamkke.demo"), campaignId, data: body(10_000) });
          const step = await preparePayment(app.services, publicId);
          fake.confirmSetup(step?.intentId ?? "", method);
          pledges.push(publicId);
        }
        const deliveries = fake.events.slice(start).flatMap((event, i) => Array.from({ length: copies[i % copies.length] ?? 1 }, () => event));
        let seed = shuffleSeed;
        for (let i = deliveries.length - 1; i > 0; i--) {
          seed = (seed * 1103515245 + 12345) & 0x7fffffff;
          const j = seed % (i + 1);
          const swap = deliveries[i]!;
          deliveries[i] = deliveries[j]!;
          deliveries[j] = swap;
        }
        for (const event of deliveries) expect((await deliver(event)).status).toBe(200);
        expect(await Promise.all(pledges.map(stateOf))).toEqual(["saved", "pending_authorization", "saved"]);
        const receipts = await t.db.selectFrom("email_outbox").select("id").where("template", "=", "pledgeReceipt").where(sql<string>`props->>'pledgeUrl'`, "like", `%${pledges[0]}`).execute();
        expect(receipts).toHaveLength(1);
      }),
      { numRuns: 5 },
    );
  });
});

describe("waiting pledges at Stripe (issue 13)", () => {
  it("expire by cancelling their intent, so a late confirmation cannot charge; one paid in time is applied instead", async () => {
    const id = await liveCampaign(100_000, "keep_it_all");
    const late = await createPledge(app.services, { backerId: await userId(t, "citizen@hamkke.demo"), campaignId: id, data: body(20_000) });
    const lateStep = await preparePayment(app.services, late.publicId);
    const inTime = await createPledge(app.services, { backerId: await userId(t, "company@hamkke.demo"), campaignId: id, data: body(30_000) });
    const inTimeStep = await preparePayment(app.services, inTime.publicId);
    // Paid at Stripe within the 30 minutes, but the webhook was lost.
    fake.confirmPayment(inTimeStep?.intentId ?? "", "pm_card_visa");

    await app.services.clock.advance(30 * 60_000 + 1_000);
    await expireWaitingPledges(app.services);
    expect(await stateOf(late.publicId)).toBe("cancelled");
    expect(await stateOf(inTime.publicId)).toBe("collected");
    expect(fake.requests.some((r) => r.path === `/v1/payment_intents/${lateStep?.intentId}/cancel`)).toBe(true);
    // The backer's browser tries to pay the expired pledge now: Stripe refuses, nothing is charged.
    expect(() => fake.confirmPayment(lateStep?.intentId ?? "", "pm_card_visa")).toThrow(/status of canceled/);
    expect(fake.chargesByPledge().get(late.publicId)).toBeUndefined();
    // Run again: nothing more happens.
    expect(await expireWaitingPledges(app.services)).toBe(0);
    expect(await stateOf(inTime.publicId)).toBe("collected");
  });
});
