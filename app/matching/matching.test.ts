import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeMatch, factorMatch, reserveFor, simulateRound, validateMatchingRules, type MatchingRules, type MatchingState, type SimEvent } from "./matching";

// Randomised tests print their seed; re-run one with FC_SEED=<seed>.
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 2 ** 31);
console.log(`matching.test.ts fast-check seed: ${seed} (re-run with FC_SEED=${seed})`);
const fcOptions = { seed, numRuns: 300 };

const oneToOne: MatchingRules = {
  version: 1,
  factorBp: 10_000,
  capPerPledgeWon: null,
  capPerCampaignWon: null,
  capPerBackerWon: null,
  minDistinctBackers: 0,
  thresholdBp: 0,
  allocation: "first_come",
};

function state(overrides: { pool?: Partial<MatchingState["pool"]>; campaign?: Partial<MatchingState["campaign"]>; backer?: Partial<MatchingState["backer"]>; pledgeWon?: number } = {}): MatchingState {
  return {
    pool: { totalWon: 10_000_000, committedWon: 0, ...overrides.pool },
    campaign: { goalWon: 1_000_000, raisedWon: 0, distinctBackers: 0, matchedWon: 0, ...overrides.campaign },
    backer: { matchedWon: 0, isNewToCampaign: true, ...overrides.backer },
    pledgeWon: overrides.pledgeWon ?? 50_000,
  };
}

describe("computeMatch", () => {
  it("matches 1:1 and by other factors, truncating to the won", () => {
    expect(computeMatch(oneToOne, state())).toEqual({ matchWon: 50_000, limitedBy: "factor" });
    expect(computeMatch({ ...oneToOne, factorBp: 5_000 }, state({ pledgeWon: 33_333 }))).toEqual({ matchWon: 16_666, limitedBy: "factor" });
    expect(computeMatch({ ...oneToOne, factorBp: 20_000 }, state({ pledgeWon: 10_001 }))).toEqual({ matchWon: 20_002, limitedBy: "factor" });
    expect(factorMatch(9_999_999_999, 100_000)).toBe(99_999_999_990);
  });

  it("caps each pledge", () => {
    expect(computeMatch({ ...oneToOne, capPerPledgeWon: 30_000 }, state())).toEqual({ matchWon: 30_000, limitedBy: "pledgeCap" });
    expect(computeMatch({ ...oneToOne, capPerPledgeWon: 50_000 }, state())).toEqual({ matchWon: 50_000, limitedBy: "factor" });
  });

  it("caps each campaign, counting what it already drew", () => {
    const rules = { ...oneToOne, capPerCampaignWon: 200_000 };
    expect(computeMatch(rules, state({ campaign: { matchedWon: 180_000 } }))).toEqual({ matchWon: 20_000, limitedBy: "campaignCap" });
    expect(computeMatch(rules, state({ campaign: { matchedWon: 200_000 } }))).toEqual({ matchWon: 0, limitedBy: "campaignCap" });
  });

  it("caps each backer across the round", () => {
    const rules = { ...oneToOne, capPerBackerWon: 100_000 };
    expect(computeMatch(rules, state({ backer: { matchedWon: 70_000 } }))).toEqual({ matchWon: 30_000, limitedBy: "backerCap" });
    expect(computeMatch(rules, state({ backer: { matchedWon: 100_000 } }))).toEqual({ matchWon: 0, limitedBy: "backerCap" });
  });

  it("starts only once the campaign has the minimum distinct backers, this pledge's backer included", () => {
    const rules = { ...oneToOne, minDistinctBackers: 3 };
    expect(computeMatch(rules, state({ campaign: { distinctBackers: 1 } }))).toEqual({ matchWon: 0, limitedBy: "minBackers" });
    expect(computeMatch(rules, state({ campaign: { distinctBackers: 2 } })).matchWon).toBe(50_000);
    // A second pledge by someone already counted does not make a new backer.
    expect(computeMatch(rules, state({ campaign: { distinctBackers: 2 }, backer: { isNewToCampaign: false } }))).toEqual({ matchWon: 0, limitedBy: "minBackers" });
  });

  it("starts only once the raised total (this pledge included) reaches the threshold of the goal", () => {
    const rules = { ...oneToOne, thresholdBp: 3_000 };
    // Goal 1,000,000: 30 % is 300,000.
    expect(computeMatch(rules, state({ campaign: { raisedWon: 249_999 } }))).toEqual({ matchWon: 0, limitedBy: "threshold" });
    expect(computeMatch(rules, state({ campaign: { raisedWon: 250_000 } })).matchWon).toBe(50_000);
    expect(computeMatch({ ...rules, thresholdBp: 10_000 }, state({ campaign: { raisedWon: 950_000 } })).matchWon).toBe(50_000);
  });

  it("gives the last match only what is left of the pool, then nothing", () => {
    expect(computeMatch(oneToOne, state({ pool: { totalWon: 1_000_000, committedWon: 980_000 } }))).toEqual({ matchWon: 20_000, limitedBy: "pool" });
    expect(computeMatch(oneToOne, state({ pool: { totalWon: 1_000_000, committedWon: 1_000_000 } }))).toEqual({ matchWon: 0, limitedBy: "pool" });
  });

  it("in reserved mode draws only on the campaign's own reserve", () => {
    const rules: MatchingRules = { ...oneToOne, allocation: "reserved" };
    expect(computeMatch(rules, state({ campaign: { reserveWon: 300_000, matchedWon: 290_000 } }))).toEqual({ matchWon: 10_000, limitedBy: "reserve" });
    expect(computeMatch(rules, state({ campaign: { reserveWon: 300_000, matchedWon: 300_000 } }))).toEqual({ matchWon: 0, limitedBy: "reserve" });
    expect(() => computeMatch(rules, state())).toThrow(RangeError);
  });

  it("names the tightest limit when several apply", () => {
    const rules: MatchingRules = { ...oneToOne, capPerPledgeWon: 40_000, capPerCampaignWon: 100_000, capPerBackerWon: 60_000 };
    expect(computeMatch(rules, state({ campaign: { matchedWon: 75_000 } }))).toEqual({ matchWon: 25_000, limitedBy: "campaignCap" });
    expect(computeMatch(rules, state({ backer: { matchedWon: 35_000 } }))).toEqual({ matchWon: 25_000, limitedBy: "backerCap" });
    expect(computeMatch(rules, state({ pool: { totalWon: 100, committedWon: 90 } }))).toEqual({ matchWon: 10, limitedBy: "pool" });
  });

  it("refuses impossible state and rules instead of guessing", () => {
    expect(() => computeMatch(oneToOne, state({ pool: { totalWon: 10, committedWon: 11 } }))).toThrow(RangeError);
    expect(() => computeMatch(oneToOne, state({ pledgeWon: 0 }))).toThrow(RangeError);
    expect(() => computeMatch(oneToOne, state({ pledgeWon: 1.5 }))).toThrow(RangeError);
    expect(() => computeMatch({ ...oneToOne, factorBp: 0 }, state())).toThrow(RangeError);
    expect(validateMatchingRules({ ...oneToOne, version: 0, factorBp: 200_000, capPerPledgeWon: 0, minDistinctBackers: -1, thresholdBp: 10_001, allocation: "random" as "first_come" })).toEqual([
      "version",
      "factor",
      "caps",
      "minBackers",
      "threshold",
      "allocation",
    ]);
  });
});

describe("reserveFor", () => {
  it("splits the pool equally with the leftover won going to the first campaigns", () => {
    expect([0, 1, 2].map((i) => reserveFor(10_000_000, 3, i))).toEqual([3_333_334, 3_333_333, 3_333_333]);
    expect(() => reserveFor(100, 3, 3)).toThrow(RangeError);
  });

  it("always sums to the pool", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_000 }), fc.integer({ min: 1, max: 50 }), (pool, n) => {
        const reserves = Array.from({ length: n }, (_, i) => reserveFor(pool, n, i));
        expect(reserves.reduce((a, b) => a + b, 0)).toBe(pool);
        expect(Math.max(...reserves) - Math.min(...reserves)).toBeLessThanOrEqual(1);
      }),
      fcOptions,
    );
  });
});

describe("simulateRound", () => {
  const campaigns = [
    { id: 1, goalWon: 1_000_000 },
    { id: 2, goalWon: 2_000_000 },
  ];

  it("exhausts the pool with a partial last match, and a refund gives the match back", () => {
    const events: SimEvent[] = [
      { kind: "pledge", campaignId: 1, backerId: 1, amountWon: 60_000 },
      { kind: "pledge", campaignId: 2, backerId: 2, amountWon: 30_000 },
      { kind: "pledge", campaignId: 1, backerId: 3, amountWon: 50_000 },
      { kind: "pledge", campaignId: 2, backerId: 4, amountWon: 50_000 },
    ];
    const first = simulateRound(oneToOne, 100_000, campaigns, events);
    expect(first.pledges.map((p) => [p.matchWon, p.limitedBy])).toEqual([
      [60_000, "factor"],
      [30_000, "factor"],
      [10_000, "pool"],
      [0, "pool"],
    ]);
    expect(first.committedWon).toBe(100_000);
    const refunded = simulateRound(oneToOne, 100_000, campaigns, [...events, { kind: "cancel", pledgeIndex: 0 }, { kind: "pledge", campaignId: 2, backerId: 5, amountWon: 70_000 }]);
    expect(refunded.pledges[4]?.matchWon).toBe(60_000);
    expect(refunded.committedWon).toBe(100_000);
    expect(refunded.matchedByCampaign.get(1)).toBe(10_000);
  });

  it("in reserved mode a busy campaign cannot take another campaign's share", () => {
    const rules: MatchingRules = { ...oneToOne, allocation: "reserved" };
    const events: SimEvent[] = [
      { kind: "pledge", campaignId: 1, backerId: 1, amountWon: 80_000 },
      { kind: "pledge", campaignId: 1, backerId: 2, amountWon: 80_000 },
      { kind: "pledge", campaignId: 2, backerId: 3, amountWon: 80_000 },
    ];
    const result = simulateRound(rules, 100_000, campaigns, events);
    expect(result.pledges.map((p) => p.matchWon)).toEqual([50_000, 0, 50_000]);
  });

  it("counts distinct backers again after a cancellation", () => {
    const rules = { ...oneToOne, minDistinctBackers: 2 };
    const result = simulateRound(rules, 1_000_000, campaigns, [
      { kind: "pledge", campaignId: 1, backerId: 1, amountWon: 10_000 },
      { kind: "cancel", pledgeIndex: 0 },
      { kind: "pledge", campaignId: 1, backerId: 2, amountWon: 10_000 },
      { kind: "pledge", campaignId: 1, backerId: 3, amountWon: 10_000 },
    ]);
    expect(result.pledges.map((p) => p.matchWon)).toEqual([0, 0, 10_000]);
  });
});

const rulesArb: fc.Arbitrary<MatchingRules> = fc.record({
  version: fc.integer({ min: 1, max: 5 }),
  factorBp: fc.oneof(fc.constant(10_000), fc.integer({ min: 1, max: 100_000 })),
  capPerPledgeWon: fc.option(fc.integer({ min: 1, max: 200_000 })),
  capPerCampaignWon: fc.option(fc.integer({ min: 1, max: 1_000_000 })),
  capPerBackerWon: fc.option(fc.integer({ min: 1, max: 300_000 })),
  minDistinctBackers: fc.integer({ min: 0, max: 5 }),
  thresholdBp: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 10_000 })),
  allocation: fc.constantFrom("first_come" as const, "reserved" as const),
});

const roundArb = fc
  .record({
    rules: rulesArb,
    poolWon: fc.integer({ min: 0, max: 3_000_000 }),
    goals: fc.array(fc.integer({ min: 10_000, max: 5_000_000 }), { minLength: 1, maxLength: 5 }),
    raw: fc.array(
      fc.oneof(
        { weight: 5, arbitrary: fc.record({ kind: fc.constant("pledge" as const), c: fc.nat(), backerId: fc.integer({ min: 1, max: 8 }), amountWon: fc.integer({ min: 1, max: 500_000 }) }) },
        { weight: 1, arbitrary: fc.record({ kind: fc.constant("cancel" as const), pledgeIndex: fc.nat(60) }) },
      ),
      { maxLength: 60 },
    ),
  })
  .map(({ rules, poolWon, goals, raw }) => {
    const campaigns = goals.map((goalWon, i) => ({ id: i + 1, goalWon }));
    const events: SimEvent[] = raw.map((e) => (e.kind === "pledge" ? { kind: "pledge", campaignId: (e.c % campaigns.length) + 1, backerId: e.backerId, amountWon: e.amountWon } : e));
    return { rules, poolWon, campaigns, events };
  });

describe("matching invariants over random rounds", () => {
  it("never lets the pool go negative, Σ matches ≤ pool, and no cap or reserve is ever exceeded", () => {
    fc.assert(
      fc.property(roundArb, ({ rules, poolWon, campaigns, events }) => {
        // Replay step by step so every intermediate state is checked, not only the end.
        for (let n = 1; n <= events.length; n++) {
          const result = simulateRound(rules, poolWon, campaigns, events.slice(0, n));
          const live = result.pledges.filter((p) => p.live);
          const liveMatches = live.reduce((sum, p) => sum + p.matchWon, 0);
          expect(result.committedWon).toBe(liveMatches);
          expect(result.committedWon).toBeGreaterThanOrEqual(0);
          expect(result.committedWon).toBeLessThanOrEqual(poolWon);
          for (const p of result.pledges) {
            expect(p.matchWon).toBeGreaterThanOrEqual(0);
            expect(Number.isSafeInteger(p.matchWon)).toBe(true);
            expect(p.matchWon).toBeLessThanOrEqual(factorMatch(p.amountWon, rules.factorBp));
            if (rules.capPerPledgeWon !== null) expect(p.matchWon).toBeLessThanOrEqual(rules.capPerPledgeWon);
          }
          campaigns.forEach((c, i) => {
            const matched = result.matchedByCampaign.get(c.id) ?? 0;
            if (rules.capPerCampaignWon !== null) expect(matched).toBeLessThanOrEqual(rules.capPerCampaignWon);
            if (rules.allocation === "reserved") expect(matched).toBeLessThanOrEqual(reserveFor(poolWon, campaigns.length, i));
          });
          if (rules.capPerBackerWon !== null) {
            for (const matched of result.matchedByBacker.values()) expect(matched).toBeLessThanOrEqual(rules.capPerBackerWon);
          }
        }
      }),
      { ...fcOptions, numRuns: 150 },
    );
  });

  it("matches nothing before the start conditions hold, and the full factor when nothing binds", () => {
    fc.assert(
      fc.property(roundArb, ({ rules, poolWon, campaigns, events }) => {
        const result = simulateRound(rules, poolWon, campaigns, events);
        for (const p of result.pledges) {
          if (p.limitedBy === "minBackers" || p.limitedBy === "threshold") expect(p.matchWon).toBe(0);
          if (p.limitedBy === "factor") expect(p.matchWon).toBe(factorMatch(p.amountWon, rules.factorBp));
        }
      }),
      fcOptions,
    );
  });

  it("first-come with no caps uses the whole pool before refusing anyone", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.array(fc.integer({ min: 1, max: 300_000 }), { minLength: 1, maxLength: 30 }), (poolWon, amounts) => {
        const result = simulateRound(oneToOne, poolWon, [{ id: 1, goalWon: 10_000 }], amounts.map((amountWon, i) => ({ kind: "pledge", campaignId: 1, backerId: i, amountWon })));
        const total = amounts.reduce((a, b) => a + b, 0);
        expect(result.committedWon).toBe(Math.min(poolWon, total));
        // At most one partial match: the one that exhausted the pool.
        expect(result.pledges.filter((p) => p.matchWon > 0 && p.matchWon < p.amountWon).length).toBeLessThanOrEqual(1);
      }),
      fcOptions,
    );
  });
});
