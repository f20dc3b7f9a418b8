// Loan schedule maths, exact to the won (domain.md "Self-sufficiency fund and loans"):
// - instalments fall due monthly on the disbursement's day of the month (clamped to the month's
//   last day: a loan paid out on 31 January falls due on 28/29 February, then 31 March);
// - interest for a period is actual/365 on the principal outstanding during it, truncated to the
//   won (원 미만 절사), also in leap years (a 366-day year earns 366/365 of the nominal rate);
// - bullet: interest monthly, all principal at maturity; equal principal: the principal split
//   evenly, truncated; equal instalment: the annuity on the monthly rate (annual / 12), truncated,
//   each instalment's principal being the annuity less that period's actual/365 interest;
// - grace months are interest only; the last instalment takes whatever principal is left, so the
//   principal column always sums to the loan exactly.

export const REPAYMENT_METHODS = ["bullet", "equal_instalment", "equal_principal"] as const;
export type RepaymentMethod = (typeof REPAYMENT_METHODS)[number];

export const DAY_COUNT_BASIS = 365;
const BP_PER_UNIT = 10_000;

export interface LoanTerms {
  principalWon: number;
  rateBp: number;
  termMonths: number;
  graceMonths: number;
  method: RepaymentMethod;
  /** Disbursement date, YYYY-MM-DD (Asia/Seoul). Periods run from here. */
  startDate: string;
}

export interface SchedulePeriod {
  /** The day interest starts to run from (the previous due date, the disbursement or a prepayment). */
  start: string;
  due: string;
  /** Interest-only period (grace). */
  interestOnly: boolean;
}

export interface ScheduledInstalment {
  number: number;
  periodStart: string;
  dueDate: string;
  days: number;
  openingPrincipalWon: number;
  principalWon: number;
  interestWon: number;
  totalWon: number;
  closingPrincipalWon: number;
}

// ---- calendar ------------------------------------------------------------------------------

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Dates are validated where they enter (forms, terms); inside the maths they are read by position. */
function parseIsoDate(iso: string): { y: number; m: number; d: number } {
  if (iso.length !== 10 || !ISO_DATE.test(iso)) throw new RangeError(`Not a YYYY-MM-DD date: ${iso}`);
  return { y: Number(iso.slice(0, 4)), m: Number(iso.slice(5, 7)), d: Number(iso.slice(8, 10)) };
}

function toIso(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

function epochDay(iso: string): number {
  const { y, m, d } = parseIsoDate(iso);
  return Date.UTC(y, m - 1, d) / 86_400_000;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The same day `months` later, clamped to the end of a shorter month (anchored on `iso`, not chained). */
export function addMonthsClamped(iso: string, months: number): string {
  const { y, m, d } = parseIsoDate(iso);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return toIso(year, month, Math.min(d, daysInMonth(year, month)));
}

export function addDays(iso: string, days: number): string {
  const date = new Date((epochDay(iso) + days) * 86_400_000);
  return toIso(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
}

/** Calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return epochDay(to) - epochDay(from);
}

/** The k-th monthly due date after `startDate`, for k = 1..months. */
export function monthlyDueDates(startDate: string, months: number, firstMonth = 1): string[] {
  return Array.from({ length: months }, (_, i) => addMonthsClamped(startDate, firstMonth + i));
}

// ---- money ---------------------------------------------------------------------------------

/**
 * Interest on `principalWon` for `days` days at `rateBp` a year, actual/365, truncated to the won.
 * Exact integer arithmetic throughout (BigInt beyond 2^53, e.g. 10 billion won at 20 % for a year).
 */
const INTEREST_DIVISOR = BP_PER_UNIT * DAY_COUNT_BASIS;

export function periodInterest(principalWon: number, rateBp: number, days: number): number {
  if (principalWon <= 0 || rateBp <= 0 || days <= 0) return 0;
  const numerator = principalWon * rateBp * days;
  if (Number.isSafeInteger(numerator)) {
    // Exact integers: the floating quotient is within one of the true one; settle it with integer checks.
    let quotient = Math.floor(numerator / INTEREST_DIVISOR);
    if (quotient * INTEREST_DIVISOR > numerator) quotient -= 1;
    else if ((quotient + 1) * INTEREST_DIVISOR <= numerator) quotient += 1;
    return quotient;
  }
  return Number((BigInt(principalWon) * BigInt(rateBp) * BigInt(days)) / BigInt(INTEREST_DIVISOR));
}

/**
 * The level instalment that repays `principalWon` over `periods` months at the monthly rate
 * rateBp / 12, truncated to the won: P·i·(1+i)^n / ((1+i)^n − 1) with i = rateBp / 120000,
 * computed exactly as a ratio of integers.
 */
export function annuityInstalment(principalWon: number, rateBp: number, periods: number): number {
  if (!Number.isSafeInteger(periods) || periods < 1) throw new RangeError("An annuity needs at least one period");
  if (principalWon <= 0) return 0;
  if (rateBp <= 0) return Math.floor(principalWon / periods);
  const base = BigInt(12 * BP_PER_UNIT);
  const grown = (base + BigInt(rateBp)) ** BigInt(periods);
  const start = base ** BigInt(periods);
  return Number((BigInt(principalWon) * BigInt(rateBp) * grown) / (base * (grown - start)));
}

// ---- schedules -----------------------------------------------------------------------------

export interface AmortiseInput {
  principalWon: number;
  rateBp: number;
  method: RepaymentMethod;
  periods: readonly SchedulePeriod[];
  /** Number given to the first period (later ones follow). */
  firstNumber?: number;
}

/**
 * Spreads `principalWon` over the periods by the method; every period's interest is actual/365 on
 * what is outstanding during it. Used for a new loan and to re-schedule the rest of one after a
 * prepayment or a term extension.
 */
export function amortise({ principalWon, rateBp, method, periods, firstNumber = 1 }: AmortiseInput): ScheduledInstalment[] {
  if (!Number.isSafeInteger(principalWon) || principalWon < 0) throw new RangeError("Principal must be whole won, 0 or more");
  if (periods.length === 0) {
    if (principalWon > 0) throw new RangeError("Principal needs at least one period");
    return [];
  }
  const amortising = periods.filter((p) => !p.interestOnly).length;
  const level = method === "equal_instalment" && amortising > 0 ? annuityInstalment(principalWon, rateBp, amortising) : 0;
  const evenShare = method === "equal_principal" && amortising > 0 ? Math.floor(principalWon / amortising) : 0;
  let outstanding = principalWon;
  const rows: ScheduledInstalment[] = [];
  periods.forEach((period, index) => {
    const days = daysBetween(period.start, period.due);
    if (days < 0) throw new RangeError(`Period ${period.start}..${period.due} runs backwards`);
    const interest = periodInterest(outstanding, rateBp, days);
    let principal: number;
    if (index === periods.length - 1) principal = outstanding;
    else if (period.interestOnly || method === "bullet") principal = 0;
    else if (method === "equal_principal") principal = Math.min(evenShare, outstanding);
    else principal = Math.min(Math.max(level - interest, 0), outstanding);
    rows.push({
      number: firstNumber + index,
      periodStart: period.start,
      dueDate: period.due,
      days,
      openingPrincipalWon: outstanding,
      principalWon: principal,
      interestWon: interest,
      totalWon: principal + interest,
      closingPrincipalWon: outstanding - principal,
    });
    outstanding -= principal;
  });
  return rows;
}

/** The periods of a new loan: monthly from the disbursement, the first `graceMonths` interest only. */
export function loanPeriods(terms: Pick<LoanTerms, "startDate" | "termMonths" | "graceMonths" | "method">): SchedulePeriod[] {
  const dues = monthlyDueDates(terms.startDate, terms.termMonths);
  return dues.map((due, i) => ({
    start: i === 0 ? terms.startDate : (dues[i - 1] ?? terms.startDate),
    due,
    interestOnly: terms.method === "bullet" || i < terms.graceMonths,
  }));
}

export function assertValidTerms(terms: LoanTerms): void {
  if (!Number.isSafeInteger(terms.principalWon) || terms.principalWon < 1) throw new RangeError("Principal must be at least 1 won");
  if (!Number.isInteger(terms.rateBp) || terms.rateBp < 0 || terms.rateBp > 10_000) throw new RangeError("Rate must be 0..10000 bp");
  if (!Number.isInteger(terms.termMonths) || terms.termMonths < 1 || terms.termMonths > 480) throw new RangeError("Term must be 1..480 months");
  if (!Number.isInteger(terms.graceMonths) || terms.graceMonths < 0 || terms.graceMonths >= terms.termMonths) {
    throw new RangeError("Grace months must be fewer than the term");
  }
  parseIsoDate(terms.startDate);
}

/** The full repayment schedule of a new loan. */
export function buildSchedule(terms: LoanTerms): ScheduledInstalment[] {
  assertValidTerms(terms);
  return amortise({ principalWon: terms.principalWon, rateBp: terms.rateBp, method: terms.method, periods: loanPeriods(terms) });
}

export interface ScheduleTotals {
  principalWon: number;
  interestWon: number;
  totalWon: number;
}

export function scheduleTotals(rows: readonly Pick<ScheduledInstalment, "principalWon" | "interestWon">[]): ScheduleTotals {
  let principalWon = 0;
  let interestWon = 0;
  for (const row of rows) {
    principalWon += row.principalWon;
    interestWon += row.interestWon;
  }
  return { principalWon, interestWon, totalWon: principalWon + interestWon };
}

// ---- penalty interest ----------------------------------------------------------------------

/** The rate arrears accrue at: the contract rate plus the penalty spread (default +300 bp). */
export function penaltyRateBp(contractRateBp: number, penaltySpreadBp: number): number {
  return contractRateBp + penaltySpreadBp;
}

/**
 * Penalty interest on an overdue amount for `days` days: actual/365 at the penalty rate, truncated
 * to the won. It accrues day by day; it is fixed (truncated) only where the overdue amount changes,
 * i.e. at a repayment, so the figure never depends on how often anyone looks at it.
 */
export function penaltyInterest(overdueWon: number, ratePenaltyBp: number, days: number): number {
  return periodInterest(overdueWon, ratePenaltyBp, days);
}
