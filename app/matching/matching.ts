// Matching funds (matchfunding): how much of a sponsor's pool one pledge draws. Pure, integer won.
//
// Call `computeMatch` inside the pledge transaction with the state read under a lock on the
// pool row (SELECT … FOR UPDATE), commit the returned amount in the ledger in the same
// transaction, and concurrent pledges can never over-commit the pool or any cap.

export const ALLOCATION_MODES = ["first_come", "reserved"] as const;
export type AllocationMode = (typeof ALLOCATION_MODES)[number];

/** 10_000 bp = 1:1. */
export const FACTOR_ONE_TO_ONE_BP = 10_000;
export const MAX_FACTOR_BP = 100_000;

/** Published and versioned: a change is a new version; matches keep the version they were made under. */
export interface MatchingRules {
  version: number;
  /** Match per won pledged, in basis points (10_000 = 1:1, 5_000 = 1:0.5). */
  factorBp: number;
  capPerPledgeWon: number | null;
  capPerCampaignWon: number | null;
  /** Across the whole round, counted per verified person (not per account). */
  capPerBackerWon: number | null;
  /** Matching starts once the campaign has this many distinct backers (this pledge's backer included). */
  minDistinctBackers: number;
  /** Matching starts once the campaign's raised total (this pledge included) reaches this share of its goal. */
  thresholdBp: number;
  allocation: AllocationMode;
}

export interface MatchingState {
  pool: {
    /** What the sponsor committed to the round. */
    totalWon: number;
    /** Σ live matches across the round (made, not returned). */
    committedWon: number;
  };
  campaign: {
    goalWon: number;
    /** Σ live pledges before this one. */
    raisedWon: number;
    /** Distinct verified persons with a live pledge, before this one. */
    distinctBackers: number;
    /** Σ live matches on this campaign. */
    matchedWon: number;
    /** This campaign's reserve (`reserveFor`); required when allocation is "reserved". */
    reserveWon?: number;
  };
  backer: {
    /** Σ live matches this verified person has drawn in the round. */
    matchedWon: number;
    /** true when this person has no live pledge on the campaign yet. */
    isNewToCampaign: boolean;
  };
  pledgeWon: number;
}

/** What decided the amount: the factor alone, a cap, the pool or reserve, or a start condition. */
export type MatchLimit = "factor" | "pledgeCap" | "campaignCap" | "backerCap" | "reserve" | "pool" | "minBackers" | "threshold";

export interface MatchDecision {
  matchWon: number;
  limitedBy: MatchLimit;
}

function isWon(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}

function isOptionalCap(value: number | null): boolean {
  return value === null || (Number.isSafeInteger(value) && value >= 1);
}

export type RulesProblem = "version" | "factor" | "caps" | "minBackers" | "threshold" | "allocation";

export function validateMatchingRules(rules: MatchingRules): RulesProblem[] {
  const problems: RulesProblem[] = [];
  if (!Number.isInteger(rules.version) || rules.version < 1) problems.push("version");
  if (!Number.isInteger(rules.factorBp) || rules.factorBp < 1 || rules.factorBp > MAX_FACTOR_BP) problems.push("factor");
  if (![rules.capPerPledgeWon, rules.capPerCampaignWon, rules.capPerBackerWon].every(isOptionalCap)) problems.push("caps");
  if (!Number.isInteger(rules.minDistinctBackers) || rules.minDistinctBackers < 0 || rules.minDistinctBackers > 100_000) problems.push("minBackers");
  if (!Number.isInteger(rules.thresholdBp) || rules.thresholdBp < 0 || rules.thresholdBp > 10_000) problems.push("threshold");
  if (!ALLOCATION_MODES.includes(rules.allocation)) problems.push("allocation");
  return problems;
}

/**
 * Each campaign's equal share of the pool in "reserved" mode. The won left over by the division
 * go one each to the first campaigns (by index), so the reserves sum to the pool exactly.
 */
export function reserveFor(poolWon: number, campaignCount: number, campaignIndex: number): number {
  if (!isWon(poolWon) || !Number.isSafeInteger(campaignCount) || campaignCount < 1) throw new RangeError("bad pool or campaign count");
  if (!Number.isSafeInteger(campaignIndex) || campaignIndex < 0 || campaignIndex >= campaignCount) throw new RangeError("bad campaign index");
  const base = Math.floor(poolWon / campaignCount);
  return base + (campaignIndex < poolWon % campaignCount ? 1 : 0);
}

/** floor(pledge × factor), exactly. */
export function factorMatch(pledgeWon: number, factorBp: number): number {
  return Number((BigInt(pledgeWon) * BigInt(factorBp)) / BigInt(FACTOR_ONE_TO_ONE_BP));
}

function assertState(state: MatchingState): void {
  const { pool, campaign, backer, pledgeWon } = state;
  const amounts = [pool.totalWon, pool.committedWon, campaign.goalWon, campaign.raisedWon, campaign.distinctBackers, campaign.matchedWon, backer.matchedWon];
  if (!amounts.every(isWon) || !Number.isSafeInteger(pledgeWon) || pledgeWon < 1) throw new RangeError("matching state holds a bad amount");
  if (pool.committedWon > pool.totalWon) throw new RangeError("pool is over-committed");
  if (campaign.reserveWon !== undefined && !isWon(campaign.reserveWon)) throw new RangeError("bad reserve");
}

/** How much this pledge is matched, and what decided it. Never more than any cap, reserve or the pool. */
export function computeMatch(rules: MatchingRules, state: MatchingState): MatchDecision {
  if (validateMatchingRules(rules).length > 0) throw new RangeError("invalid matching rules");
  assertState(state);
  const { pool, campaign, backer, pledgeWon } = state;

  const backersAfter = campaign.distinctBackers + (backer.isNewToCampaign ? 1 : 0);
  if (backersAfter < rules.minDistinctBackers) return { matchWon: 0, limitedBy: "minBackers" };
  const raisedAfter = BigInt(campaign.raisedWon) + BigInt(pledgeWon);
  if (raisedAfter * 10_000n < BigInt(rules.thresholdBp) * BigInt(campaign.goalWon)) return { matchWon: 0, limitedBy: "threshold" };

  const bounds: [MatchLimit, number][] = [["factor", factorMatch(pledgeWon, rules.factorBp)]];
  if (rules.capPerPledgeWon !== null) bounds.push(["pledgeCap", rules.capPerPledgeWon]);
  if (rules.capPerCampaignWon !== null) bounds.push(["campaignCap", rules.capPerCampaignWon - campaign.matchedWon]);
  if (rules.capPerBackerWon !== null) bounds.push(["backerCap", rules.capPerBackerWon - backer.matchedWon]);
  if (rules.allocation === "reserved") {
    if (campaign.reserveWon === undefined) throw new RangeError("reserved allocation needs the campaign's reserve");
    bounds.push(["reserve", campaign.reserveWon - campaign.matchedWon]);
  }
  bounds.push(["pool", pool.totalWon - pool.committedWon]);

  // The first bound reaching the minimum names the reason, so "factor" wins a tie with a cap.
  let [limitedBy, matchWon] = bounds[0] as [MatchLimit, number];
  for (const [limit, value] of bounds) {
    if (value < matchWon) [limitedBy, matchWon] = [limit, value];
  }
  return { matchWon: Math.max(0, matchWon), limitedBy };
}

// ── Simulation: the same rules over a sequence of pledges and cancellations ──────────────────
// Used by the simulator page ("what would these rules do to the current pledges") and by the
// property tests, which check the invariants over random sequences.

export interface SimCampaign {
  id: number;
  goalWon: number;
}

export type SimEvent = { kind: "pledge"; campaignId: number; backerId: number; amountWon: number } | { kind: "cancel"; pledgeIndex: number };

export interface SimPledge {
  campaignId: number;
  backerId: number;
  amountWon: number;
  matchWon: number;
  limitedBy: MatchLimit;
  live: boolean;
}

export interface SimResult {
  pledges: SimPledge[];
  committedWon: number;
  matchedByCampaign: Map<number, number>;
  matchedByBacker: Map<number, number>;
  raisedByCampaign: Map<number, number>;
}

/** Runs events in order. A cancelled (refunded) pledge returns its match to the pool. */
export function simulateRound(rules: MatchingRules, poolWon: number, campaigns: SimCampaign[], events: SimEvent[]): SimResult {
  const index = new Map(campaigns.map((c, i) => [c.id, i]));
  const result: SimResult = { pledges: [], committedWon: 0, matchedByCampaign: new Map(), matchedByBacker: new Map(), raisedByCampaign: new Map() };
  const livePledgesOf = new Map<string, number>();
  const backersOf = new Map<number, number>();
  const bump = (map: Map<number, number>, key: number, delta: number) => map.set(key, (map.get(key) ?? 0) + delta);

  for (const event of events) {
    if (event.kind === "pledge") {
      const campaignIndex = index.get(event.campaignId);
      const campaign = campaignIndex === undefined ? undefined : campaigns[campaignIndex];
      if (campaign === undefined || campaignIndex === undefined) throw new RangeError(`unknown campaign ${event.campaignId}`);
      const key = `${event.campaignId}:${event.backerId}`;
      const decision = computeMatch(rules, {
        pool: { totalWon: poolWon, committedWon: result.committedWon },
        campaign: {
          goalWon: campaign.goalWon,
          raisedWon: result.raisedByCampaign.get(campaign.id) ?? 0,
          distinctBackers: backersOf.get(campaign.id) ?? 0,
          matchedWon: result.matchedByCampaign.get(campaign.id) ?? 0,
          reserveWon: rules.allocation === "reserved" ? reserveFor(poolWon, campaigns.length, campaignIndex) : undefined,
        },
        backer: { matchedWon: result.matchedByBacker.get(event.backerId) ?? 0, isNewToCampaign: (livePledgesOf.get(key) ?? 0) === 0 },
        pledgeWon: event.amountWon,
      });
      if ((livePledgesOf.get(key) ?? 0) === 0) bump(backersOf, campaign.id, 1);
      livePledgesOf.set(key, (livePledgesOf.get(key) ?? 0) + 1);
      bump(result.raisedByCampaign, campaign.id, event.amountWon);
      bump(result.matchedByCampaign, campaign.id, decision.matchWon);
      bump(result.matchedByBacker, event.backerId, decision.matchWon);
      result.committedWon += decision.matchWon;
      result.pledges.push({ ...event, matchWon: decision.matchWon, limitedBy: decision.limitedBy, live: true });
    } else {
      const pledge = result.pledges[event.pledgeIndex];
      if (!pledge || !pledge.live) continue;
      pledge.live = false;
      const key = `${pledge.campaignId}:${pledge.backerId}`;
      const remaining = (livePledgesOf.get(key) ?? 1) - 1;
      livePledgesOf.set(key, remaining);
      if (remaining === 0) bump(backersOf, pledge.campaignId, -1);
      bump(result.raisedByCampaign, pledge.campaignId, -pledge.amountWon);
      bump(result.matchedByCampaign, pledge.campaignId, -pledge.matchWon);
      bump(result.matchedByBacker, pledge.backerId, -pledge.matchWon);
      result.committedWon -= pledge.matchWon;
    }
  }
  return result;
}
