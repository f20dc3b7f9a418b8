import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addBudgetLine, addReward, createCampaign, reviewCampaign, submitForReview } from "../../app/campaigns/campaigns.server";
import { goLiveDueCampaigns } from "../../app/campaigns/settlement.server";
import { dictionaries } from "../../app/i18n/messages";
import { runTick } from "../../app/jobs/tick.server";
import { HOLD_EXPIRED, MAX_UNPAID_REWARD_CLAIMS, WAITING_HOLD_MS } from "../../app/pledges/pledge";
import { createPledge, expireWaitingPledges } from "../../app/pledges/pledges.server";
import { AppError } from "../../app/utils/app-error";
import { postJson, startApp, type TestApp, type TestClient } from "../support/app";
import { createDemoDatabase, type TestDatabase } from "../support/db";
import { DEMO_PASSWORD, enterpriseId, userId } from "../support/seed";
import { CARD_EXPIRY } from "../support/dates";

// Issue 13, finding 4: a pledge waiting for its payment held its reward until the campaign
// settled, and one backer could take every limited reward without paying. Waiting pledges now
// hold their reward for 30 minutes, and one backer holds at most 3 rewards with unpaid pledges.

let t: TestDatabase;
let app: TestApp;
const SLUG = "demo-neighbourhood-playground";

beforeAll(async () => {
  t = await createDemoDatabase();
  app = await startApp(t.db, { now: "2026-11-24T03:00:00Z" });
});
afterAll(async () => {
  await app.close();
  await t.drop();
});

async function playKit() {
  return t.db
    .selectFrom("rewards")
    .innerJoin("campaigns", "campaigns.id", "rewards.campaign_id")
    .select(["rewards.id", "rewards.claimed_count", "rewards.quantity_limit", "campaigns.id as campaign_id"])
    .where("campaigns.slug", "=", SLUG)
    .where("rewards.title", "=", "놀이 꾸러미")
    .executeTakeFirstOrThrow();
}

/** A live campaign of its own with one reward of `quantity`. */
async function campaignWithReward(title: string, quantity: number) {
  const services = app.services;
  const campaign = await createCampaign(t.db, {
    enterpriseId: await enterpriseId(t, "누럭놀이단"),
    userId: await userId(t, "play@hamkke.demo"),
    now: services.clock.now(),
    basics: { title, summary: "요약", story: "", goal: 100_000, fundingModel: "all_or_nothing", startsOn: "2026-11-24", endsOn: "2026-11-30" },
  });
  await addBudgetLine(t.db, campaign.id, { name: "재료비", amount: 100_000, required: true });
  await addReward(t.db, campaign.id, { title: "한정 꾸러미", description: "", minAmount: 10_000, quantityLimit: quantity, deliveryMonth: "2027-01" });
  await submitForReview(t.db, campaign.id, services.clock.now());
  await reviewCampaign(services, { campaignId: campaign.id, reviewerId: await userId(t, "operator@hamkke.demo"), decision: "approve", comment: "" });
  await goLiveDueCampaigns(services);
  const reward = await t.db.selectFrom("rewards").select("id").where("campaign_id", "=", campaign.id).executeTakeFirstOrThrow();
  return { campaignId: campaign.id, slug: campaign.slug, rewardId: reward.id };
}

const claimed = async (rewardId: number) => (await t.db.selectFrom("rewards").select("claimed_count").where("id", "=", rewardId).executeTakeFirstOrThrow()).claimed_count;

async function signedIn(email: string): Promise<TestClient> {
  const client = app.client();
  await client.logIn(email, DEMO_PASSWORD);
  return client;
}

const apiPledge = (client: TestClient, slug: string, rewardId: number, key: string) =>
  postJson(client, `/api/v1/campaigns/${slug}/pledges`, { amount: 30_000, kind: "sponsorship", rewardId, backerKind: "individual" }, { "Idempotency-Key": key });

describe("waiting pledges and their rewards", () => {
  it("let one backer hold at most 3 rewards without paying, even with 20 pledges at once; they expire after 30 minutes and free the rewards", async () => {
    // 8 left in stock, as the probe found.
    const kit = await campaignWithReward("리워드 독점 검사", 8);
    const hoarder = await signedIn("citizen@hamkke.demo");
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => apiPledge(hoarder, kit.slug, kit.rewardId, `hoard-${i}-000000`)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201 || s === 200)).toHaveLength(MAX_UNPAID_REWARD_CLAIMS);
    const refused = responses.filter((r) => r.status === 409);
    expect(refused).toHaveLength(20 - MAX_UNPAID_REWARD_CLAIMS);
    const body = (await refused[0]?.json()) as { error: string; message: string };
    expect(body).toMatchObject({ error: "tooManyUnpaidRewards", message: dictionaries.ko.errors.tooManyUnpaidRewards });
    expect(await claimed(kit.rewardId)).toBe(MAX_UNPAID_REWARD_CLAIMS);

    // Another backer still finds rewards left and takes one.
    const other = await signedIn("company@hamkke.demo");
    expect([200, 201]).toContain((await apiPledge(other, kit.slug, kit.rewardId, "other-backer-0001")).status);

    // The hoarder's holds run out: 30 minutes later the rewards are back.
    await app.services.clock.advance(WAITING_HOLD_MS - 60_000);
    await runTick(app.services);
    expect(await claimed(kit.rewardId)).toBe(MAX_UNPAID_REWARD_CLAIMS + 1);
    await app.services.clock.advance(60_001);
    await runTick(app.services);
    expect(await claimed(kit.rewardId)).toBe(0);
    const expired = await t.db.selectFrom("pledges").select(["state", "last_error"]).where("idempotency_key", "like", "hoard-%").execute();
    expect(expired).toHaveLength(MAX_UNPAID_REWARD_CLAIMS);
    expect(expired.every((p) => p.state === "cancelled" && p.last_error === HOLD_EXPIRED)).toBe(true);
    // The backer may pledge for the reward again.
    expect([200, 201]).toContain((await apiPledge(hoarder, kit.slug, kit.rewardId, "hoard-again-0001")).status);
  });

  it("keep a pledge confirmed in time, and a card typed after the hold ran out changes nothing", async () => {
    app.services.clock.set("2026-11-24T05:00:00Z");
    const kit = await playKit();
    const backer = await signedIn("backer05@hamkke.demo");
    const paid = await backer.post(`/campaigns/${SLUG}/pledge`, { amount: "30000", kind: "sponsorship", rewardId: String(kit.id), backerKind: "individual", idempotencyKey: "hold-paid-in-time-1" });
    const paidPay = paid.headers.get("Location") ?? "";
    expect((await backer.post(paidPay, { cardNumber: "4242424242424242", cardExpiry: CARD_EXPIRY, cardCvc: "123" })).status).toBe(302);
    const slow = await backer.post(`/campaigns/${SLUG}/pledge`, { amount: "30000", kind: "sponsorship", rewardId: String(kit.id), backerKind: "individual", idempotencyKey: "hold-paid-too-late-1" });
    const slowPay = slow.headers.get("Location") ?? "";
    // The card form was opened (an intent exists at the provider), then left.
    expect(await (await backer.get(slowPay)).text()).toContain('data-testid="hold-until"');
    expect((await playKit()).claimed_count).toBe(kit.claimed_count + 2);

    await app.services.clock.advance(WAITING_HOLD_MS + 1_000);
    // Two workers at once: each pledge is expired once and its reward freed once.
    await Promise.all([expireWaitingPledges(app.services), expireWaitingPledges(app.services)]);
    expect((await playKit()).claimed_count).toBe(kit.claimed_count + 1);
    const states = await t.db.selectFrom("pledges").select(["idempotency_key", "state"]).where("idempotency_key", "in", ["hold-paid-in-time-1", "hold-paid-too-late-1"]).orderBy("idempotency_key").execute();
    expect(states).toEqual([
      { idempotency_key: "hold-paid-in-time-1", state: "saved" },
      { idempotency_key: "hold-paid-too-late-1", state: "cancelled" },
    ]);
    // Too late: the form is gone and a posted card is not taken.
    const lateCard = await backer.post(slowPay, { cardNumber: "4242424242424242", cardExpiry: CARD_EXPIRY, cardCvc: "123" });
    expect(lateCard.status).toBeLessThan(500);
    expect((await t.db.selectFrom("pledges").select("state").where("idempotency_key", "=", "hold-paid-too-late-1").executeTakeFirstOrThrow()).state).toBe("cancelled");
    const receipt = await backer.get(slowPay.replace(/\/pay$/, ""));
    expect(await receipt.text()).toContain(dictionaries.ko.pledges.holdExpired);
    expect((await playKit()).claimed_count).toBe(kit.claimed_count + 1);
  });

  it("still never over-claims a limited reward (R2) when the cap and the stock meet", async () => {
    app.services.clock.set("2026-11-24T07:00:00Z");
    const kit = await campaignWithReward("한정 수량 검사", 5);
    const backers = await t.db.selectFrom("users").select("id").where("email", "like", "gwangsan-%").orderBy("id").limit(40).execute();
    const results = await Promise.allSettled(
      Array.from({ length: 120 }, (_, i) =>
        createPledge(app.services, {
          backerId: backers[i % backers.length]?.id ?? 0,
          campaignId: kit.campaignId,
          data: { amount: 30_000, kind: "sponsorship", rewardId: kit.rewardId, message: "", nameDisplay: "masked", backerKind: "individual", companyName: "", businessNumber: null, idempotencyKey: `r2-hold-${i}-0000` },
        }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(5);
    const reasons = results.flatMap((r) => (r.status === "rejected" ? [r.reason instanceof AppError ? r.reason.code : String(r.reason)] : []));
    expect(new Set(reasons)).toEqual(new Set(["rewardSoldOut"]));
    expect(await claimed(kit.rewardId)).toBe(5);
  });
});
