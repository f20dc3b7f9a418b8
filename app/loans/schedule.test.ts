import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addDays,
  addMonthsClamped,
  amortise,
  annuityInstalment,
  buildSchedule,
  daysBetween,
  daysInMonth,
  loanPeriods,
  penaltyInterest,
  penaltyRateBp,
  periodInterest,
  REPAYMENT_METHODS,
  scheduleTotals,
  type LoanTerms,
} from "./schedule";

// Expected figures come from app/loans/schedule-reference.py, an independent implementation of
// domain.md's rules in Python with exact fractions and Python's own calendar (run it to see every
// row). The derivations of the first rows are written out here so they can be checked by hand.

const jeonbuk = (method: LoanTerms["method"]): LoanTerms => ({
  principalWon: 100_000_000,
  rateBp: 100,
  termMonths: 24,
  graceMonths: 0,
  method,
  startDate: "2026-01-15",
});

const DAYS_2026_01_15 = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

describe("calendar", () => {
  it("keeps the disbursement day, clamped to short months, anchored (not chained)", () => {
    expect(addMonthsClamped("2026-01-31", 1)).toBe("2026-02-28");
    expect(addMonthsClamped("2028-01-31", 1)).toBe("2028-02-29");
    expect(addMonthsClamped("2026-01-31", 2)).toBe("2026-03-31");
    expect(addMonthsClamped("2026-08-31", 1)).toBe("2026-09-30");
    expect(addMonthsClamped("2026-12-15", 1)).toBe("2027-01-15");
    expect(addMonthsClamped("2026-01-15", 24)).toBe("2028-01-15");
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDays("2027-02-28", 1)).toBe("2027-03-01");
    expect(daysBetween("2028-01-01", "2029-01-01")).toBe(366);
    expect(daysBetween("2026-03-15", "2026-03-05")).toBe(-10);
  });
});

describe("interest and annuity", () => {
  it("truncates actual/365 interest to the won", () => {
    // 100,000,000 × 1 % × 31/365 = 84,931.50… → 84,931; × 28/365 = 76,712.33… → 76,712
    expect(periodInterest(100_000_000, 100, 31)).toBe(84_931);
    expect(periodInterest(100_000_000, 100, 28)).toBe(76_712);
    expect(periodInterest(100_000_000, 100, 0)).toBe(0);
    expect(periodInterest(0, 100, 31)).toBe(0);
    // A leap year still divides by 365: 366 days earn a little more than the nominal rate.
    expect(periodInterest(36_500_000, 100, 366)).toBe(366_000);
    // The largest amounts stay exact (10 billion won at 20 % for 366 days).
    expect(periodInterest(10_000_000_000, 2000, 366)).toBe(2_005_479_452);
  });

  it("computes the annuity on the monthly rate, truncated", () => {
    // i = 1 %/12 = 1/1200; A = 1e8 · i · (1+i)^24 / ((1+i)^24 − 1) = 4,210,208.5… → 4,210,208
    expect(annuityInstalment(100_000_000, 100, 24)).toBe(4_210_208);
    expect(annuityInstalment(12_000_000, 300, 9)).toBe(1_350_055);
    expect(annuityInstalment(1_000, 0, 3)).toBe(333);
  });
});

describe("the Jeonbuk lease-deposit loan: 100,000,000 won at 100 bp over 24 months, paid out 2026-01-15", () => {
  it("bullet: monthly interest on the full principal, all principal with the 24th instalment", () => {
    const rows = buildSchedule(jeonbuk("bullet"));
    expect(rows).toHaveLength(24);
    expect(rows.map((r) => r.days)).toEqual(DAYS_2026_01_15);
    // 31-day months 84,931; 30-day 82,191 (82,191.78…); 28-day 76,712.
    expect(rows.map((r) => r.interestWon)).toEqual(
      DAYS_2026_01_15.map((d) => ({ 31: 84_931, 30: 82_191, 28: 76_712 })[d as 28 | 30 | 31]),
    );
    expect(rows.slice(0, 23).every((r) => r.principalWon === 0)).toBe(true);
    expect(rows[23]).toMatchObject({ dueDate: "2028-01-15", principalWon: 100_000_000, interestWon: 84_931, totalWon: 100_084_931, closingPrincipalWon: 0 });
    expect(scheduleTotals(rows)).toEqual({ principalWon: 100_000_000, interestWon: 1_999_986, totalWon: 101_999_986 });
  });

  it("equal instalment: 4,210,208 a month, the last one absorbing the rounding", () => {
    const rows = buildSchedule(jeonbuk("equal_instalment"));
    // Row 1: interest 84,931 (31 days on 100,000,000), principal 4,210,208 − 84,931 = 4,125,277.
    // Row 2: interest on 95,874,723 for 28 days = 73,547.0… → 73,547; principal 4,136,661.
    expect(rows.map((r) => r.principalWon)).toEqual([
      4125277, 4136661, 4132294, 4138204, 4139318, 4145007, 4146354, 4149876, 4155233, 4156929, 4162065, 4163995, 4167531, 4174858,
      4174617, 4179196, 4181712, 4186068, 4188819, 4192376, 4196397, 4199501, 4203298, 4204414,
    ]);
    expect(rows.map((r) => r.interestWon)).toEqual([
      84931, 73547, 77914, 72004, 70890, 65201, 63854, 60332, 54975, 53279, 48143, 46213, 42677, 35350, 35591, 31012, 28496, 24140,
      21389, 17832, 13811, 10707, 6910, 3570,
    ]);
    expect(rows.slice(0, 23).every((r) => r.totalWon === 4_210_208)).toBe(true);
    expect(rows[23]).toMatchObject({ openingPrincipalWon: 4_204_414, principalWon: 4_204_414, interestWon: 3_570, totalWon: 4_207_984, closingPrincipalWon: 0 });
    expect(scheduleTotals(rows)).toEqual({ principalWon: 100_000_000, interestWon: 1_042_768, totalWon: 101_042_768 });
  });

  it("equal principal: 4,166,666 a month (100,000,000 / 24 truncated), 4,166,682 last", () => {
    const rows = buildSchedule(jeonbuk("equal_principal"));
    expect(rows.slice(0, 23).every((r) => r.principalWon === 4_166_666)).toBe(true);
    // 100,000,000 − 23 × 4,166,666 = 4,166,682.
    expect(rows[23]?.principalWon).toBe(4_166_682);
    // Row 2: interest on 95,833,334 for 28 days = 73,515.6… → 73,515.
    expect(rows.map((r) => r.interestWon)).toEqual([
      84931, 73515, 77853, 71917, 70776, 65068, 63698, 60159, 54794, 53082, 47945, 46004, 42465, 35159, 35388, 30821, 28310, 23972,
      21232, 17694, 13698, 10616, 6849, 3538,
    ]);
    expect(scheduleTotals(rows)).toEqual({ principalWon: 100_000_000, interestWon: 1_039_484, totalWon: 101_039_484 });
  });
});

describe("month ends, leap years and grace months", () => {
  it("runs a loan paid out on 31 January 2028 through a 29-day February", () => {
    const rows = buildSchedule({ principalWon: 50_000_000, rateBp: 250, termMonths: 3, graceMonths: 0, method: "bullet", startDate: "2028-01-31" });
    expect(rows.map((r) => [r.dueDate, r.days, r.interestWon])).toEqual([
      // 50,000,000 × 2.5 % × 29/365 = 99,315.06…
      ["2028-02-29", 29, 99_315],
      ["2028-03-31", 31, 106_164],
      ["2028-04-30", 30, 102_739],
    ]);
  });

  it("equal instalment with 3 interest-only months over the leap February (from 30 November 2027)", () => {
    const rows = buildSchedule({ principalWon: 12_000_000, rateBp: 300, termMonths: 12, graceMonths: 3, method: "equal_instalment", startDate: "2027-11-30" });
    expect(rows.map((r) => r.dueDate).slice(0, 4)).toEqual(["2027-12-30", "2028-01-30", "2028-02-29", "2028-03-30"]);
    expect(rows.map((r) => r.principalWon)).toEqual([0, 0, 0, 1320466, 1322845, 1326984, 1329596, 1333535, 1336382, 1339787, 1343422, 1346983]);
    expect(rows.map((r) => r.interestWon)).toEqual([29589, 30575, 29589, 29589, 27210, 23071, 20459, 16520, 13673, 10268, 6633, 3432]);
    // The level instalment after grace is the 9-month annuity: 1,350,055.
    expect(rows.slice(3, 11).every((r) => r.totalWon === 1_350_055)).toBe(true);
  });

  it("equal principal with 2 grace months and an odd principal (from 31 March 2026)", () => {
    const rows = buildSchedule({ principalWon: 10_000_001, rateBp: 100, termMonths: 7, graceMonths: 2, method: "equal_principal", startDate: "2026-03-31" });
    expect(rows.map((r) => r.dueDate)).toEqual(["2026-04-30", "2026-05-31", "2026-06-30", "2026-07-31", "2026-08-31", "2026-09-30", "2026-10-31"]);
    expect(rows.map((r) => r.principalWon)).toEqual([0, 0, 2_000_000, 2_000_000, 2_000_000, 2_000_000, 2_000_001]);
    expect(rows.map((r) => r.interestWon)).toEqual([8219, 8493, 8219, 6794, 5095, 3287, 1698]);
  });
});

describe("penalty interest", () => {
  it("accrues at the contract rate + the spread, actual/365, truncated", () => {
    expect(penaltyRateBp(100, 300)).toBe(400);
    // 84,931 × 4 % × 10/365 = 93.07… → 93
    expect(penaltyInterest(84_931, 400, 10)).toBe(93);
    // The bullet's last instalment 45 days late: 100,084,931 × 4 % × 45/365 = 493,569.5… → 493,569
    expect(penaltyInterest(100_084_931, 400, 45)).toBe(493_569);
    expect(penaltyInterest(4_210_208, 400, 31)).toBe(14_303);
    expect(penaltyInterest(4_210_208, 400, 92)).toBe(42_448);
    expect(penaltyInterest(4_210_208, 400, 0)).toBe(0);
  });
});

describe("re-scheduling the rest (used by prepayment and extension)", () => {
  it("re-amortises a remainder over given periods, numbering on", () => {
    const rows = amortise({
      principalWon: 60_000_000,
      rateBp: 100,
      method: "bullet",
      firstNumber: 7,
      periods: loanPeriods({ startDate: "2026-01-15", termMonths: 24, graceMonths: 0, method: "bullet" })
        .slice(5)
        .map((p, i) => (i === 0 ? { ...p, start: "2026-06-25" } : p)),
    });
    expect(rows[0]).toMatchObject({ number: 7, periodStart: "2026-06-25", dueDate: "2026-07-15", days: 20, interestWon: 32_876 });
    expect(rows.at(-1)).toMatchObject({ number: 25, principalWon: 60_000_000 });
    expect(scheduleTotals(rows).interestWon).toBe(935_331);
  });

  it("refuses periods that run backwards and principal without periods", () => {
    expect(() => amortise({ principalWon: 1, rateBp: 100, method: "bullet", periods: [{ start: "2026-02-01", due: "2026-01-01", interestOnly: true }] })).toThrow(RangeError);
    expect(() => amortise({ principalWon: 1, rateBp: 100, method: "bullet", periods: [] })).toThrow(RangeError);
    expect(() => buildSchedule({ ...jeonbuk("bullet"), graceMonths: 24 })).toThrow(RangeError);
    expect(() => buildSchedule({ ...jeonbuk("bullet"), principalWon: 1.5 })).toThrow(RangeError);
  });
});

// ---- properties ----------------------------------------------------------------------------

const seed = Number(process.env.FC_SEED ?? Date.now() % 2_147_483_647);
const runs = Number(process.env.FC_RUNS ?? 150);
console.log(`schedule properties: fast-check seed ${seed} (repeat with FC_SEED=${seed})`);

const isoDateArb = fc
  .record({ y: fc.integer({ min: 2020, max: 2040 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 31 }) })
  .map(({ y, m, d }) => `${y}-${String(m).padStart(2, "0")}-${String(Math.min(d, daysInMonth(y, m))).padStart(2, "0")}`);

const termsArb: fc.Arbitrary<LoanTerms> = fc
  .record({
    principalWon: fc.integer({ min: 1, max: 10_000_000_000 }),
    rateBp: fc.integer({ min: 0, max: 2000 }),
    termMonths: fc.integer({ min: 1, max: 120 }),
    graceFraction: fc.double({ min: 0, max: 0.99, noNaN: true }),
    method: fc.constantFrom(...REPAYMENT_METHODS),
    startDate: isoDateArb,
  })
  .map(({ graceFraction, ...t }) => ({ ...t, graceMonths: Math.floor(graceFraction * t.termMonths) }));

describe("schedule properties (fast-check)", () => {
  it("truncates interest exactly, as integer arithmetic would", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_000 }), fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 400 }), (principal, rate, days) => {
        const exact = principal > 0 && rate > 0 && days > 0 ? Number((BigInt(principal) * BigInt(rate) * BigInt(days)) / 3_650_000n) : 0;
        expect(periodInterest(principal, rate, days)).toBe(exact);
      }),
      { seed, numRuns: 2000 },
    );
    // Exact multiples of the divisor and one below.
    expect(periodInterest(36_500_000, 100, 365)).toBe(365_000);
    expect(periodInterest(36_499_999, 100, 365)).toBe(364_999);
  });

  it("Σ principal = principal, balances never negative, interest within the rate's bound", () => {
    fc.assert(
      fc.property(termsArb, (terms) => {
        const rows = buildSchedule(terms);
        expect(rows).toHaveLength(terms.termMonths);
        expect(scheduleTotals(rows).principalWon).toBe(terms.principalWon);
        let previousDue = terms.startDate;
        for (const row of rows) {
          expect(row.principalWon).toBeGreaterThanOrEqual(0);
          expect(row.interestWon).toBeGreaterThanOrEqual(0);
          expect(row.closingPrincipalWon).toBeGreaterThanOrEqual(0);
          expect(row.closingPrincipalWon).toBe(row.openingPrincipalWon - row.principalWon);
          expect(row.periodStart).toBe(previousDue);
          expect(row.days).toBeGreaterThanOrEqual(28);
          expect(row.days).toBeLessThanOrEqual(31);
          // Never more than the exact actual/365 interest, never a whole won less.
          const exactTimes365e4 = BigInt(row.openingPrincipalWon) * BigInt(terms.rateBp) * BigInt(row.days);
          expect(BigInt(row.interestWon) * 3_650_000n).toBeLessThanOrEqual(exactTimes365e4);
          expect(BigInt(row.interestWon + 1) * 3_650_000n).toBeGreaterThan(exactTimes365e4);
          previousDue = row.dueDate;
        }
        expect(rows.at(-1)?.closingPrincipalWon).toBe(0);
        expect(rows.at(-1)?.dueDate).toBe(addMonthsClamped(terms.startDate, terms.termMonths));
        // Total interest never exceeds the full principal outstanding for the whole term.
        const bound = (BigInt(terms.principalWon) * BigInt(terms.rateBp) * BigInt(daysBetween(terms.startDate, rows.at(-1)?.dueDate ?? terms.startDate))) / 3_650_000n;
        expect(BigInt(scheduleTotals(rows).interestWon)).toBeLessThanOrEqual(bound);
        // Grace months are interest only; after them the method's shape holds.
        rows.slice(0, terms.graceMonths).forEach((r) => expect(r.principalWon).toBe(0));
        if (terms.method === "bullet") rows.slice(0, -1).forEach((r) => expect(r.principalWon).toBe(0));
        if (terms.method === "equal_principal") {
          const n = terms.termMonths - terms.graceMonths;
          rows.slice(terms.graceMonths, -1).forEach((r) => expect(r.principalWon).toBe(Math.floor(terms.principalWon / n)));
        }
        if (terms.method === "equal_instalment") {
          const level = annuityInstalment(terms.principalWon, terms.rateBp, terms.termMonths - terms.graceMonths);
          rows.slice(terms.graceMonths, -1).forEach((r) => expect(r.totalWon === level || r.principalWon === 0 || r.closingPrincipalWon === 0).toBe(true));
        }
      }),
      { seed, numRuns: runs },
    );
  });
});
