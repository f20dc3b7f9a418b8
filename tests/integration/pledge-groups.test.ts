import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addBudgetLine, addReward, createCampaign, reviewCampaign, submitForReview } from "../../app/campaigns/campaigns.server";
import { verifyStoredLedger } from "../../app/ledger/ledger.server";
import { checkCard } from "../../app/payments/demo-cards";
import { confirmDemoCard, requireDemoProcessor } from "../../app/payments/demo-checkout.server";
import { applyIntentState, createPledge, preparePayment, type CreatedPledge } from "../../app/pledges/pledges.server";
import { createDemoDatabase, type TestDatabase } from "../support/db";
import { CARD_EXPIRY, seoulDateAfter } from "../support/dates";
import { enterpriseId, userId } from "../support/seed";
import { createTestServices, TEST_CLOCK_START, type TestServices } from "../support/services";

// Pledges made at once and payments confirmed at once are written in groups, one transaction each
// (decision 80): every pledge exactly once, each caller answered as if its request had been alone.

let t: TestDatabase;
let services: TestServices;
let campaignId: number;
let backers: number[];
let keyCounter = 0;
const START = new Date(TEST_CLOCK_START);
const GOOD_CARD = { number: "4242424242424242", expiry: CARD_EXPIRY, cvc: "123" };

beforeAll(async () => {
  t = await createDemoDatabase();
  services = createTestServices(t.db, TEST_CLOCK_START);
  const operator = await userId(t, "operator@hamkke.demo");
  const made = await createCampaign(t.db, {
    enterpriseId: await enterpriseId(t, "누럭놀이단"),
    userId: operator,
    now: services.clock.now(),
    basics: { title: "묶음 기록 캠페인", summary: "요약", story: "", goal: 1_000_000, fundingModel: "keep_it_all", startsOn: seoulDateAfter(START, 0), endsOn: seoulDateAfter(START, 20) },
  });
  await addBudgetLine(t.db, made.id, { name: "사업비", amount: 1_000_000, required: true });
  await addReward(t.db, made.id, { title: "마지막 한 점", description: "", minAmount: 10_000, quantityLimit: 1, deliveryMonth: null });
  await submitForReview(t.db, made.id, services.clock.now());
  await reviewCampaign(services, { campaignId: made.id, reviewerId: operator, decision: "approve", comment: "" });
  campaignId = made.id;
  const users = await t.db
    .insertInto("users")
    .values(Array.from({ length: 30 }, (_, i) => ({ email: `grouped${i}@test.example`, display_name: `묶음 후원자 ${i}`, password_hash: "x" })))
    .returning("id")
    .execute();
  backers = users.map((u) => u.id);
});

afterAll(async () => {
  await t.drop();
});

function pledgeData(amount: number, extra: { rewardId?: number; idempotencyKey?: string } = {}) {
  keyCounter += 1;
  return { amount, kind: "sponsorship" as const, rewardId: extra.rewardId ?? null, message: "", nameDisplay: "masked" as const, backerKind: "individual" as const, companyName: "", businessNumber: null, idempotencyKey: extra.idempotencyKey ?? `grouped-${keyCounter}` };
}

function newPledge(backerId: number, amount: number) {
  return createPledge(services, { backerId, campaignId, data: pledgeData(amount) });
}

/** Outcomes as the caller sees them: the pledge, or the refusal's code. */
function settle<T>(promise: Promise<T>): Promise<T | { refused: string }> {
  return promise.catch((error: Error & { code?: string }) => {
    if (error.name !== "AppError") throw error;
    return { refused: error.code ?? error.message };
  });
}

async function transactionsOf(publicIds: readonly string[]) {
  const rows = await t.db.selectFrom("pledges").select(sql<string>`xmin::text`.as("transaction")).where("public_id", "in", [...publicIds]).execute();
  return new Set(rows.map((r) => r.transaction)).size;
}

async function pledgeIds(publicIds: readonly string[]) {
  return (await t.db.selectFrom("pledges").select("id").where("public_id", "in", [...publicIds]).execute()).map((r) => r.id);
}

describe("pledges made in groups", () => {
  it("writes thirty pledges made at once in fewer transactions, each caller getting its own", async () => {
    const created = await Promise.all(backers.map((b, i) => newPledge(b, 5_000 + i)));
    expect(new Set(created.map((p) => p.publicId)).size).toBe(30);
    expect(created.every((p) => p.state === "pending_authorization" && !p.replayed)).toBe(true);
    const transactions = await transactionsOf(created.map((p) => p.publicId));
    console.log(`[pledge groups] 30 pledges written in ${transactions} transactions`);
    expect(transactions).toBeLessThan(30);
    const amounts = await t.db.selectFrom("pledges").select(["public_id", "amount_won"]).where("public_id", "in", created.map((p) => p.publicId)).execute();
    const byId = new Map(amounts.map((r) => [r.public_id, r.amount_won]));
    expect(created.map((p) => byId.get(p.publicId))).toEqual(backers.map((_, i) => 5_000 + i));
  });

  it("answers each request of one group as if alone: a retry with its pledge, a refusal to its own caller only", async () => {
    const key = `grouped-same-key-${Date.now()}`;
    const [b0, b1, b2] = [backers[3]!, backers[4]!, backers[5]!];
    // The first runs alone; the rest wait for it and go together.
    const [first, ...group] = await Promise.all([
      settle(newPledge(b0, 9_000)),
      settle(createPledge(services, { backerId: b1, campaignId, data: pledgeData(12_000, { idempotencyKey: key }) })),
      settle(createPledge(services, { backerId: b1, campaignId, data: pledgeData(12_000, { idempotencyKey: key }) })),
      settle(createPledge(services, { backerId: b1, campaignId, data: pledgeData(13_000, { idempotencyKey: key }) })),
      settle(createPledge(services, { backerId: b2, campaignId: -1, data: pledgeData(10_000) })),
      settle(createPledge(services, { backerId: b2, campaignId, data: pledgeData(10_000, { rewardId: 999_999_999 }) })),
      settle(newPledge(b2, 14_000)),
    ]);
    expect(first).toMatchObject({ replayed: false });
    const [made, retried, changed, noCampaign, noReward, other] = group as [CreatedPledge, CreatedPledge, { refused: string }, { refused: string }, { refused: string }, CreatedPledge];
    expect(made).toMatchObject({ state: "pending_authorization", replayed: false });
    expect(retried).toEqual({ ...made, replayed: true });
    expect(changed).toEqual({ refused: "idempotencyConflict" });
    expect(noCampaign).toEqual({ refused: "campaignNotOpen" });
    expect(noReward).toEqual({ refused: "rewardNotFound" });
    expect(other).toMatchObject({ replayed: false });
    expect(await transactionsOf([made.publicId, other.publicId])).toBe(1);
    const keyed = await t.db.selectFrom("pledges").select("id").where("backer_id", "=", b1).where("idempotency_key", "=", key).execute();
    expect(keyed).toHaveLength(1);
  });

  it("gives a sold-out reward's refusal to the later pledge only, and writes the others", async () => {
    const reward = await t.db.selectFrom("rewards").select("id").where("campaign_id", "=", campaignId).executeTakeFirstOrThrow();
    const [b0, b1, b2, b3] = [backers[6]!, backers[7]!, backers[8]!, backers[9]!];
    const outcomes = await Promise.all([
      settle(newPledge(b0, 9_000)),
      settle(createPledge(services, { backerId: b1, campaignId, data: pledgeData(10_000, { rewardId: reward.id }) })),
      settle(createPledge(services, { backerId: b2, campaignId, data: pledgeData(10_000, { rewardId: reward.id }) })),
      settle(newPledge(b3, 11_000)),
    ]);
    const refused = outcomes.filter((o) => "refused" in o);
    expect(refused).toEqual([{ refused: "rewardSoldOut" }]);
    const claimed = await t.db.selectFrom("rewards").select("claimed_count").where("id", "=", reward.id).executeTakeFirstOrThrow();
    expect(claimed.claimed_count).toBe(1);
    const withReward = await t.db.selectFrom("pledges").select("id").where("reward_id", "=", reward.id).execute();
    expect(withReward).toHaveLength(1);
    const made = outcomes.flatMap((o) => ("publicId" in o ? [o.publicId] : []));
    expect(made).toHaveLength(3);
    expect(await t.db.selectFrom("pledges").select("id").where("public_id", "in", made).execute()).toHaveLength(3);
  });
});

describe("intents linked in groups", () => {
  it("links thirty payment pages opened at once in fewer transactions, each pledge to its own intent, and keeps it", async () => {
    const created = await Promise.all(backers.map((b, i) => newPledge(b, 7_000 + i)));
    const steps = await Promise.all(created.map((p) => preparePayment(services, p.publicId)));
    const ids = steps.map((step) => step?.pledgeId ?? 0);
    const linked = await t.db.selectFrom("pledges").select(["id", "provider_payment_intent_id", sql<string>`xmin::text`.as("transaction")]).where("id", "in", ids).execute();
    const intentOf = new Map(linked.map((row) => [row.id, row.provider_payment_intent_id]));
    expect(steps.map((step) => intentOf.get(step?.pledgeId ?? 0))).toEqual(steps.map((step) => step?.intentId));
    expect(new Set(steps.map((step) => step?.intentId)).size).toBe(30);
    const transactions = new Set(linked.map((row) => row.transaction)).size;
    console.log(`[link groups] 30 intents linked in ${transactions} transactions`);
    expect(transactions).toBeLessThan(30);
    // Another visit of each payment page finds the same intent and writes nothing.
    const again = await Promise.all(created.map((p) => preparePayment(services, p.publicId)));
    expect(again.map((step) => step?.intentId)).toEqual(steps.map((step) => step?.intentId));
    const after = await t.db.selectFrom("pledges").select(sql<string>`xmin::text`.as("transaction")).where("id", "in", ids).orderBy("id").execute();
    expect(after.map((row) => row.transaction)).toEqual([...linked].sort((a, b) => a.id - b.id).map((row) => row.transaction));
  });
});

describe("payments recorded in groups", () => {
  it("records thirty card payments made at once exactly once each, in fewer transactions than payments", async () => {
    const created = await Promise.all(backers.map((b, i) => newPledge(b, 10_000 + i)));
    const results = await Promise.all(created.map((p) => confirmDemoCard(services, p.publicId, GOOD_CARD)));
    expect(results.map((r) => r.state)).toEqual(created.map(() => "collected"));

    const ids = await pledgeIds(created.map((p) => p.publicId));
    const pledges = await t.db
      .selectFrom("pledges")
      .select(["id", "state", "amount_won", "fee_won", sql<string>`xmin::text`.as("transaction")])
      .where("id", "in", ids)
      .execute();
    expect(pledges.every((p) => p.state === "collected" && p.fee_won !== null && p.fee_won > 0)).toBe(true);
    // Rows written by one transaction carry its id: some pledges were recorded together.
    const transactions = new Set(pledges.map((p) => p.transaction)).size;
    console.log(`[intent groups] 30 payments recorded in ${transactions} transactions`);
    expect(transactions).toBeLessThan(30);

    const entries = await t.db
      .selectFrom("journal_entries")
      .select(["idempotency_key"])
      .where("idempotency_key", "in", ids.flatMap((id) => [`pledge:${id}:collected`, `pledge:${id}:fee`]))
      .execute();
    expect(entries).toHaveLength(60);
    const receipts = await t.db
      .selectFrom("email_outbox")
      .select("to_address")
      .where("template", "=", "pledgeReceipt")
      .where("to_address", "like", "grouped%@test.example")
      .execute();
    expect(receipts.map((r) => r.to_address).sort()).toEqual(backers.map((_, i) => `grouped${i}@test.example`).sort());

    const escrow = await sql<{ total: number }>`
      SELECT coalesce(sum(l.amount_won), 0)::bigint AS total FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
      JOIN ledger_accounts a ON a.id = l.account_id
      WHERE a.code = ${`campaign:${campaignId}:escrow`} AND e.idempotency_key = ANY(${ids.map((id) => `pledge:${id}:collected`)})`.execute(t.db);
    expect(Number(escrow.rows[0]!.total)).toBe(pledges.reduce((sum, p) => sum + p.amount_won, 0));
    expect((await verifyStoredLedger(t.db)).ok).toBe(true);
  });

  it("applies the same success twice in one group as once: one collection, one receipt", async () => {
    const [first, second] = [await newPledge(backers[1]!, 21_000), await newPledge(backers[2]!, 22_000)];
    // Paid at the processor, not yet applied here.
    const paid = await Promise.all(
      [first, second].map(async (pledge) => {
        const step = await preparePayment(services, pledge.publicId);
        const card = checkCard(GOOD_CARD, seoulDateAfter(START, 0));
        if (!step || !card.ok) throw new Error("no payment step");
        return { pledgeId: step.pledgeId, state: await requireDemoProcessor(services).confirmWithCard(step.intentId, card.card) };
      }),
    );
    const [a, b] = paid as [(typeof paid)[number], (typeof paid)[number]];
    // The first update runs alone; the second pledge's two updates wait for it and go together.
    const results = await Promise.all([applyIntentState(services, a.pledgeId, "payment", a.state), applyIntentState(services, b.pledgeId, "payment", b.state), applyIntentState(services, b.pledgeId, "payment", b.state)]);
    expect(results).toEqual(["collected", "collected", "collected"]);
    const rows = await t.db.selectFrom("pledges").select(sql<string>`xmin::text`.as("transaction")).where("id", "in", [a.pledgeId, b.pledgeId]).execute();
    expect(new Set(rows.map((r) => r.transaction)).size).toBe(2);
    const entries = await t.db.selectFrom("journal_entries").select("kind").where("idempotency_key", "in", [`pledge:${b.pledgeId}:collected`, `pledge:${b.pledgeId}:fee`]).execute();
    expect(entries.map((e) => e.kind).sort()).toEqual(["pledge.collected", "pledge.fee"]);
    // The first test made one pledge of this backer too.
    const receipts = await t.db.selectFrom("email_outbox").select("id").where("template", "=", "pledgeReceipt").where("to_address", "=", "grouped2@test.example").execute();
    expect(receipts).toHaveLength(2);
    expect((await verifyStoredLedger(t.db)).ok).toBe(true);
  });
});
