import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareFractions, finalScore, rankApplications, sheetTotal, toScore, validateCriteria, validateWeights, type Candidate, type Criterion } from "./scoring";

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 2 ** 31);
console.log(`scoring.test.ts fast-check seed: ${seed} (re-run with FC_SEED=${seed})`);
const fcOptions = { seed, numRuns: 300 };

// 서구 2017: 공동체성 and 사업성 (equal weights are a demo assumption), jury 70 / peer 30.
const criteria: Criterion[] = [
  { id: 1, weightPct: 50 },
  { id: 2, weightPct: 50 },
];
const weights = { juryPct: 70, peerPct: 30 };

function candidate(id: number, jury: [number, number][], peer: [number, number][], submittedAtMs = id): Candidate {
  return {
    applicationId: id,
    submittedAtMs,
    jurySheets: jury.map(([a, b]) => ({ 1: a, 2: b })),
    peerSheets: peer.map(([a, b]) => ({ 1: a, 2: b })),
  };
}

describe("score formula", () => {
  it("final = 0.7 × mean jury + 0.3 × mean peer, each a weighted sum over the criteria", () => {
    const c = candidate(1, [[80, 90], [70, 60]], [[100, 100], [50, 60], [90, 80]]);
    // jury: (85 + 65) / 2 = 75; peer: (100 + 55 + 85) / 3 = 80; final = 52.5 + 24 = 76.5
    expect(toScore(finalScore(criteria, weights, c))).toBe(76.5);
    const uneven: Criterion[] = [
      { id: 1, weightPct: 30 },
      { id: 2, weightPct: 70 },
    ];
    expect(sheetTotal(uneven, { 1: 100, 2: 50 })).toBe(6500);
  });

  it("keeps thirds exact and rounds only for display", () => {
    const c = candidate(1, [[100, 100], [0, 0], [0, 0]], [], 1);
    const final = finalScore(criteria, { juryPct: 100, peerPct: 0 }, c);
    expect(toScore(final)).toBe(33.333);
    expect(compareFractions(final, { num: 100n, den: 3n })).toBe(0);
  });

  it("refuses incomplete sheets, out-of-range scores and weights that do not sum to 100", () => {
    expect(() => sheetTotal(criteria, { 1: 50 })).toThrow(RangeError);
    expect(() => sheetTotal(criteria, { 1: 50, 2: 101 })).toThrow(RangeError);
    expect(() => sheetTotal(criteria, { 1: 50, 2: 9.5 })).toThrow(RangeError);
    expect(validateCriteria([{ id: 1, weightPct: 60 }, { id: 2, weightPct: 30 }])).toBe("weights");
    expect(validateCriteria([])).toBe("empty");
    expect(validateWeights({ juryPct: 70, peerPct: 30 })).toBe(true);
    expect(validateWeights({ juryPct: 70, peerPct: 40 })).toBe(false);
    expect(validateWeights({ juryPct: 0, peerPct: 100 })).toBe(false);
  });
});

describe("ranking and selection", () => {
  it("selects the top N by final score", () => {
    const result = rankApplications(
      criteria,
      weights,
      [candidate(1, [[60, 60]], [[60, 60]]), candidate(2, [[90, 90]], [[90, 90]]), candidate(3, [[70, 70]], [[80, 80]])],
      2,
    );
    if (!result.ok) throw new Error("expected a ranking");
    expect(result.ranking.map((r) => [r.applicationId, r.rank, r.selected])).toEqual([
      [2, 1, true],
      [3, 2, true],
      [1, 3, false],
    ]);
  });

  it("breaks a tie on the final score by the jury score", () => {
    // A: jury 80, peer 60 → 74. B: jury 74, peer 74 → 74. Same final; A has the higher jury score.
    const result = rankApplications(criteria, weights, [candidate(1, [[74, 74]], [[74, 74]], 1), candidate(2, [[80, 80]], [[60, 60]], 2)], 1);
    if (!result.ok) throw new Error("expected a ranking");
    expect(result.ranking.map((r) => r.applicationId)).toEqual([2, 1]);
    expect(result.ranking[0]?.finalScore).toBe(result.ranking[1]?.finalScore);
    expect(result.ranking[1]?.tieBrokenBy).toBe("jury");
    expect(result.ranking.map((r) => r.selected)).toEqual([true, false]);
  });

  it("then by the earlier submission", () => {
    const result = rankApplications(criteria, weights, [candidate(1, [[70, 70]], [[70, 70]], 2_000), candidate(2, [[70, 70]], [[70, 70]], 1_000)], 1);
    if (!result.ok) throw new Error("expected a ranking");
    expect(result.ranking.map((r) => r.applicationId)).toEqual([2, 1]);
    expect(result.ranking[1]?.tieBrokenBy).toBe("submission");
  });

  it("says who still needs jury or peer scores instead of ranking them as zero", () => {
    const result = rankApplications(criteria, weights, [candidate(1, [], [[50, 50]]), candidate(2, [[50, 50]], [])], 1);
    expect(result).toEqual({
      ok: false,
      missing: [
        { applicationId: 1, needs: "jury" },
        { applicationId: 2, needs: "peer" },
      ],
    });
    expect(rankApplications(criteria, { juryPct: 100, peerPct: 0 }, [candidate(2, [[50, 50]], [])], 1).ok).toBe(true);
  });

  const sheetArb = fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }));
  const candidatesArb = fc.uniqueArray(
    fc.record({ id: fc.integer({ min: 1, max: 10_000 }), jury: fc.array(sheetArb, { minLength: 1, maxLength: 4 }), peer: fc.array(sheetArb, { minLength: 1, maxLength: 8 }), at: fc.integer({ min: 0, max: 20 }) }),
    { minLength: 1, maxLength: 12, selector: (c) => c.id },
  );

  it("is a total order consistent with the formula and the tie-breaks, whatever the input order", () => {
    fc.assert(
      fc.property(candidatesArb, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 100 }), (raw, n, peerPct) => {
        const w = { juryPct: 100 - peerPct, peerPct };
        fc.pre(w.juryPct > 0);
        const candidates = raw.map((c) => candidate(c.id, c.jury, c.peer, c.at));
        const result = rankApplications(criteria, w, candidates, n);
        const reversed = rankApplications(criteria, w, [...candidates].reverse(), n);
        if (!result.ok || !reversed.ok) throw new Error("expected a ranking");
        expect(reversed.ranking.map((r) => r.applicationId)).toEqual(result.ranking.map((r) => r.applicationId));
        expect(result.ranking.filter((r) => r.selected).length).toBe(Math.min(n, candidates.length));
        for (let i = 1; i < result.ranking.length; i++) {
          const above = result.ranking[i - 1]!;
          const below = result.ranking[i]!;
          const byFinal = compareFractions(above.final, below.final);
          expect(byFinal).toBeGreaterThanOrEqual(0);
          if (byFinal === 0) expect(compareFractions(above.jury, below.jury)).toBeGreaterThanOrEqual(0);
          if (above.selected === false) expect(below.selected).toBe(false);
        }
      }),
      fcOptions,
    );
  });
});
