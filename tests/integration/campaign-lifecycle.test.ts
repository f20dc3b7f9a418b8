import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CampaignBasics } from "../../app/campaigns/campaign";
import { addBudgetLine, addReward, createCampaign, recordOfflineDonation, reviewCampaign, submitForReview } from "../../app/campaigns/campaigns.server";
import { requestRefund } from "../../app/campaigns/settlement.server";
import { campaignMoney, pledgeStats } from "../../app/campaigns/totals.server";
import { renderedEmailsTo } from "../../app/email/outbox.server";
import { runTick } from "../../app/jobs/tick.server";
import { verifyStoredLedger } from "../../app/ledger/ledger.server";
import { completeDemoAuthentication, confirmDemoCard } from "../../app/payments/demo-checkout.server";
import type { PledgeInput } from "../../app/pledges/pledge";
import { cancelPledge, createPledge, preparePayment } from "../../app/pledges/pledges.server";
import { AppError } from "../../app/utils/app-error";
import { metricValue } from "../support/metrics";
import { createDemoDatabase, type TestDatabase } from "../support/db";
import { enterpriseId, userId } from "../support/seed";
import { createTestServices, type TestServices } from "../support/services";
import { journalSize } from "../support/ledger";
import { CARD_EXPIRY } from "../support/dates";

let t: TestDatabase;
let services: TestServices;
const DAY = 86_400_000;

beforeAll(async () => {
  t = await createDemoDatabase();
  services = createTestServices(t.db, "2026-11-24T03:00:00Z");
});
afterAll(async () => {
  await t.drop();
});

let keyCounter = 0;
function pledge(amount: number, extra: Partial<PledgeInput> = {}): PledgeInput {
  keyCounter += 1;
  return {
    amount,
    kind: "sponsorship",
    rewardId: null,
    message: "",
    nameDisplay: "masked",
    backerKind: "individual",
    companyName: "",
    businessNumber: null,
    idempotencyKey: `test-key-${keyCounter}-${Date.now()}`,
    ...extra,
  };
}

async function liveCampaign(basics: Partial<CampaignBasics> = {}) {
  const owner = await userId(t, "play@hamkke.demo");
  const operator = await userId(t, "operator@hamkke.demo");
  const enterprise = await enterpriseId(t, "누럭놀이단");
  const goal = basics.goal ?? 100_000;
  const { id, slug } = await createCampaign(t.db, {
    enterpriseId: enterprise,
    userId: owner,
    now: services.clock.now(),
    basics: { title: "테스트 캠페인", summary: "요약", story: "", goal, fundingModel: "all_or_nothing", startsOn: "2026-11-24", endsOn: "2026-11-30", ...basics },
  });
  await addBudgetLine(t.db, id, { name: "재료비", amount: goal - 40_000, required: true });
  await addBudgetLine(t.db, id, { name: "홍보비", amount: 40_000, required: false });
  await submitForReview(t.db, id, services.clock.now());
  await reviewCampaign(services, { campaignId: id, reviewerId: operator, decision: "approve", comment: "" });
  const state = await t.db.selectFrom("campaigns").select("state").where("id", "=", id).executeTakeFirstOrThrow();
  expect(state.state).toBe("live");
  return { id, slug };
}

async function pay(publicId: string, number: string) {
  return confirmDemoCard(services, publicId, { number, expiry: CARD_EXPIRY, cvc: "123" });
}

async function pledgeState(publicId: string) {
  return (await t.db.selectFrom("pledges").select("state").where("public_id", "=", publicId).executeTakeFirstOrThrow()).state;
}

describe("all-or-nothing campaign, from draft to succeeded", () => {
  it("reviews, takes pledges, closes, charges with a retry after a card update, and settles on collected money", async () => {
    const { id } = await liveCampaign();

    const citizen = await userId(t, "citizen@hamkke.demo");
    const company = await userId(t, "company@hamkke.demo");
    const coop = await userId(t, "coop@hamkke.demo");

    const a = await createPledge(services, { backerId: citizen, campaignId: id, data: pledge(30_000) });
    // A declined card leaves the pledge waiting for another card.
    await expect(pay(a.publicId, "4000000000000002")).rejects.toMatchObject({ code: "cardDeclined" });
    expect(await pledgeState(a.publicId)).toBe("pending_authorization");
    await pay(a.publicId, "4242424242424242");
    expect(await pledgeState(a.publicId)).toBe("saved");

    const b = await createPledge(services, { backerId: company, campaignId: id, data: pledge(50_000, { backerKind: "company", companyName: "㈜광산상사" }) });
    await pay(b.publicId, "4000000000000341");
    expect(await pledgeState(b.publicId)).toBe("saved");

    const c = await createPledge(services, { backerId: coop, campaignId: id, data: pledge(30_000) });
    const challenged = await pay(c.publicId, "4000000000003220");
    expect(challenged.requiresAction).toBe(true);
    await completeDemoAuthentication(services, c.publicId, true);
    expect(await pledgeState(c.publicId)).toBe("saved");

    // Nothing moved in the ledger yet: saved pledges are promises.
    expect((await campaignMoney(t.db, [id])).get(id)?.raisedWon).toBe(0);
    expect((await pledgeStats(t.db, [id])).get(id)).toEqual({ pledgedWon: 110_000, individuals: 2, companies: 1 });

    services.clock.set("2026-11-30T14:59:00Z"); // 23:59 on the last day in Seoul
    await runTick(services);
    expect((await t.db.selectFrom("campaigns").select("settlement").where("id", "=", id).executeTakeFirstOrThrow()).settlement).toBe("open");

    services.clock.set("2026-11-30T15:00:30Z"); // the deadline day is over
    await runTick(services);
    expect(await pledgeState(a.publicId)).toBe("collected");
    expect(await pledgeState(c.publicId)).toBe("collected");
    expect(await pledgeState(b.publicId)).toBe("collection_failed");
    expect(await metricValue(services.metrics, "hamkke_charges_failed_total")).toBe(1);
    const afterFirst = await t.db.selectFrom("campaigns").select(["state", "settlement"]).where("id", "=", id).executeTakeFirstOrThrow();
    expect(afterFirst).toEqual({ state: "live", settlement: "charging" });
    const failedMail = await renderedEmailsTo(t.db, "company@hamkke.demo", "collectionFailed");
    expect(failedMail).toHaveLength(1);
    expect(failedMail[0]?.text_body).toMatch(/\/pledges\/[A-Za-z0-9_-]+\/pay/);

    // The company updates its card; the next tick charges it and the goal is met on collected money.
    const update = await preparePayment(services, b.publicId);
    expect(update?.kind).toBe("setup");
    await pay(b.publicId, "4242424242424242");
    await runTick(services);
    expect(await pledgeState(b.publicId)).toBe("collected");
    const done = await t.db.selectFrom("campaigns").select(["state", "settlement"]).where("id", "=", id).executeTakeFirstOrThrow();
    expect(done).toEqual({ state: "succeeded", settlement: "settled" });

    const money = (await campaignMoney(t.db, [id])).get(id);
    const fees = [30_000, 30_000, 50_000].reduce((sum, amount) => sum + Math.floor((amount * 320) / 10_000), 0);
    expect(money).toMatchObject({ onlineWon: 110_000, raisedWon: 110_000, feesWon: fees, escrowWon: 110_000 - fees });
    expect((await verifyStoredLedger(t.db)).ok).toBe(true);
    // The close was signed at once, not at the next checkpoint interval.
    const head = await t.db.selectFrom("ledger_head").select("seq").executeTakeFirstOrThrow();
    const latest = await t.db.selectFrom("ledger_checkpoints").select(["tree_size"]).orderBy("tree_size", "desc").executeTakeFirstOrThrow();
    expect(latest.tree_size).toBe(head.seq);

    // Running every sweeper again changes nothing.
    const again = await runTick(services);
    expect(again.every((r) => r.changed === 0)).toBe(true);
  });
});

describe("all-or-nothing campaign that misses its goal", () => {
  it("releases every pledge with no charge and tells the backers", async () => {
    services.clock.set("2026-11-24T03:00:00Z");
    const { id } = await liveCampaign({ goal: 500_000 });
    const citizen = await userId(t, "citizen@hamkke.demo");
    const p = await createPledge(services, { backerId: citizen, campaignId: id, data: pledge(20_000) });
    await pay(p.publicId, "4242424242424242");
    const chargesBefore = await t.db.selectFrom("demo_payment_intents").select("id").where("kind", "=", "payment").execute();
    services.clock.set("2026-12-01T00:00:00Z");
    await runTick(services);
    expect(await pledgeState(p.publicId)).toBe("released");
    expect((await t.db.selectFrom("campaigns").select("state").where("id", "=", id).executeTakeFirstOrThrow()).state).toBe("failed");
    const chargesAfter = await t.db.selectFrom("demo_payment_intents").select("id").where("kind", "=", "payment").execute();
    expect(chargesAfter.length).toBe(chargesBefore.length);
    const mail = await t.db.selectFrom("email_outbox").select("subject").where("to_address", "=", "citizen@hamkke.demo").where("template", "=", "campaignOutcome").execute();
    expect(mail.map((m) => m.subject).some((s) => s.includes("결제되지 않았습니다"))).toBe(true);
  });
});

describe("keep-it-all campaign", () => {
  it("charges at once, counts offline money, refunds through the provider and the ledger", async () => {
    services.clock.set("2026-11-24T03:00:00Z");
    const { id } = await liveCampaign({ goal: 80_000, fundingModel: "keep_it_all" });
    const citizen = await userId(t, "citizen@hamkke.demo");
    const operator = await userId(t, "operator@hamkke.demo");
    const p = await createPledge(services, { backerId: citizen, campaignId: id, data: pledge(40_000) });
    await pay(p.publicId, "4242424242424242");
    expect(await pledgeState(p.publicId)).toBe("collected");
    await recordOfflineDonation(services, { campaignId: id, operatorId: operator, source: "전시회 현장 모금함", amount: 45_000, receivedOn: "2026-11-24", evidenceFileId: null, idempotencyKey: "offline-key-0001" });
    // The same offline record sent twice is recorded once.
    const twice = await recordOfflineDonation(services, { campaignId: id, operatorId: operator, source: "전시회 현장 모금함", amount: 45_000, receivedOn: "2026-11-24", evidenceFileId: null, idempotencyKey: "offline-key-0001" });
    expect(twice.created).toBe(false);
    let money = (await campaignMoney(t.db, [id])).get(id);
    expect(money).toMatchObject({ onlineWon: 40_000, offlineWon: 45_000, raisedWon: 85_000, feesWon: 1_280 });

    const pledgeRow = await t.db.selectFrom("pledges").select("id").where("public_id", "=", p.publicId).executeTakeFirstOrThrow();
    expect(await requestRefund(services, pledgeRow.id, "후원자 요청")).toBe("requested");
    await runTick(services);
    expect(await pledgeState(p.publicId)).toBe("refunded");
    money = (await campaignMoney(t.db, [id])).get(id);
    expect(money).toMatchObject({ onlineWon: 40_000, refundedWon: 40_000, raisedWon: 45_000, escrowWon: 45_000 });
    expect((await verifyStoredLedger(t.db)).ok).toBe(true);
    const refunds = await t.db.selectFrom("demo_payment_intents").select("id").where("kind", "=", "refund").execute();
    expect(refunds).toHaveLength(1);
  });
});

describe("pledge rules", () => {
  it("never over-claims a limited reward: 1,000 concurrent pledges for 10, no ledger rows for the rest", async () => {
    services.clock.set("2026-11-24T03:00:00Z");
    const owner = await userId(t, "play@hamkke.demo");
    const enterprise = await enterpriseId(t, "누럭놀이단");
    const limited = await createCampaign(t.db, {
      enterpriseId: enterprise,
      userId: owner,
      now: services.clock.now(),
      basics: { title: "리워드 한정", summary: "요약", story: "", goal: 100_000, fundingModel: "all_or_nothing", startsOn: "2026-11-24", endsOn: "2026-11-30" },
    });
    await addBudgetLine(t.db, limited.id, { name: "재료비", amount: 100_000, required: true });
    await addReward(t.db, limited.id, { title: "엽서 세트", description: "", minAmount: 10_000, quantityLimit: 10, deliveryMonth: "2027-01" });
    await submitForReview(t.db, limited.id, services.clock.now());
    await reviewCampaign(services, { campaignId: limited.id, reviewerId: await userId(t, "operator@hamkke.demo"), decision: "approve", comment: "" });
    const reward = await t.db.selectFrom("rewards").select("id").where("campaign_id", "=", limited.id).executeTakeFirstOrThrow();
    const backers = await t.db.selectFrom("users").select("id").execute();
    const ledgerBefore = await journalSize(t.db);
    const results = await Promise.allSettled(
      Array.from({ length: 1000 }, (_, i) =>
        createPledge(services, { backerId: backers[i % backers.length]!.id, campaignId: limited.id, data: pledge(10_000, { rewardId: reward.id }) }),
      ),
    );
    const won = results.filter((r) => r.status === "fulfilled");
    const soldOut = results.filter((r) => r.status === "rejected" && r.reason instanceof AppError && r.reason.code === "rewardSoldOut");
    expect(won).toHaveLength(10);
    expect(soldOut).toHaveLength(990);
    expect((await t.db.selectFrom("rewards").select("claimed_count").where("id", "=", reward.id).executeTakeFirstOrThrow()).claimed_count).toBe(10);
    expect(await t.db.selectFrom("pledges").select("id").where("campaign_id", "=", limited.id).execute()).toHaveLength(10);
    expect(await journalSize(t.db)).toBe(ledgerBefore);
  });

  it("returns the same pledge for the same key and body, and refuses the key with another body", async () => {
    services.clock.set("2026-11-24T03:00:00Z");
    const { id } = await liveCampaign();
    const citizen = await userId(t, "citizen@hamkke.demo");
    const body = pledge(12_000);
    const results = await Promise.all(Array.from({ length: 5 }, () => createPledge(services, { backerId: citizen, campaignId: id, data: body })));
    expect(new Set(results.map((r) => r.publicId)).size).toBe(1);
    expect(await t.db.selectFrom("pledges").select("id").where("idempotency_key", "=", body.idempotencyKey).execute()).toHaveLength(1);
    await expect(createPledge(services, { backerId: citizen, campaignId: id, data: { ...body, amount: 13_000 } })).rejects.toMatchObject({ code: "idempotencyConflict", status: 409 });
  });

  it("lets the backer cancel before the deadline only, and refuses pledges on closed campaigns", async () => {
    services.clock.set("2026-11-24T03:00:00Z");
    const { id } = await liveCampaign();
    const citizen = await userId(t, "citizen@hamkke.demo");
    const p = await createPledge(services, { backerId: citizen, campaignId: id, data: pledge(10_000) });
    await pay(p.publicId, "4242424242424242");
    const other = await userId(t, "company@hamkke.demo");
    await expect(cancelPledge(services, other, p.publicId)).rejects.toMatchObject({ code: "pledgeNotCancellable" });
    await cancelPledge(services, citizen, p.publicId);
    expect(await pledgeState(p.publicId)).toBe("cancelled");
    services.clock.advance(10 * DAY);
    await expect(createPledge(services, { backerId: citizen, campaignId: id, data: pledge(10_000) })).rejects.toMatchObject({ code: "campaignNotOpen" });
  });
});
