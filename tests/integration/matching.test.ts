import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FundingModel } from "../../db/types";
import { addBudgetLine, cancelCampaign, createCampaign, reviewCampaign, submitForReview } from "../../app/campaigns/campaigns.server";
import { requestRefund } from "../../app/campaigns/settlement.server";
import { campaignMoney } from "../../app/campaigns/totals.server";
import { runTick } from "../../app/jobs/tick.server";
import { poolAvailable, poolCommitted, poolReturned, poolSource } from "../../app/ledger/accounts";
import { getBalances, verifyStoredLedger } from "../../app/ledger/ledger.server";
import type { RulesInput } from "../../app/matching/matching-forms";
import { campaignMatching, closePool, createPool, publishRules, simulateCurrentPledges } from "../../app/matching/matching.server";
import { rulesFromInput } from "../../app/matching/matching-forms";
import { confirmDemoCard } from "../../app/payments/demo-checkout.server";
import type { PledgeInput } from "../../app/pledges/pledge";
import { cancelPledge, createPledge } from "../../app/pledges/pledges.server";
import { createDemoDatabase, type TestDatabase } from "../support/db";
import { enterpriseId, userId } from "../support/seed";
import { CARD_EXPIRY, seoulDateAfter } from "../support/dates";
import { createTestServices, TEST_CLOCK_START, type TestServices } from "../support/services";

// Matching funds through the real money path on PostgreSQL: pledges made and paid with the demo
// card processor, campaigns closed and charged by the tick, refunds through the provider. After
// every step the pool's ledger accounts must agree with the matches table.

let t: TestDatabase;
let services: TestServices;
let operator: number;
let enterprise: number;
let contestCounter = 0;
let keyCounter = 0;

const START = TEST_CLOCK_START;
const AFTER_END = "2026-12-01T00:00:00Z";
/** A campaign still open at AFTER_END: it ends 26 days after START, by the injected clock. */
const LATER_END = seoulDateAfter(new Date(START), 26);
const GOOD_CARD = "4242424242424242";
const FAILS_ON_CHARGE = "4000000000000341";

beforeAll(async () => {
  t = await createDemoDatabase();
  services = createTestServices(t.db, START);
  operator = await userId(t, "operator@hamkke.demo");
  enterprise = await enterpriseId(t, "누럭놀이단");
  await t.db
    .insertInto("users")
    .values(Array.from({ length: 24 }, (_, i) => ({ email: `matcher${i}@test.example`, display_name: `매칭 후원자 ${i}`, password_hash: "x" })))
    .execute();
});
afterAll(async () => {
  await t.drop();
});

function nth<T>(list: readonly T[], index: number): T {
  const item = list[index];
  if (item === undefined) throw new Error(`no item ${index}`);
  return item;
}

async function backer(i: number): Promise<number> {
  return userId(t, `matcher${i}@test.example`);
}

const oneToOne: RulesInput = { factorPct: 100, capPerPledge: null, capPerCampaign: null, capPerBacker: null, minBackers: 0, thresholdPct: 0, allocation: "first_come" };

/** A published crowdfunding round with live campaigns, a pool and its first rule version. */
async function round(options: { poolWon: number; rules?: RulesInput; campaigns?: { goal: number; model?: FundingModel; endsOn?: string }[] }) {
  services.clock.set(START);
  contestCounter += 1;
  const host = await t.db.selectFrom("host_organisations").select("id").where("key", "=", "gwangsan").executeTakeFirstOrThrow();
  const contest = await t.db
    .insertInto("contests")
    .values({ slug: `matching-round-${contestCounter}`, host_id: host.id, title: `매칭 테스트 라운드 ${contestCounter}`, published: true, created_by: operator })
    .returning(["id", "slug"])
    .executeTakeFirstOrThrow();
  const campaigns: { id: number; slug: string }[] = [];
  for (const spec of options.campaigns ?? [{ goal: 1_000_000 }]) {
    const made = await createCampaign(t.db, {
      enterpriseId: enterprise,
      userId: operator,
      now: services.clock.now(),
      basics: { title: "매칭 테스트 캠페인", summary: "요약", story: "", goal: spec.goal, fundingModel: spec.model ?? "all_or_nothing", startsOn: "2026-11-24", endsOn: spec.endsOn ?? "2026-11-30" },
    });
    await t.owner.updateTable("campaigns").set({ contest_id: contest.id }).where("id", "=", made.id).execute();
    await addBudgetLine(t.db, made.id, { name: "사업비", amount: spec.goal, required: true });
    await submitForReview(t.db, made.id, services.clock.now());
    await reviewCampaign(services, { campaignId: made.id, reviewerId: operator, decision: "approve", comment: "" });
    campaigns.push(made);
  }
  const poolId = await createPool(t.db, { contestId: contest.id, userId: operator, pool: { sponsorKind: "company", sponsorName: "㈜테스트후원", total: options.poolWon }, now: services.clock.now() });
  await publishRules(t.db, { poolId, userId: operator, rules: options.rules ?? oneToOne, now: services.clock.now() });
  return { contest, campaigns, poolId };
}

function pledgeInput(amount: number): PledgeInput {
  keyCounter += 1;
  return { amount, kind: "sponsorship", rewardId: null, message: "", nameDisplay: "masked", backerKind: "individual", companyName: "", businessNumber: null, idempotencyKey: `matching-${keyCounter}-${Date.now()}` };
}

/** Makes and pays a pledge: saved (all-or-nothing) or collected (keep-it-all). Returns the pledge id. */
async function pledge(backerId: number, campaignId: number, amount: number, card = GOOD_CARD): Promise<{ id: number; publicId: string }> {
  const { publicId } = await createPledge(services, { backerId, campaignId, data: pledgeInput(amount) });
  await confirmDemoCard(services, publicId, { number: card, expiry: CARD_EXPIRY, cvc: "123" });
  const row = await t.db.selectFrom("pledges").select(["id", "state"]).where("public_id", "=", publicId).executeTakeFirstOrThrow();
  expect(["saved", "collected"]).toContain(row.state);
  return { id: row.id, publicId };
}

async function matchOf(pledgeId: number) {
  return t.db.selectFrom("matches").select(["amount_won", "state", "rules_version"]).where("pledge_id", "=", pledgeId).executeTakeFirst();
}

/** The pool's ledger accounts, its row and its matches must tell the same story. */
async function expectPoolConsistent(poolId: number) {
  const pool = await t.db.selectFrom("matching_pools").select(["total_won", "committed_won", "closed_at"]).where("id", "=", poolId).executeTakeFirstOrThrow();
  const sums = await t.db
    .selectFrom("matches")
    .select([
      sql<number>`coalesce(sum(amount_won) FILTER (WHERE state = 'committed'), 0)::bigint`.as("committed"),
      sql<number>`coalesce(sum(amount_won) FILTER (WHERE state = 'released'), 0)::bigint`.as("released"),
    ])
    .where("pool_id", "=", poolId)
    .executeTakeFirstOrThrow();
  const committed = Number(sums.committed);
  const released = Number(sums.released);
  const codes = [poolSource(poolId), poolAvailable(poolId), poolCommitted(poolId), poolReturned(poolId)].map((a) => a.code);
  const balances = await getBalances(t.db, codes);
  const [source, available, committedAccount, returned] = codes.map((c) => balances.get(c) ?? 0) as [number, number, number, number];
  expect(source).toBe(-pool.total_won);
  expect(committedAccount).toBe(committed);
  expect(pool.committed_won).toBe(committed + released);
  expect(available + committedAccount + released + returned).toBe(pool.total_won);
  expect(pool.committed_won).toBeLessThanOrEqual(pool.total_won);
  if (pool.closed_at === null) {
    expect(returned).toBe(0);
    expect(available).toBe(pool.total_won - pool.committed_won);
  } else {
    expect(available).toBe(0);
  }
  expect((await verifyStoredLedger(t.db)).ok).toBe(true);
  return { available, committed, released, returned };
}

describe("the pool under concurrent pledges", () => {
  it("never over-commits: 20 pledges at once against a pool for 14½ of them, the last match partial", async () => {
    const { campaigns, poolId } = await round({ poolWon: 100_000 });
    const campaign = nth(campaigns, 0);
    const backers = await Promise.all(Array.from({ length: 20 }, (_, i) => backer(i)));
    const pledges = await Promise.all(backers.map((b) => pledge(b, campaign.id, 7_000)));

    const matches = await t.db.selectFrom("matches").select(["pledge_id", "amount_won"]).where("pool_id", "=", poolId).execute();
    const amounts = matches.map((m) => m.amount_won).sort((a, b) => b - a);
    expect(amounts).toEqual([...Array.from({ length: 14 }, () => 7_000), 2_000]);
    expect(new Set(matches.map((m) => m.pledge_id)).size).toBe(15);
    expect(pledges).toHaveLength(20);
    const state = await expectPoolConsistent(poolId);
    expect(state).toMatchObject({ available: 0, committed: 100_000 });
  });

  it("never over-commits when the pledges are paid at once and recorded in groups (keep-it-all)", async () => {
    const { campaigns, poolId } = await round({ poolWon: 100_000, campaigns: [{ goal: 1_000_000, model: "keep_it_all", endsOn: LATER_END }] });
    const campaign = nth(campaigns, 0);
    const backers = await Promise.all(Array.from({ length: 20 }, (_, i) => backer(i)));
    const pledges = await Promise.all(backers.map((b) => pledge(b, campaign.id, 7_000)));

    const matches = await t.db.selectFrom("matches").select(["pledge_id", "amount_won"]).where("pool_id", "=", poolId).execute();
    expect(matches.map((m) => m.amount_won).sort((a, b) => b - a)).toEqual([...Array.from({ length: 14 }, () => 7_000), 2_000]);
    const collected = await t.db.selectFrom("pledges").select(sql<number>`count(*)::int`.as("n")).where("id", "in", pledges.map((p) => p.id)).where("state", "=", "collected").executeTakeFirstOrThrow();
    expect(collected.n).toBe(20);
    const state = await expectPoolConsistent(poolId);
    expect(state).toMatchObject({ available: 0, committed: 100_000 });
  });

  it("matches pledges paid at once as if one after the other: with three backers needed, the first two are not matched", async () => {
    const rules: RulesInput = { ...oneToOne, minBackers: 3 };
    const { campaigns, poolId } = await round({ poolWon: 1_000_000, rules, campaigns: [{ goal: 1_000_000, model: "keep_it_all", endsOn: LATER_END }] });
    const campaign = nth(campaigns, 0);
    const backers = await Promise.all([5, 6, 7, 8, 9, 10, 11, 12].map(backer));
    await Promise.all(backers.map((b) => pledge(b, campaign.id, 10_000)));
    // Whatever the order the payments were recorded in, the first two had fewer than three backers.
    const matches = await t.db.selectFrom("matches").select("amount_won").where("pool_id", "=", poolId).execute();
    expect(matches.map((m) => m.amount_won)).toEqual(Array.from({ length: 6 }, () => 10_000));
    await expectPoolConsistent(poolId);
  });
});

describe("caps and start conditions, through the database", () => {
  it("applies the minimum backers, the threshold and every cap, and the database refuses a match above a cap", async () => {
    const rules: RulesInput = { factorPct: 50, capPerPledge: 20_000, capPerCampaign: 50_000, capPerBacker: 30_000, minBackers: 2, thresholdPct: 10, allocation: "first_come" };
    const { campaigns, poolId } = await round({ poolWon: 1_000_000, rules, campaigns: [{ goal: 200_000 }, { goal: 200_000 }] });
    const [a, b] = [nth(campaigns, 0), nth(campaigns, 1)];
    const backers = await Promise.all([20, 21, 22, 23, 0].map(backer));
    const [b1, b2, b3, b4, b5] = [0, 1, 2, 3, 4].map((i) => nth(backers, i)) as [number, number, number, number, number];

    const first = await pledge(b1, a.id, 10_000); // one backer: below the minimum of two
    expect(await matchOf(first.id)).toBeUndefined();
    const second = await pledge(b2, a.id, 5_000); // 15,000 < 10% of 200,000
    expect(await matchOf(second.id)).toBeUndefined();
    const third = await pledge(b3, a.id, 100_000); // 50% = 50,000, capped per pledge
    expect(await matchOf(third.id)).toMatchObject({ amount_won: 20_000, rules_version: 1 });
    const fourth = await pledge(b3, a.id, 30_000); // 15,000, capped by the backer's 30,000 in the round
    expect(await matchOf(fourth.id)).toMatchObject({ amount_won: 10_000 });
    const fifth = await pledge(b4, a.id, 30_000); // the factor: 15,000
    expect(await matchOf(fifth.id)).toMatchObject({ amount_won: 15_000 });
    const sixth = await pledge(b5, a.id, 40_000); // 20,000, but only 5,000 left of the campaign's 50,000
    expect(await matchOf(sixth.id)).toMatchObject({ amount_won: 5_000 });
    const seventh = await pledge(b4, a.id, 10_000); // campaign cap reached
    expect(await matchOf(seventh.id)).toBeUndefined();
    expect((await campaignMatching(t.db, [a.id])).get(a.id)).toEqual({ matchedWon: 50_000, committedWon: 50_000, releasedWon: 0 });

    // The backer cap counts across the round: b3 has 30,000 on campaign a, so nothing on b.
    await pledge(b1, b.id, 30_000);
    const acrossRound = await pledge(b3, b.id, 30_000);
    expect(await matchOf(acrossRound.id)).toBeUndefined();
    await expectPoolConsistent(poolId);

    // Whatever the code does, the database refuses a match above a cap of its version.
    const extra = await t.db.selectFrom("pledges").select(["id", "backer_id"]).where("id", "=", seventh.id).executeTakeFirstOrThrow();
    await expect(
      t.db.insertInto("matches").values({ pool_id: poolId, pledge_id: extra.id, campaign_id: a.id, backer_id: extra.backer_id, amount_won: 1_000, rules_version: 1 }).execute(),
    ).rejects.toMatchObject({ code: "23514" });
    expect(await matchOf(seventh.id)).toBeUndefined();
  });
});

describe("allocation modes", () => {
  it("first_come lets the first campaign take the whole pool; reserved keeps an equal share for each", async () => {
    const firstCome = await round({ poolWon: 30_000, campaigns: [{ goal: 500_000 }, { goal: 500_000 }] });
    const [fa, fb] = [nth(firstCome.campaigns, 0), nth(firstCome.campaigns, 1)];
    await pledge(await backer(1), fa.id, 20_000);
    await pledge(await backer(2), fa.id, 20_000);
    const late = await pledge(await backer(3), fb.id, 20_000);
    expect((await campaignMatching(t.db, [fa.id])).get(fa.id)?.matchedWon).toBe(30_000);
    expect(await matchOf(late.id)).toBeUndefined();
    await expectPoolConsistent(firstCome.poolId);

    const reserved = await round({ poolWon: 30_001, rules: { ...oneToOne, allocation: "reserved" }, campaigns: [{ goal: 500_000 }, { goal: 500_000 }] });
    const [ra, rb] = [nth(reserved.campaigns, 0), nth(reserved.campaigns, 1)];
    // The odd won goes to the first campaign: reserves 15,001 and 15,000.
    const withinReserve = await pledge(await backer(1), ra.id, 20_000);
    expect(await matchOf(withinReserve.id)).toMatchObject({ amount_won: 15_001 });
    const overReserve = await pledge(await backer(2), ra.id, 20_000);
    expect(await matchOf(overReserve.id)).toBeUndefined();
    expect((await campaignMatching(t.db, [ra.id])).get(ra.id)?.matchedWon).toBe(15_001);
    const kept = await pledge(await backer(3), rb.id, 20_000);
    expect(await matchOf(kept.id)).toMatchObject({ amount_won: 15_000 });
    await expectPoolConsistent(reserved.poolId);
  });
});

async function settleAll(campaignId: number) {
  // Past the deadline, then day by day through the collection retries until the campaign settles.
  services.clock.set(AFTER_END);
  for (let day = 0; day < 8; day += 1) {
    await runTick(services);
    const row = await t.db.selectFrom("campaigns").select("settlement").where("id", "=", campaignId).executeTakeFirstOrThrow();
    if (row.settlement === "settled") return;
    await services.clock.advance(86_400_000);
  }
  throw new Error("campaign did not settle");
}

async function escrowOf(campaignId: number): Promise<number> {
  return (await campaignMoney(t.db, [campaignId])).get(campaignId)?.escrowWon ?? 0;
}

describe("matches returned", () => {
  it("a cancelled pledge gives its match back and a later pledge can use it", async () => {
    const { campaigns, poolId } = await round({ poolWon: 10_000 });
    const campaign = nth(campaigns, 0);
    const first = await backer(4);
    const p1 = await pledge(first, campaign.id, 10_000);
    expect(await matchOf(p1.id)).toMatchObject({ amount_won: 10_000, state: "committed" });
    const p2 = await pledge(await backer(5), campaign.id, 5_000);
    expect(await matchOf(p2.id)).toBeUndefined();

    await cancelPledge(services, first, p1.publicId);
    expect(await matchOf(p1.id)).toMatchObject({ state: "returned" });
    expect(await expectPoolConsistent(poolId)).toMatchObject({ available: 10_000, committed: 0 });
    const p3 = await pledge(await backer(6), campaign.id, 8_000);
    expect(await matchOf(p3.id)).toMatchObject({ amount_won: 8_000 });
    await expectPoolConsistent(poolId);
  });

  it("a failed all-or-nothing campaign returns every match; an operator's cancellation too", async () => {
    const { campaigns, poolId } = await round({ poolWon: 40_000, campaigns: [{ goal: 1_000_000 }, { goal: 1_000_000, endsOn: LATER_END }, { goal: 1_000_000, endsOn: LATER_END }] });
    const [short, later, cancelled] = [nth(campaigns, 0), nth(campaigns, 1), nth(campaigns, 2)];
    const p1 = await pledge(await backer(13), short.id, 30_000);
    const p2 = await pledge(await backer(14), cancelled.id, 10_000);
    const p3 = await pledge(await backer(15), later.id, 10_000);
    expect(await matchOf(p3.id)).toBeUndefined();

    services.clock.set(AFTER_END);
    await runTick(services);
    expect((await t.db.selectFrom("campaigns").select("state").where("id", "=", short.id).executeTakeFirstOrThrow()).state).toBe("failed");
    expect(await matchOf(p1.id)).toMatchObject({ state: "returned" });
    expect(await expectPoolConsistent(poolId)).toMatchObject({ available: 30_000, committed: 10_000 });

    await cancelCampaign(services, cancelled.id);
    expect(await matchOf(p2.id)).toMatchObject({ state: "returned" });
    expect(await expectPoolConsistent(poolId)).toMatchObject({ available: 40_000, committed: 0 });

    const p4 = await pledge(await backer(16), later.id, 25_000);
    expect(await matchOf(p4.id)).toMatchObject({ amount_won: 25_000, state: "committed" });
    await expectPoolConsistent(poolId);
  });
});

describe("matches released on success", () => {
  it("keep-it-all: a refund returns the match; at close the campaign's matches go into its escrow", async () => {
    const { campaigns, poolId } = await round({ poolWon: 50_000, campaigns: [{ goal: 30_000, model: "keep_it_all" }] });
    const campaign = nth(campaigns, 0);
    const p1 = await pledge(await backer(7), campaign.id, 20_000);
    const p2 = await pledge(await backer(8), campaign.id, 15_000);
    expect(await matchOf(p1.id)).toMatchObject({ amount_won: 20_000 });
    expect(await matchOf(p2.id)).toMatchObject({ amount_won: 15_000 });

    expect(await requestRefund(services, p1.id, "후원자 요청")).toBe("requested");
    await runTick(services);
    expect((await t.db.selectFrom("pledges").select("state").where("id", "=", p1.id).executeTakeFirstOrThrow()).state).toBe("refunded");
    expect(await matchOf(p1.id)).toMatchObject({ state: "returned" });
    expect(await expectPoolConsistent(poolId)).toMatchObject({ available: 35_000, committed: 15_000 });

    const p3 = await pledge(await backer(9), campaign.id, 20_000);
    expect(await matchOf(p3.id)).toMatchObject({ amount_won: 20_000 });
    const escrowBefore = await escrowOf(campaign.id);

    services.clock.set(AFTER_END);
    await runTick(services);
    const closed = await t.db.selectFrom("campaigns").select(["state", "settlement"]).where("id", "=", campaign.id).executeTakeFirstOrThrow();
    expect(closed).toEqual({ state: "succeeded", settlement: "settled" });
    expect(await matchOf(p2.id)).toMatchObject({ state: "released" });
    expect(await matchOf(p3.id)).toMatchObject({ state: "released" });
    expect(await escrowOf(campaign.id)).toBe(escrowBefore + 35_000);
    expect((await campaignMatching(t.db, [campaign.id])).get(campaign.id)).toEqual({ matchedWon: 35_000, committedWon: 0, releasedWon: 35_000 });
    // Raised is backers' money; the match is counted on its own.
    expect((await campaignMoney(t.db, [campaign.id])).get(campaign.id)?.raisedWon).toBe(35_000);
    expect(await expectPoolConsistent(poolId)).toMatchObject({ available: 15_000, committed: 0, released: 35_000 });

    // The tick again changes nothing.
    await runTick(services);
    expect(await escrowOf(campaign.id)).toBe(escrowBefore + 35_000);
    await expectPoolConsistent(poolId);

    // A refund after success takes the pledge's released match back out of the escrow, to the pool.
    const fee = (await t.db.selectFrom("pledges").select("fee_won").where("id", "=", p3.id).executeTakeFirstOrThrow()).fee_won ?? 0;
    expect(await requestRefund(services, p3.id, "후원자 요청")).toBe("requested");
    await runTick(services);
    expect(await matchOf(p3.id)).toMatchObject({ state: "returned" });
    expect(await escrowOf(campaign.id)).toBe(escrowBefore + 35_000 - (20_000 - fee) - 20_000);
    expect(await expectPoolConsistent(poolId)).toMatchObject({ available: 35_000, committed: 0, released: 15_000 });
  });

  it("all-or-nothing: success is judged on backers' money; a failed collection returns its match, the rest is released", async () => {
    const { campaigns, poolId } = await round({ poolWon: 100_000, campaigns: [{ goal: 30_000 }] });
    const campaign = nth(campaigns, 0);
    const p1 = await pledge(await backer(10), campaign.id, 20_000);
    const p2 = await pledge(await backer(11), campaign.id, 15_000, FAILS_ON_CHARGE);
    const p3 = await pledge(await backer(12), campaign.id, 10_000);
    expect(await matchOf(p2.id)).toMatchObject({ amount_won: 15_000, state: "committed" });

    await settleAll(campaign.id);
    const done = await t.db.selectFrom("campaigns").select("state").where("id", "=", campaign.id).executeTakeFirstOrThrow();
    expect(done.state).toBe("succeeded");
    expect((await t.db.selectFrom("pledges").select("state").where("id", "=", p2.id).executeTakeFirstOrThrow()).state).toBe("released");
    expect(await matchOf(p1.id)).toMatchObject({ state: "released" });
    expect(await matchOf(p3.id)).toMatchObject({ state: "released" });
    expect(await matchOf(p2.id)).toMatchObject({ state: "returned" });
    const money = (await campaignMoney(t.db, [campaign.id])).get(campaign.id);
    expect(money?.raisedWon).toBe(30_000);
    expect(money?.escrowWon).toBe(30_000 - (money?.feesWon ?? 0) + 30_000);
    expect(await expectPoolConsistent(poolId)).toMatchObject({ available: 70_000, committed: 0, released: 30_000 });
  });

  it("does not count matches toward the all-or-nothing goal: a campaign short on backers' money fails", async () => {
    const { campaigns, poolId } = await round({ poolWon: 100_000, rules: { ...oneToOne, factorPct: 300 }, campaigns: [{ goal: 30_000 }] });
    const campaign = nth(campaigns, 0);
    const p1 = await pledge(await backer(17), campaign.id, 20_000); // 60,000 matched: goal + match would pass
    expect(await matchOf(p1.id)).toMatchObject({ amount_won: 60_000 });
    await settleAll(campaign.id);
    expect((await t.db.selectFrom("campaigns").select("state").where("id", "=", campaign.id).executeTakeFirstOrThrow()).state).toBe("failed");
    expect(await matchOf(p1.id)).toMatchObject({ state: "returned" });
    expect(await expectPoolConsistent(poolId)).toMatchObject({ available: 100_000 });
  });
});

describe("round close", () => {
  it("returns the leftover to the sponsor exactly once, even asked twice at once; later returns go to the sponsor too", async () => {
    const { contest, campaigns, poolId } = await round({ poolWon: 50_000, campaigns: [{ goal: 1_000_000, endsOn: LATER_END }] });
    const campaign = nth(campaigns, 0);
    const first = await backer(18);
    const p1 = await pledge(first, campaign.id, 20_000);
    expect(await matchOf(p1.id)).toMatchObject({ amount_won: 20_000 });

    const now = services.clock.now();
    const results = await Promise.all([closePool(t.db, poolId, now), closePool(t.db, poolId, now), closePool(t.db, poolId, now)]);
    expect(results.filter((r) => r.closed)).toEqual([{ closed: true, returnedWon: 30_000 }]);
    expect(await closePool(t.db, poolId, now)).toEqual({ closed: false, returnedWon: 0 });
    const leftoverEntries = await t.db.selectFrom("journal_entries").select("seq").where("kind", "=", "matching.leftover_returned").where("idempotency_key", "=", `pool:${poolId}:closed`).execute();
    expect(leftoverEntries).toHaveLength(1);
    expect(await expectPoolConsistent(poolId)).toMatchObject({ available: 0, committed: 20_000, returned: 30_000 });

    // Closed: no new match, no new rules; a match returned now goes straight back to the sponsor.
    const p2 = await pledge(await backer(19), campaign.id, 10_000);
    expect(await matchOf(p2.id)).toBeUndefined();
    await expect(publishRules(t.db, { poolId, userId: operator, rules: oneToOne, now })).rejects.toMatchObject({ code: "matchingPoolClosed" });
    await cancelPledge(services, first, p1.publicId);
    expect(await expectPoolConsistent(poolId)).toMatchObject({ available: 0, committed: 0, returned: 50_000 });
    // The database refuses to re-open the round.
    await expect(t.db.updateTable("matching_pools").set({ closed_at: null }).where("id", "=", poolId).execute()).rejects.toMatchObject({ code: "23514" });
    expect(contest.id).toBeGreaterThan(0);
  });
});

describe("rule versions", () => {
  it("a change is a new version; each match keeps the version it was made under", async () => {
    const { poolId, campaigns } = await round({ poolWon: 100_000 });
    const campaign = nth(campaigns, 0);
    const p1 = await pledge(await backer(1), campaign.id, 10_000);
    services.clock.set("2026-11-25T03:00:00Z");
    expect(await publishRules(t.db, { poolId, userId: operator, rules: { ...oneToOne, factorPct: 50 }, now: services.clock.now() })).toBe(2);
    const p2 = await pledge(await backer(2), campaign.id, 10_000);
    expect(await matchOf(p1.id)).toMatchObject({ amount_won: 10_000, rules_version: 1 });
    expect(await matchOf(p2.id)).toMatchObject({ amount_won: 5_000, rules_version: 2 });
    // Versions are append-only and consecutive.
    await expect(t.db.updateTable("matching_rule_versions").set({ factor_bp: 20_000 }).where("pool_id", "=", poolId).execute()).rejects.toThrow();
    await expect(
      t.db.insertInto("matching_rule_versions").values({ pool_id: poolId, version: 5, factor_bp: 10_000, allocation: "first_come", published_by: operator }).execute(),
    ).rejects.toMatchObject({ code: "23514" });
    await expectPoolConsistent(poolId);
  });
});

describe("the simulator", () => {
  it("replays the current pledges through draft rules and writes nothing", async () => {
    const { contest, poolId, campaigns } = await round({ poolWon: 100_000, campaigns: [{ goal: 500_000 }, { goal: 500_000 }] });
    const [a, b] = [nth(campaigns, 0), nth(campaigns, 1)];
    await pledge(await backer(1), a.id, 10_000);
    await pledge(await backer(2), a.id, 20_000);
    await pledge(await backer(3), b.id, 30_000);
    const count = async () => ({
      matches: (await t.db.selectFrom("matches").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n,
      entries: (await t.db.selectFrom("journal_entries").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n,
    });
    const before = await count();
    const draft = rulesFromInput({ ...oneToOne, factorPct: 200, capPerCampaign: 50_000 }, 1);
    const result = await simulateCurrentPledges(t.db, contest.id, draft, 100_000);
    const rowA = result.campaigns.find((c) => c.id === a.id);
    const rowB = result.campaigns.find((c) => c.id === b.id);
    // a: 20,000 then 40,000 capped to 30,000 by the campaign cap; b: 60,000 capped to 50,000.
    expect(rowA).toMatchObject({ pledges: 2, pledgedWon: 30_000, actualMatchedWon: 30_000, simulatedMatchedWon: 50_000, limits: { factor: 1, campaignCap: 1 } });
    expect(rowB).toMatchObject({ pledges: 1, simulatedMatchedWon: 50_000, bindingLimit: "campaignCap" });
    expect(result.committedWon).toBe(100_000);
    expect(await count()).toEqual(before);
    await expectPoolConsistent(poolId);
  });
});
