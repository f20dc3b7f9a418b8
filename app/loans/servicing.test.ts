import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, buildSchedule, periodInterest, REPAYMENT_METHODS, type LoanTerms } from "./schedule";
import {
  allocateRepayment,
  arrearsAsOf,
  arrearsBucket,
  instalmentFromSchedule,
  isFullyRepaid,
  nextPayment,
  outstandingPrincipal,
  planExtension,
  planPrepayment,
  quotePrepayment,
  type ContractTerms,
  type InstalmentState,
} from "./servicing";

// Figures derived with app/loans/schedule-reference.py (see schedule.test.ts); penalty figures are
// floor(base × 400 × days / 3,650,000) for a 100 bp loan with the default +300 bp spread.

function contract(method: ContractTerms["method"], overrides: Partial<ContractTerms> = {}): ContractTerms {
  return { principalWon: 100_000_000, rateBp: 100, penaltyBp: 300, method, graceMonths: 0, termMonths: 24, disbursedOn: "2026-01-15", ...overrides };
}

function scheduleFor(terms: ContractTerms): InstalmentState[] {
  const loanTerms: LoanTerms = { principalWon: terms.principalWon, rateBp: terms.rateBp, termMonths: terms.termMonths, graceMonths: terms.graceMonths, method: terms.method, startDate: terms.disbursedOn };
  return buildSchedule(loanTerms).map((row) => instalmentFromSchedule(row));
}

function payInOrder(terms: ContractTerms, instalments: InstalmentState[], count: number): InstalmentState[] {
  let state = instalments;
  for (let n = 1; n <= count; n++) {
    const row = state.find((i) => i.number === n);
    if (!row) throw new Error(`no instalment ${n}`);
    const paid = allocateRepayment(state, row.dueDate, row.principalDueWon + row.interestDueWon, terms);
    if (!paid.ok) throw new Error(JSON.stringify(paid.error));
    state = paid.instalments;
  }
  return state;
}

describe("allocation of a repayment", () => {
  const terms = contract("equal_instalment");

  it("pays penalty, then interest, then principal, oldest instalment first", () => {
    // Nothing paid; on 2026-03-25 instalment 1 (due 02-15) is 38 days late, instalment 2 (due 03-15) 10 days.
    // Penalty: 4,210,208 × 4 % × 38/365 = 17,532; × 10/365 = 4,613.
    const result = allocateRepayment(scheduleFor(terms), "2026-03-25", 5_000_000, terms);
    if (!result.ok) throw new Error("refused");
    const { allocation } = result;
    expect(allocation).toMatchObject({ penaltyWon: 17_532 + 4_613, interestWon: 84_931 + 73_547, totalWon: 5_000_000 });
    // 5,000,000 − 22,145 − 158,478 = 4,819,377 principal: 4,125,277 to #1, 694,100 to #2.
    expect(allocation.lines).toEqual([
      { number: 1, penaltyWon: 17_532, interestWon: 84_931, principalWon: 4_125_277 },
      { number: 2, penaltyWon: 4_613, interestWon: 73_547, principalWon: 694_100 },
    ]);
    const [first, second] = result.instalments;
    expect(first?.paidOffOn).toBe("2026-03-25");
    expect(second).toMatchObject({ paidOffOn: null, principalPaidWon: 694_100, penaltyThrough: "2026-03-25" });
    // From here penalty runs on what is left of #2 (3,442,561): 10 more days = 3,772.
    const arrears = arrearsAsOf(result.instalments, "2026-04-04", terms);
    expect(arrears).toMatchObject({ instalments: 1, principalWon: 3_442_561, interestWon: 0, penaltyWon: 3_772, daysOverdue: 20, oldestDueDate: "2026-03-15" });
  });

  it("gives the same penalty however often it is looked at (fixed only at repayments)", () => {
    const schedule = scheduleFor(terms);
    const daily = Array.from({ length: 30 }, (_, d) => arrearsAsOf(schedule, addDays("2026-03-16", d), terms).penaltyWon);
    expect(daily.every((v, i) => i === 0 || v >= (daily[i - 1] ?? 0))).toBe(true);
    expect(arrearsAsOf(schedule, "2026-03-25", terms).penaltyWon).toBe(17_532 + 4_613);
  });

  it("takes an instalment paid early but refuses more than is due", () => {
    const schedule = scheduleFor(terms);
    const early = allocateRepayment(schedule, "2026-02-10", 4_210_208, terms);
    expect(early.ok && early.instalments[0]?.paidOffOn).toBe("2026-02-10");
    const tooMuch = allocateRepayment(schedule, "2026-02-10", 4_210_209, terms);
    expect(tooMuch).toEqual({ ok: false, error: { code: "amountAboveDue", maxWon: 4_210_208 } });
    // A partial payment stays partial and is still due.
    const partial = allocateRepayment(schedule, "2026-02-15", 100_000, terms);
    expect(partial.ok && partial.allocation).toMatchObject({ interestWon: 84_931, principalWon: 15_069 });
    expect(partial.ok && nextPayment(partial.instalments, "2026-02-15", terms)).toEqual({ dueDate: "2026-02-15", amountWon: 4_110_208, overdue: false });
  });

  it("names the next payment and the arrears bucket", () => {
    const schedule = scheduleFor(contract("bullet"));
    expect(nextPayment(schedule, "2026-01-20", terms)).toEqual({ dueDate: "2026-02-15", amountWon: 84_931, overdue: false });
    expect(nextPayment(schedule, "2026-02-25", terms)).toEqual({ dueDate: "2026-02-15", amountWon: 84_931 + 93, overdue: true });
    expect([0, 1, 30, 31, 90, 91, 400].map(arrearsBucket)).toEqual([null, "1_30", "1_30", "31_90", "31_90", "90_plus", "90_plus"]);
  });
});

describe("prepayment", () => {
  it("bullet: 40,000,000 on 2026-06-25 after five instalments", () => {
    const terms = contract("bullet");
    const paid = payInOrder(terms, scheduleFor(terms), 5);
    // Interest 2026-06-15 → 06-25 on 100,000,000: 10 days = 27,397.
    const quote = quotePrepayment(terms, paid, "2026-06-25");
    expect(quote.ok && quote.quote).toMatchObject({ arrearsWon: 0, accruedInterestWon: 27_397, outstandingWon: 100_000_000, payoffWon: 100_027_397, currentNumber: 6 });
    const plan = planPrepayment(terms, paid, "2026-06-25", 40_027_397);
    if (!plan.ok) throw new Error("refused");
    expect(plan.allocation).toMatchObject({ penaltyWon: 0, interestWon: 27_397, principalWon: 40_000_000 });
    expect(plan.closes).toBe(false);
    const rows = plan.instalments;
    expect(rows[5]).toMatchObject({ number: 6, kind: "prepayment", periodStart: "2026-06-15", dueDate: "2026-06-25", principalDueWon: 40_000_000, interestDueWon: 27_397, paidOffOn: "2026-06-25" });
    // The rest on 60,000,000: 20 days to 07-15 = 32,876, then 31-day months 50,958, the principal at maturity.
    expect(rows[6]).toMatchObject({ number: 7, periodStart: "2026-06-25", dueDate: "2026-07-15", interestDueWon: 32_876, principalDueWon: 0 });
    expect(rows[7]?.interestDueWon).toBe(50_958);
    expect(rows.at(-1)).toMatchObject({ number: 25, dueDate: "2028-01-15", principalDueWon: 60_000_000 });
    expect(rows.reduce((s, r) => s + r.principalDueWon, 0)).toBe(100_000_000);
    expect(rows.slice(6).reduce((s, r) => s + r.interestDueWon, 0)).toBe(935_331);
  });

  it("equal instalment: 20,000,000 on 2026-06-25 lowers the instalments to 3,148,625", () => {
    const terms = contract("equal_instalment");
    const paid = payInOrder(terms, scheduleFor(terms), 5);
    // Outstanding 79,328,246; 10 days' interest = 21,733.
    const plan = planPrepayment(terms, paid, "2026-06-25", 20_021_733);
    if (!plan.ok) throw new Error("refused");
    const rest = plan.instalments.slice(6);
    expect(rest.map((r) => r.principalDueWon)).toEqual([
      3116117, 3100884, 3103517, 3107523, 3108792, 3112633, 3114076, 3116721, 3122200, 3122020, 3125444, 3127326, 3130584, 3132641, 3135302,
      3138308, 3140630, 3143469, 3130059,
    ]);
    expect(rest[0]?.interestDueWon).toBe(32_508);
    expect(rest.slice(0, -1).every((r) => r.principalDueWon + r.interestDueWon === 3_148_625)).toBe(true);
    expect(outstandingPrincipal(plan.instalments)).toBe(59_328_246);
  });

  it("full payoff closes the loan; too little or too much is refused with the figure", () => {
    const terms = contract("equal_principal");
    const paid = payInOrder(terms, scheduleFor(terms), 2);
    const quote = quotePrepayment(terms, paid, "2026-04-01");
    if (!quote.ok) throw new Error("refused");
    // Outstanding 91,666,668; 17 days from 03-15 = 42,694.
    expect(quote.quote).toMatchObject({ outstandingWon: 91_666_668, accruedInterestWon: periodInterest(91_666_668, 100, 17), payoffWon: 91_666_668 + 42_694 });
    expect(planPrepayment(terms, paid, "2026-04-01", quote.quote.payoffWon + 1)).toEqual({ ok: false, error: { code: "amountAbovePayoff", payoffWon: quote.quote.payoffWon } });
    expect(planPrepayment(terms, paid, "2026-04-01", 42_694)).toEqual({ ok: false, error: { code: "prepaymentTooSmall", minimumWon: 42_695 } });
    const payoff = planPrepayment(terms, paid, "2026-04-01", quote.quote.payoffWon);
    expect(payoff.ok && payoff.closes).toBe(true);
    expect(payoff.ok && isFullyRepaid(payoff.instalments)).toBe(true);
    expect(payoff.ok && payoff.instalments).toHaveLength(3);
  });

  it("settles arrears with their penalty first", () => {
    const terms = contract("bullet");
    const paid = payInOrder(terms, scheduleFor(terms), 1);
    // Instalment 2 (76,712 due 03-15) is 5 days late on 03-20: penalty 76,712 × 4 % × 5/365 = 42.
    const quote = quotePrepayment(terms, paid, "2026-03-20");
    expect(quote.ok && quote.quote).toMatchObject({ arrearsWon: 76_712 + 42, accruedInterestWon: periodInterest(100_000_000, 100, 5) });
  });
});

describe("term extension", () => {
  it("equal principal: 12 more months from instalment 13 re-spreads 50,000,008", () => {
    const terms = contract("equal_principal");
    const paid = payInOrder(terms, scheduleFor(terms), 12);
    const plan = planExtension(terms, paid, "2027-01-20", 12);
    if (!plan.ok) throw new Error("refused");
    expect(plan.termMonths).toBe(36);
    expect(plan.maturityOn).toBe("2029-01-15");
    const rest = plan.instalments.filter((i) => i.number >= 13);
    expect(rest).toHaveLength(24);
    expect(rest.slice(0, -1).every((r) => r.principalDueWon === 2_083_333)).toBe(true);
    expect(rest.at(-1)?.principalDueWon).toBe(2_083_349);
    expect(rest.map((r) => r.interestDueWon).slice(0, 3)).toEqual([42_465, 36_757, 38_926]);
    // February 2028 has 29 days in the extended part.
    expect(rest.find((r) => r.dueDate === "2028-03-15")?.interestDueWon).toBe(18_207);
  });

  it("is refused while an instalment is overdue", () => {
    const terms = contract("bullet");
    expect(planExtension(terms, scheduleFor(terms), "2026-02-16", 6)).toEqual({ ok: false, error: { code: "loanInArrears" } });
  });
});

const seed = Number(process.env.FC_SEED ?? Date.now() % 2_147_483_647);
console.log(`servicing properties: fast-check seed ${seed} (repeat with FC_SEED=${seed})`);

describe("servicing properties (fast-check)", () => {
  it("any sequence of repayments, prepayments and extensions keeps the books whole", () => {
    const action = fc.oneof(
      fc.record({ kind: fc.constant("pay" as const), days: fc.integer({ min: 0, max: 70 }), share: fc.double({ min: 0.01, max: 1, noNaN: true }) }),
      fc.record({ kind: fc.constant("prepay" as const), days: fc.integer({ min: 0, max: 40 }), share: fc.double({ min: 0, max: 1, noNaN: true }) }),
      fc.record({ kind: fc.constant("extend" as const), days: fc.integer({ min: 0, max: 20 }), months: fc.integer({ min: 1, max: 12 }) }),
    );
    const applied = { pay: 0, prepay: 0, extend: 0 };
    fc.assert(
      fc.property(
        fc.record({
          principalWon: fc.integer({ min: 1_000, max: 200_000_000 }),
          rateBp: fc.integer({ min: 0, max: 1500 }),
          penaltyBp: fc.integer({ min: 0, max: 500 }),
          termMonths: fc.integer({ min: 1, max: 36 }),
          method: fc.constantFrom(...REPAYMENT_METHODS),
        }),
        fc.array(action, { maxLength: 25 }),
        (base, actions) => {
          let terms: ContractTerms = { ...base, graceMonths: 0, disbursedOn: "2027-12-31" };
          let state = scheduleFor(terms);
          let today = terms.disbursedOn;
          let collectedPrincipal = 0;
          for (const step of actions) {
            const date = new Date(`${today}T00:00:00Z`);
            date.setUTCDate(date.getUTCDate() + step.days);
            today = date.toISOString().slice(0, 10);
            if (isFullyRepaid(state)) break;
            if (step.kind === "pay") {
              const due = nextPayment(state, today, terms);
              if (!due) continue;
              const result = allocateRepayment(state, today, Math.max(1, Math.floor(due.amountWon * step.share)), terms);
              if (!result.ok) continue;
              collectedPrincipal += result.allocation.principalWon;
              applied.pay += 1;
              expect(result.allocation.totalWon).toBe(result.allocation.penaltyWon + result.allocation.interestWon + result.allocation.principalWon);
              state = result.instalments;
            } else if (step.kind === "prepay") {
              const quote = quotePrepayment(terms, state, today);
              if (!quote.ok) continue;
              const minimum = quote.quote.arrearsWon + quote.quote.accruedInterestWon + 1;
              const amount = minimum + Math.floor((quote.quote.payoffWon - minimum) * step.share);
              const plan = planPrepayment(terms, state, today, amount);
              expect(plan.ok).toBe(true);
              if (!plan.ok) continue;
              collectedPrincipal += plan.allocation.principalWon;
              applied.prepay += 1;
              state = plan.instalments;
            } else {
              const plan = planExtension(terms, state, today, step.months);
              if (!plan.ok) continue;
              state = plan.instalments;
              terms = { ...terms, termMonths: plan.termMonths };
              applied.extend += 1;
            }
            // Invariants after every step.
            expect(state.reduce((s, i) => s + i.principalDueWon, 0)).toBe(base.principalWon);
            expect(collectedPrincipal + outstandingPrincipal(state)).toBe(base.principalWon);
            for (const i of state) {
              expect(i.principalPaidWon).toBeGreaterThanOrEqual(0);
              expect(i.principalPaidWon).toBeLessThanOrEqual(i.principalDueWon);
              expect(i.interestPaidWon).toBeLessThanOrEqual(i.interestDueWon);
              expect(i.penaltyPaidWon).toBeLessThanOrEqual(i.penaltyAccruedWon);
              expect(i.dueDate >= i.periodStart).toBe(true);
            }
            const numbers = state.map((i) => i.number);
            expect(numbers).toEqual(numbers.map((_, k) => k + 1));
            const dues = state.map((i) => i.dueDate);
            expect(dues).toEqual([...dues].sort());
          }
        },
      ),
      { seed, numRuns: 150 },
    );
    // The generated sequences really exercised every operation.
    expect(applied.pay).toBeGreaterThan(100);
    expect(applied.prepay).toBeGreaterThan(20);
    expect(applied.extend).toBeGreaterThan(20);
  });
});
