import { sql } from "kysely";
import { campaignMoney } from "../campaigns/totals.server";
import { campaignEscrow, poolAvailable, poolCommitted, poolReturned, poolSource } from "../ledger/accounts";
import type { EntryDraft } from "../ledger/ledger";
import { appendEntries, appendEntry, getBalance } from "../ledger/ledger.server";
import { backerCommitment } from "../ledger/receipts";
import { BACKING_STATES, UNCHARGED_STATES } from "../pledges/pledge";
import { AppError } from "../utils/app-error";
import type { Database, DbOrTx, Tx } from "../utils/db.server";
import { isCheckViolation } from "../utils/pg-errors";
import { computeMatch, reserveFor, simulateRound, type MatchingRules, type MatchLimit, type SimEvent } from "./matching";
import { rulesFromInput, rulesFromRow, type PoolInput, type RulesInput } from "./matching-forms";

// Matching funds in the money path. Every step that moves pool money takes the pool's row lock
// (SELECT … FOR UPDATE) before it reads anything, and writes to the ledger last, so the lock
// order is always campaign → pledge → pool → ledger account (money leaving it). In the ledger:
//   funded    pool:<id>:in −T          pool:<id>:available +T
//   committed pool:<id>:available −M   pool:<id>:committed +M
//   released  pool:<id>:committed −M   campaign:<id>:escrow +M      (campaign succeeded)
//   returned  pool:<id>:committed −M   pool:<id>:available +M       (cancel, refund, failure)
//             (campaign:<id>:escrow instead of committed for a match already released; straight
//              to pool:<id>:out:returned once the round is closed)
//   leftover  pool:<id>:available −A   pool:<id>:out:returned +A    (round close, once)

/** States of a match that still hold pool money (for the campaign or on its way to it). */
export const LIVE_MATCH_STATES = ["committed", "released"] as const;

/** Campaigns of a round that share the pool, in the order reserves are handed out. */
const ROUND_CAMPAIGN_STATES = ["approved", "live", "succeeded", "failed"] as const;

async function lockPool(trx: Tx, poolId: number) {
  return trx
    .selectFrom("matching_pools")
    .select(["id", "contest_id", "sponsor_name", "total_won", "committed_won", "closed_at"])
    .where("id", "=", poolId)
    .forUpdate()
    .executeTakeFirst();
}

type LockedPool = NonNullable<Awaited<ReturnType<typeof lockPool>>>;

function poolAccountsFor(poolId: number) {
  return { source: poolSource(poolId), available: poolAvailable(poolId), committed: poolCommitted(poolId), returned: poolReturned(poolId) };
}

// ── Operator steps ───────────────────────────────────────────────────────────────────────────

export interface NewPool {
  contestId: number;
  userId: number;
  pool: PoolInput;
  now: Date;
}

/** Creates the round's pool and moves the sponsor's money into it, in one transaction. */
export async function createPool(db: Database, input: NewPool): Promise<number> {
  try {
    return await db.transaction().execute((trx) => createPoolIn(trx, input));
  } catch (error) {
    if (isCheckViolation(error)) throw new AppError("invalidAmount", 422, "total");
    throw error;
  }
}

/** The same inside the caller's transaction (the demo seed). */
export async function createPoolIn(trx: Tx, input: NewPool): Promise<number> {
  const contest = await trx
    .selectFrom("contests")
    .innerJoin("host_organisations", "host_organisations.id", "contests.host_id")
    .select(["contests.id", "contests.slug", "contests.kind", "host_organisations.name as host_name"])
    .where("contests.id", "=", input.contestId)
    .forUpdate("contests")
    .executeTakeFirst();
  if (!contest) throw new AppError("matchingPoolMissing", 404);
  if (contest.kind !== "crowdfunding") throw new AppError("matchingCrowdfundingOnly", 409);
  const sponsorName = input.pool.sponsorKind === "host" ? contest.host_name : input.pool.sponsorName;
  const pool = await trx
    .insertInto("matching_pools")
    .values({
      contest_id: contest.id,
      sponsor_kind: input.pool.sponsorKind,
      sponsor_name: sponsorName,
      total_won: input.pool.total,
      created_by: input.userId,
      created_at: input.now,
    })
    .onConflict((oc) => oc.column("contest_id").doNothing())
    .returning("id")
    .executeTakeFirst();
  if (!pool) throw new AppError("matchingPoolExists", 409);
  const accounts = poolAccountsFor(pool.id);
  await appendEntry(trx, {
    kind: "matching.pool_funded",
    occurredAt: input.now,
    memo: `매칭 기금 출연: ${sponsorName}`,
    refs: { contest: contest.slug, pool: pool.id },
    idempotencyKey: `pool:${pool.id}:funded`,
    lines: [
      { account: accounts.source, amountWon: -input.pool.total },
      { account: accounts.available, amountWon: input.pool.total },
    ],
  });
  return pool.id;
}

export interface NewRules {
  poolId: number;
  userId: number;
  rules: RulesInput;
  now: Date;
}

/** Publishes the next rule version. Earlier versions stay as they were; matches keep theirs. */
export async function publishRules(db: Database, input: NewRules): Promise<number> {
  try {
    return await db.transaction().execute((trx) => publishRulesIn(trx, input));
  } catch (error) {
    if (isCheckViolation(error, "matching_rules_pool_open")) throw new AppError("matchingPoolClosed", 409);
    throw error;
  }
}

export async function publishRulesIn(trx: Tx, input: NewRules): Promise<number> {
  const pool = await lockPool(trx, input.poolId);
  if (!pool) throw new AppError("matchingPoolMissing", 404);
  if (pool.closed_at) throw new AppError("matchingPoolClosed", 409);
  const latest = await trx
    .selectFrom("matching_rule_versions")
    .select((eb) => eb.fn.max("version").as("version"))
    .where("pool_id", "=", pool.id)
    .executeTakeFirst();
  const rules = rulesFromInput(input.rules, (latest?.version ?? 0) + 1);
  await trx
    .insertInto("matching_rule_versions")
    .values({
      pool_id: pool.id,
      version: rules.version,
      factor_bp: rules.factorBp,
      cap_per_pledge_won: rules.capPerPledgeWon,
      cap_per_campaign_won: rules.capPerCampaignWon,
      cap_per_backer_won: rules.capPerBackerWon,
      min_distinct_backers: rules.minDistinctBackers,
      threshold_bp: rules.thresholdBp,
      allocation: rules.allocation,
      published_by: input.userId,
      published_at: input.now,
    })
    .execute();
  return rules.version;
}

/**
 * Closes the round's pool: no new matches, and what is still available goes back to the sponsor,
 * exactly once (row lock + idempotency key), however often or concurrently it is asked.
 * Matches still committed settle as usual; one returned later goes straight to the sponsor.
 */
export async function closePool(db: Database, poolId: number, now: Date): Promise<{ closed: boolean; returnedWon: number }> {
  return db.transaction().execute(async (trx) => {
    const pool = await lockPool(trx, poolId);
    if (!pool) throw new AppError("matchingPoolMissing", 404);
    if (pool.closed_at) return { closed: false, returnedWon: 0 };
    await trx.updateTable("matching_pools").set({ closed_at: now }).where("id", "=", pool.id).execute();
    const accounts = poolAccountsFor(pool.id);
    const leftover = await getBalance(trx, accounts.available.code);
    if (leftover > 0) {
      const contest = await trx.selectFrom("contests").select("slug").where("id", "=", pool.contest_id).executeTakeFirstOrThrow();
      await appendEntry(trx, {
        kind: "matching.leftover_returned",
        occurredAt: now,
        memo: `매칭 기금 잔액 반환: ${pool.sponsor_name}`,
        refs: { contest: contest.slug, pool: pool.id },
        idempotencyKey: `pool:${pool.id}:closed`,
        lines: [
          { account: accounts.available, amountWon: -leftover },
          { account: accounts.returned, amountWon: leftover },
        ],
      });
    }
    return { closed: true, returnedWon: leftover };
  });
}

// ── The money path ───────────────────────────────────────────────────────────────────────────

export interface MatchablePledge {
  id: number;
  campaign_id: number;
  backer_id: number;
  amount_won: number;
  receipt_secret: string;
}

export interface MatchOutcome {
  poolId: number;
  rulesVersion: number;
  matchId: number | null;
  matchWon: number;
  /** What decided the amount; null for a pledge matched before (the same call made twice). */
  limitedBy: MatchLimit | null;
}

async function poolOfCampaign(trx: DbOrTx, campaignId: number) {
  return trx
    .selectFrom("campaigns")
    .innerJoin("matching_pools", "matching_pools.contest_id", "campaigns.contest_id")
    .select(["matching_pools.id as pool_id", "campaigns.slug", "campaigns.state", "campaigns.goal_won", "campaigns.contest_id"])
    .where("campaigns.id", "=", campaignId)
    .executeTakeFirst();
}

/** The rule version in force at `at`: the latest published by then. */
async function rulesInForce(trx: DbOrTx, poolId: number, at: Date): Promise<MatchingRules | null> {
  const row = await trx
    .selectFrom("matching_rule_versions")
    .select(["version", "factor_bp", "cap_per_pledge_won", "cap_per_campaign_won", "cap_per_backer_won", "min_distinct_backers", "threshold_bp", "allocation"])
    .where("pool_id", "=", poolId)
    .where("published_at", "<=", at)
    .orderBy("version", "desc")
    .limit(1)
    .executeTakeFirst();
  return row ? rulesFromRow(row) : null;
}

async function roundCampaignIds(trx: DbOrTx, contestId: number): Promise<number[]> {
  const rows = await trx
    .selectFrom("campaigns")
    .select("id")
    .where("contest_id", "=", contestId)
    .where("state", "in", [...ROUND_CAMPAIGN_STATES])
    .orderBy("id")
    .execute();
  return rows.map((r) => r.id);
}

async function matchedSum(trx: DbOrTx, poolId: number, where: { campaignId: number } | { backerId: number }): Promise<number> {
  let query = trx
    .selectFrom("matches")
    .select(sql<number>`coalesce(sum(amount_won), 0)::bigint`.as("total"))
    .where("pool_id", "=", poolId)
    .where("state", "in", [...LIVE_MATCH_STATES]);
  query = "campaignId" in where ? query.where("campaign_id", "=", where.campaignId) : query.where("backer_id", "=", where.backerId);
  return Number((await query.executeTakeFirstOrThrow()).total);
}

/**
 * Matches a pledge that just became live money for its campaign (saved for all-or-nothing,
 * collected for keep-it-all), inside the caller's transaction and before the caller's own ledger
 * appends. Reads the round's state under the pool's row lock, decides with `computeMatch`,
 * records the match and moves the money available → committed. Null when the campaign has no
 * open pool with published rules; a pledge already matched returns its match unchanged.
 */
export async function matchPledge(trx: Tx, pledge: MatchablePledge, now: Date): Promise<MatchOutcome | null> {
  const target = await poolOfCampaign(trx, pledge.campaign_id);
  if (!target || target.contest_id === null) return null;
  const pool = await lockPool(trx, target.pool_id);
  if (!pool || pool.closed_at || target.state !== "live") return null;
  const existing = await trx.selectFrom("matches").select(["id", "amount_won", "rules_version"]).where("pledge_id", "=", pledge.id).executeTakeFirst();
  if (existing) return { poolId: pool.id, rulesVersion: existing.rules_version, matchId: existing.id, matchWon: existing.amount_won, limitedBy: null };
  const rules = await rulesInForce(trx, pool.id, now);
  if (!rules) return null;

  const others = await trx
    .selectFrom("pledges")
    .select([
      sql<number>`coalesce(sum(amount_won) FILTER (WHERE state IN (${sql.join(UNCHARGED_STATES)})), 0)::bigint`.as("uncharged"),
      sql<number>`count(DISTINCT backer_id)::bigint`.as("backers"),
      sql<number>`count(*) FILTER (WHERE backer_id = ${pledge.backer_id})::bigint`.as("mine"),
    ])
    .where("campaign_id", "=", pledge.campaign_id)
    .where("state", "in", [...BACKING_STATES])
    .where("id", "<>", pledge.id)
    .executeTakeFirstOrThrow();
  // Collected money comes from the ledger (this pledge's own collection is appended after this).
  const collected = (await campaignMoney(trx, [pledge.campaign_id])).get(pledge.campaign_id)?.raisedWon ?? 0;
  let reserveWon: number | undefined;
  if (rules.allocation === "reserved") {
    const campaigns = await roundCampaignIds(trx, pool.contest_id);
    const index = campaigns.indexOf(pledge.campaign_id);
    if (index < 0) return null;
    reserveWon = reserveFor(pool.total_won, campaigns.length, index);
  }
  const decision = computeMatch(rules, {
    pool: { totalWon: pool.total_won, committedWon: pool.committed_won },
    campaign: {
      goalWon: target.goal_won,
      raisedWon: Math.max(0, collected + Number(others.uncharged)),
      distinctBackers: Number(others.backers),
      matchedWon: await matchedSum(trx, pool.id, { campaignId: pledge.campaign_id }),
      reserveWon,
    },
    backer: { matchedWon: await matchedSum(trx, pool.id, { backerId: pledge.backer_id }), isNewToCampaign: Number(others.mine) === 0 },
    pledgeWon: pledge.amount_won,
  });
  if (decision.matchWon <= 0) return { ...decision, poolId: pool.id, rulesVersion: rules.version, matchId: null };

  const match = await trx
    .insertInto("matches")
    .values({
      pool_id: pool.id,
      pledge_id: pledge.id,
      campaign_id: pledge.campaign_id,
      backer_id: pledge.backer_id,
      amount_won: decision.matchWon,
      rules_version: rules.version,
      created_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const accounts = poolAccountsFor(pool.id);
  await appendEntry(trx, {
    kind: "matching.committed",
    occurredAt: now,
    memo: "매칭 기금 약정",
    refs: { campaign: target.slug, pool: pool.id, match: match.id, backer: backerCommitment(pledge.receipt_secret) },
    idempotencyKey: `match:${match.id}:committed`,
    lines: [
      { account: accounts.available, amountWon: -decision.matchWon },
      { account: accounts.committed, amountWon: decision.matchWon },
    ],
  });
  return { ...decision, poolId: pool.id, rulesVersion: rules.version, matchId: match.id };
}

interface MatchToSettle {
  id: number;
  amount_won: number;
  state: "committed" | "released" | "returned";
  campaign_id: number;
  campaign_slug: string;
}

function returnDraft(pool: LockedPool, match: MatchToSettle, now: Date): EntryDraft {
  const accounts = poolAccountsFor(pool.id);
  const from = match.state === "released" ? campaignEscrow(match.campaign_id) : accounts.committed;
  // Once the round is closed, returned matches go straight back to the sponsor.
  const to = pool.closed_at ? accounts.returned : accounts.available;
  return {
    kind: "matching.returned",
    occurredAt: now,
    memo: pool.closed_at ? "매칭 기금 반환 (후원사로)" : "매칭 기금 반환 (기금으로)",
    refs: { campaign: match.campaign_slug, pool: pool.id, match: match.id },
    idempotencyKey: `match:${match.id}:returned`,
    lines: [
      { account: from, amountWon: -match.amount_won },
      { account: to, amountWon: match.amount_won },
    ],
  };
}

function releaseDraft(pool: LockedPool, match: MatchToSettle, now: Date): EntryDraft {
  return {
    kind: "matching.released",
    occurredAt: now,
    memo: "매칭 기금 지급 (캠페인 성공)",
    refs: { campaign: match.campaign_slug, pool: pool.id, match: match.id },
    idempotencyKey: `match:${match.id}:released`,
    lines: [
      { account: poolCommitted(pool.id), amountWon: -match.amount_won },
      { account: campaignEscrow(match.campaign_id), amountWon: match.amount_won },
    ],
  };
}

function lockMatches(trx: Tx, poolId: number, where: { pledgeId: number } | { campaignId: number; states: readonly MatchToSettle["state"][] }) {
  let query = trx
    .selectFrom("matches")
    .innerJoin("campaigns", "campaigns.id", "matches.campaign_id")
    .innerJoin("pledges", "pledges.id", "matches.pledge_id")
    .select(["matches.id", "matches.amount_won", "matches.state", "matches.campaign_id", "campaigns.slug as campaign_slug", "pledges.state as pledge_state"])
    .where("matches.pool_id", "=", poolId)
    .orderBy("matches.id")
    .forUpdate("matches");
  query = "pledgeId" in where ? query.where("matches.pledge_id", "=", where.pledgeId) : query.where("matches.campaign_id", "=", where.campaignId).where("matches.state", "in", [...where.states]);
  return query.execute();
}

/**
 * Gives a pledge's match back (the pledge was cancelled, released uncharged or refunded). Call
 * it before the caller's own ledger appends. Nothing happens when there is no live match.
 */
export async function returnMatchOfPledge(trx: Tx, pledgeId: number, now: Date): Promise<number> {
  const found = await trx.selectFrom("matches").select("pool_id").where("pledge_id", "=", pledgeId).where("state", "<>", "returned").executeTakeFirst();
  if (!found) return 0;
  const pool = await lockPool(trx, found.pool_id);
  if (!pool) return 0;
  const [match] = await lockMatches(trx, pool.id, { pledgeId });
  if (!match || match.state === "returned") return 0;
  await trx.updateTable("matches").set({ state: "returned", resolved_at: now }).where("id", "=", match.id).execute();
  await appendEntry(trx, returnDraft(pool, match, now));
  return match.amount_won;
}

/** What a refund of this pledge takes from the campaign's escrow for its match (0 unless released). */
export async function releasedMatchWon(trx: DbOrTx, pledgeId: number): Promise<number> {
  const row = await trx.selectFrom("matches").select("amount_won").where("pledge_id", "=", pledgeId).where("state", "=", "released").executeTakeFirst();
  return row?.amount_won ?? 0;
}

/**
 * A campaign's outcome for its committed matches: on success, matches of collected pledges are
 * released into the campaign's escrow and the rest returned; on failure or cancellation, all
 * returned. Call it at the end of the closing transaction. Idempotent: only committed matches move.
 */
export async function settleCampaignMatches(trx: Tx, campaignId: number, outcome: "succeeded" | "failed", now: Date): Promise<{ releasedWon: number; returnedWon: number }> {
  const target = await poolOfCampaign(trx, campaignId);
  if (!target) return { releasedWon: 0, returnedWon: 0 };
  const pool = await lockPool(trx, target.pool_id);
  if (!pool) return { releasedWon: 0, returnedWon: 0 };
  const matches = await lockMatches(trx, pool.id, { campaignId, states: ["committed"] });
  if (matches.length === 0) return { releasedWon: 0, returnedWon: 0 };
  const release = matches.filter((m) => outcome === "succeeded" && m.pledge_state === "collected");
  const giveBack = matches.filter((m) => !release.includes(m));
  if (release.length > 0) {
    await trx
      .updateTable("matches")
      .set({ state: "released", resolved_at: now })
      .where(
        "id",
        "in",
        release.map((m) => m.id),
      )
      .execute();
  }
  if (giveBack.length > 0) {
    await trx
      .updateTable("matches")
      .set({ state: "returned", resolved_at: now })
      .where(
        "id",
        "in",
        giveBack.map((m) => m.id),
      )
      .execute();
  }
  await appendEntries(trx, [...release.map((m) => releaseDraft(pool, m, now)), ...giveBack.map((m) => returnDraft(pool, m, now))]);
  const sum = (list: MatchToSettle[]) => list.reduce((total, m) => total + m.amount_won, 0);
  return { releasedWon: sum(release), returnedWon: sum(giveBack) };
}

// ── Reading ──────────────────────────────────────────────────────────────────────────────────

export interface PoolFigures {
  totalWon: number;
  /** What new matches can still draw (0 once the round is closed). */
  remainingWon: number;
  committedWon: number;
  releasedWon: number;
  returnedToSponsorWon: number;
}

export async function getPool(db: DbOrTx, contestId: number) {
  const pool = await db
    .selectFrom("matching_pools")
    .select(["id", "contest_id", "sponsor_kind", "sponsor_name", "total_won", "committed_won", "created_at", "closed_at"])
    .where("contest_id", "=", contestId)
    .executeTakeFirst();
  if (!pool) return null;
  const [versions, byState, returnedWon] = await Promise.all([
    db
      .selectFrom("matching_rule_versions")
      .select(["version", "factor_bp", "cap_per_pledge_won", "cap_per_campaign_won", "cap_per_backer_won", "min_distinct_backers", "threshold_bp", "allocation", "published_at"])
      .where("pool_id", "=", pool.id)
      .orderBy("version", "desc")
      .execute(),
    db
      .selectFrom("matches")
      .select(["state", sql<number>`sum(amount_won)::bigint`.as("total"), sql<number>`count(*)::bigint`.as("n")])
      .where("pool_id", "=", pool.id)
      .groupBy("state")
      .execute(),
    getBalance(db, poolReturned(pool.id).code),
  ]);
  const sumOf = (state: string) => Number(byState.find((r) => r.state === state)?.total ?? 0);
  const figures: PoolFigures = {
    totalWon: pool.total_won,
    remainingWon: pool.closed_at ? 0 : pool.total_won - pool.committed_won,
    committedWon: sumOf("committed"),
    releasedWon: sumOf("released"),
    returnedToSponsorWon: returnedWon,
  };
  return { ...pool, versions: versions.map((v) => ({ ...v, rules: rulesFromRow(v) })), figures };
}

export type PoolView = NonNullable<Awaited<ReturnType<typeof getPool>>>;

export interface CampaignMatching {
  /** Live matches: committed (waiting for the outcome) plus released (in the campaign's escrow). */
  matchedWon: number;
  committedWon: number;
  releasedWon: number;
}

/** Matches per campaign, from the matches table (the ledger holds the same sums by account). */
export async function campaignMatching(db: DbOrTx, campaignIds: readonly number[]): Promise<Map<number, CampaignMatching>> {
  const result = new Map<number, CampaignMatching>(campaignIds.map((id) => [id, { matchedWon: 0, committedWon: 0, releasedWon: 0 }]));
  if (campaignIds.length === 0) return result;
  const rows = await db
    .selectFrom("matches")
    .select([
      "campaign_id",
      sql<number>`coalesce(sum(amount_won) FILTER (WHERE state = 'committed'), 0)::bigint`.as("committed"),
      sql<number>`coalesce(sum(amount_won) FILTER (WHERE state = 'released'), 0)::bigint`.as("released"),
    ])
    .where("campaign_id", "in", [...campaignIds])
    .groupBy("campaign_id")
    .execute();
  for (const row of rows) {
    const committed = Number(row.committed);
    const released = Number(row.released);
    result.set(row.campaign_id, { committedWon: committed, releasedWon: released, matchedWon: committed + released });
  }
  return result;
}

/** What a campaign page shows about its round's pool; null when the campaign has none. */
export async function campaignPoolPanel(db: DbOrTx, campaignId: number, now: Date) {
  const target = await poolOfCampaign(db, campaignId);
  if (!target || target.contest_id === null) return null;
  const pool = await db
    .selectFrom("matching_pools")
    .innerJoin("contests", "contests.id", "matching_pools.contest_id")
    .select(["matching_pools.id", "matching_pools.sponsor_name", "matching_pools.total_won", "matching_pools.committed_won", "matching_pools.closed_at", "contests.slug as contest_slug"])
    .where("matching_pools.id", "=", target.pool_id)
    .executeTakeFirstOrThrow();
  const [rules, matched] = await Promise.all([rulesInForce(db, pool.id, now), campaignMatching(db, [campaignId])]);
  let reserveLeftWon: number | null = null;
  if (rules?.allocation === "reserved") {
    const campaigns = await roundCampaignIds(db, target.contest_id);
    const index = campaigns.indexOf(campaignId);
    if (index >= 0) reserveLeftWon = Math.max(0, reserveFor(pool.total_won, campaigns.length, index) - (matched.get(campaignId)?.matchedWon ?? 0));
  }
  const remainingWon = pool.closed_at ? 0 : pool.total_won - pool.committed_won;
  return {
    contestSlug: pool.contest_slug,
    sponsorName: pool.sponsor_name,
    totalWon: pool.total_won,
    remainingWon,
    reserveLeftWon: reserveLeftWon === null ? null : Math.min(reserveLeftWon, remainingWon),
    closed: pool.closed_at !== null,
    rules,
    matching: matched.get(campaignId) ?? { matchedWon: 0, committedWon: 0, releasedWon: 0 },
  };
}

export type CampaignPoolPanel = NonNullable<Awaited<ReturnType<typeof campaignPoolPanel>>>;

/**
 * What the pledge form needs to estimate "your pledge would be matched by about X" in the
 * browser for any amount: the rules in force and the round's state now (read without a lock,
 * so it is an estimate; the real match is decided under the lock when the pledge is made).
 */
export async function matchEstimateContext(db: DbOrTx, campaignId: number, backerId: number, now: Date) {
  const target = await poolOfCampaign(db, campaignId);
  if (!target || target.contest_id === null || target.state !== "live") return null;
  const pool = await db.selectFrom("matching_pools").select(["id", "total_won", "committed_won", "closed_at"]).where("id", "=", target.pool_id).executeTakeFirstOrThrow();
  if (pool.closed_at) return null;
  const rules = await rulesInForce(db, pool.id, now);
  if (!rules) return null;
  const pledges = await db
    .selectFrom("pledges")
    .select([
      sql<number>`coalesce(sum(amount_won) FILTER (WHERE state IN (${sql.join(UNCHARGED_STATES)})), 0)::bigint`.as("uncharged"),
      sql<number>`count(DISTINCT backer_id)::bigint`.as("backers"),
      sql<number>`count(*) FILTER (WHERE backer_id = ${backerId})::bigint`.as("mine"),
    ])
    .where("campaign_id", "=", campaignId)
    .where("state", "in", [...BACKING_STATES])
    .executeTakeFirstOrThrow();
  const collected = (await campaignMoney(db, [campaignId])).get(campaignId)?.raisedWon ?? 0;
  let reserveWon: number | undefined;
  if (rules.allocation === "reserved") {
    const campaigns = await roundCampaignIds(db, target.contest_id);
    const index = campaigns.indexOf(campaignId);
    if (index < 0) return null;
    reserveWon = reserveFor(pool.total_won, campaigns.length, index);
  }
  return {
    rules,
    pool: { totalWon: pool.total_won, committedWon: pool.committed_won },
    campaign: {
      goalWon: target.goal_won,
      raisedWon: Math.max(0, collected + Number(pledges.uncharged)),
      distinctBackers: Number(pledges.backers),
      matchedWon: await matchedSum(db, pool.id, { campaignId }),
      reserveWon,
    },
    backer: { matchedWon: await matchedSum(db, pool.id, { backerId }), isNewToCampaign: Number(pledges.mine) === 0 },
  };
}

export type MatchEstimateContext = NonNullable<Awaited<ReturnType<typeof matchEstimateContext>>>;

/** A pledge's match, for its backer's receipt page. */
export async function matchOfPledge(db: DbOrTx, pledgeId: number) {
  return db
    .selectFrom("matches")
    .innerJoin("matching_pools", "matching_pools.id", "matches.pool_id")
    .innerJoin("contests", "contests.id", "matching_pools.contest_id")
    .select(["matches.amount_won", "matches.state", "matches.rules_version", "matches.created_at", "matching_pools.sponsor_name", "contests.slug as contest_slug"])
    .where("matches.pledge_id", "=", pledgeId)
    .executeTakeFirst();
}

/** Per campaign of the round: what the pool has matched so far, for the public round page. */
export async function roundCampaignMatches(db: DbOrTx, contestId: number) {
  const campaigns = await db
    .selectFrom("campaigns")
    .select(["id", "slug", "title", "state", "goal_won"])
    .where("contest_id", "=", contestId)
    .where("state", "in", [...ROUND_CAMPAIGN_STATES])
    .orderBy("id")
    .execute();
  const matched = await campaignMatching(
    db,
    campaigns.map((c) => c.id),
  );
  return campaigns.map((c) => ({ ...c, matching: matched.get(c.id) ?? { matchedWon: 0, committedWon: 0, releasedWon: 0 } }));
}

// ── Simulation ───────────────────────────────────────────────────────────────────────────────

export interface SimulatedCampaign {
  id: number;
  slug: string;
  title: string;
  goalWon: number;
  pledges: number;
  pledgedWon: number;
  /** What the round's real matches hold for the campaign now. */
  actualMatchedWon: number;
  simulatedMatchedWon: number;
  /** How many pledges each limit decided. */
  limits: Partial<Record<MatchLimit, number>>;
  /** The limit that decided the most pledges (the latest one on a tie), null without pledges. */
  bindingLimit: MatchLimit | null;
}

/**
 * Replays the round's live pledges, in the order they were made, through `rules` with a pool of
 * `poolWon`. Reads only: nothing is written, whatever the rules.
 */
export async function simulateCurrentPledges(db: DbOrTx, contestId: number, rules: MatchingRules, poolWon: number) {
  const campaigns = await roundCampaignMatches(db, contestId);
  const pledges =
    campaigns.length === 0
      ? []
      : await db
          .selectFrom("pledges")
          .select(["id", "campaign_id", "backer_id", "amount_won"])
          .where(
            "campaign_id",
            "in",
            campaigns.map((c) => c.id),
          )
          .where("state", "in", [...BACKING_STATES])
          .orderBy("created_at")
          .orderBy("id")
          .execute();
  const events: SimEvent[] = pledges.map((p) => ({ kind: "pledge", campaignId: p.campaign_id, backerId: p.backer_id, amountWon: p.amount_won }));
  const result = simulateRound(
    rules,
    poolWon,
    campaigns.map((c) => ({ id: c.id, goalWon: c.goal_won })),
    events,
  );
  const rows: SimulatedCampaign[] = campaigns.map((c) => {
    const mine = result.pledges.filter((p) => p.campaignId === c.id);
    const limits: Partial<Record<MatchLimit, number>> = {};
    let bindingLimit: MatchLimit | null = null;
    for (const p of mine) {
      limits[p.limitedBy] = (limits[p.limitedBy] ?? 0) + 1;
      if (bindingLimit === null || (limits[p.limitedBy] ?? 0) >= (limits[bindingLimit] ?? 0)) bindingLimit = p.limitedBy;
    }
    return {
      id: c.id,
      slug: c.slug,
      title: c.title,
      goalWon: c.goal_won,
      pledges: mine.length,
      pledgedWon: mine.reduce((sum, p) => sum + p.amountWon, 0),
      actualMatchedWon: c.matching.matchedWon,
      simulatedMatchedWon: result.matchedByCampaign.get(c.id) ?? 0,
      limits,
      bindingLimit,
    };
  });
  return { campaigns: rows, committedWon: result.committedWon, poolWon };
}
