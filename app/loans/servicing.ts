import {
  addMonthsClamped,
  amortise,
  daysBetween,
  monthlyDueDates,
  penaltyInterest,
  penaltyRateBp,
  periodInterest,
  type RepaymentMethod,
  type SchedulePeriod,
  type ScheduledInstalment,
} from "./schedule";

// Servicing a disbursed loan: what is due, penalty interest on arrears, how a repayment is
// allocated (penalty → interest → principal, oldest instalment first), prepayment and term
// extension re-scheduling the rest. Pure: the server module loads the instalments, asks here
// what changes, and writes exactly that.

export type InstalmentKind = "scheduled" | "prepayment";

export interface InstalmentState {
  number: number;
  kind: InstalmentKind;
  periodStart: string;
  dueDate: string;
  principalDueWon: number;
  interestDueWon: number;
  principalPaidWon: number;
  interestPaidWon: number;
  /** Penalty fixed up to `penaltyThrough` (a repayment date, or the due date before any). */
  penaltyAccruedWon: number;
  penaltyPaidWon: number;
  penaltyThrough: string;
  paidOffOn: string | null;
}

export interface ContractTerms {
  principalWon: number;
  rateBp: number;
  /** Spread over the contract rate for arrears (default 300). */
  penaltyBp: number;
  method: RepaymentMethod;
  graceMonths: number;
  termMonths: number;
  disbursedOn: string;
}

export type ServicingError =
  | { code: "amountAboveDue"; maxWon: number }
  | { code: "nothingDue" }
  | { code: "nothingToPrepay" }
  | { code: "instalmentPartlyPaid" }
  | { code: "prepaymentTooSmall"; minimumWon: number }
  | { code: "amountAbovePayoff"; payoffWon: number }
  | { code: "loanInArrears" };

export interface AllocationLine {
  number: number;
  penaltyWon: number;
  interestWon: number;
  principalWon: number;
}

export interface Allocation {
  lines: AllocationLine[];
  penaltyWon: number;
  interestWon: number;
  principalWon: number;
  totalWon: number;
}

export type Outcome<T> = ({ ok: true } & T) | { ok: false; error: ServicingError };

export function instalmentFromSchedule(row: ScheduledInstalment, kind: InstalmentKind = "scheduled"): InstalmentState {
  return {
    number: row.number,
    kind,
    periodStart: row.periodStart,
    dueDate: row.dueDate,
    principalDueWon: row.principalWon,
    interestDueWon: row.interestWon,
    principalPaidWon: 0,
    interestPaidWon: 0,
    penaltyAccruedWon: 0,
    penaltyPaidWon: 0,
    penaltyThrough: row.dueDate,
    paidOffOn: null,
  };
}

export function unpaidPrincipal(i: InstalmentState): number {
  return i.principalDueWon - i.principalPaidWon;
}

export function unpaidInterest(i: InstalmentState): number {
  return i.interestDueWon - i.interestPaidWon;
}

/** What the penalty is charged on: the instalment's unpaid principal and interest (never penalty on penalty). */
export function overdueBase(i: InstalmentState): number {
  return unpaidPrincipal(i) + unpaidInterest(i);
}

export function hasPayments(i: InstalmentState): boolean {
  return i.principalPaidWon > 0 || i.interestPaidWon > 0 || i.penaltyPaidWon > 0;
}

function settled(i: InstalmentState): boolean {
  return overdueBase(i) === 0 && i.penaltyPaidWon === i.penaltyAccruedWon;
}

/** Penalty accrued on an instalment by the end of `asOf`: daily from the day after its due date. */
export function penaltyAsOf(i: InstalmentState, asOf: string, terms: Pick<ContractTerms, "rateBp" | "penaltyBp">): number {
  const days = daysBetween(i.penaltyThrough, asOf);
  if (days <= 0 || overdueBase(i) === 0) return i.penaltyAccruedWon;
  return i.penaltyAccruedWon + penaltyInterest(overdueBase(i), penaltyRateBp(terms.rateBp, terms.penaltyBp), days);
}

/** Fixes the penalty of every overdue instalment up to `asOf` (before its base changes). */
export function accrueTo(instalments: readonly InstalmentState[], asOf: string, terms: Pick<ContractTerms, "rateBp" | "penaltyBp">): InstalmentState[] {
  return instalments.map((i) => {
    if (daysBetween(i.penaltyThrough, asOf) <= 0 || i.paidOffOn !== null) return { ...i };
    return { ...i, penaltyAccruedWon: penaltyAsOf(i, asOf, terms), penaltyThrough: asOf };
  });
}

export interface Arrears {
  daysOverdue: number;
  oldestDueDate: string | null;
  principalWon: number;
  interestWon: number;
  penaltyWon: number;
  totalWon: number;
  instalments: number;
}

/** Instalments due before `asOf` and not fully paid, with their penalty as of `asOf`. */
export function arrearsAsOf(instalments: readonly InstalmentState[], asOf: string, terms: Pick<ContractTerms, "rateBp" | "penaltyBp">): Arrears {
  const result: Arrears = { daysOverdue: 0, oldestDueDate: null, principalWon: 0, interestWon: 0, penaltyWon: 0, totalWon: 0, instalments: 0 };
  for (const i of instalments) {
    if (i.paidOffOn !== null || i.dueDate >= asOf) continue;
    const penalty = penaltyAsOf(i, asOf, terms) - i.penaltyPaidWon;
    if (overdueBase(i) === 0 && penalty === 0) continue;
    result.instalments += 1;
    result.principalWon += unpaidPrincipal(i);
    result.interestWon += unpaidInterest(i);
    result.penaltyWon += penalty;
    if (result.oldestDueDate === null || i.dueDate < result.oldestDueDate) result.oldestDueDate = i.dueDate;
  }
  result.totalWon = result.principalWon + result.interestWon + result.penaltyWon;
  result.daysOverdue = result.oldestDueDate ? daysBetween(result.oldestDueDate, asOf) : 0;
  return result;
}

export const ARREARS_BUCKETS = ["1_30", "31_90", "90_plus"] as const;
export type ArrearsBucket = (typeof ARREARS_BUCKETS)[number];

export function arrearsBucket(daysOverdue: number): ArrearsBucket | null {
  if (daysOverdue <= 0) return null;
  if (daysOverdue <= 30) return "1_30";
  if (daysOverdue <= 90) return "31_90";
  return "90_plus";
}

export function outstandingPrincipal(instalments: readonly InstalmentState[]): number {
  return instalments.reduce((sum, i) => sum + unpaidPrincipal(i), 0);
}

export interface NextPayment {
  dueDate: string;
  amountWon: number;
  overdue: boolean;
}

/** What the enterprise should pay next: its arrears if any, otherwise the next instalment's remainder. */
export function nextPayment(instalments: readonly InstalmentState[], asOf: string, terms: Pick<ContractTerms, "rateBp" | "penaltyBp">): NextPayment | null {
  const arrears = arrearsAsOf(instalments, asOf, terms);
  if (arrears.totalWon > 0 && arrears.oldestDueDate) return { dueDate: arrears.oldestDueDate, amountWon: arrears.totalWon, overdue: true };
  const next = instalments.find((i) => i.paidOffOn === null && overdueBase(i) > 0);
  if (!next) return null;
  return { dueDate: next.dueDate, amountWon: overdueBase(next), overdue: false };
}

function emptyAllocation(): Allocation {
  return { lines: [], penaltyWon: 0, interestWon: 0, principalWon: 0, totalWon: 0 };
}

class Allocator {
  readonly allocation = emptyAllocation();
  private readonly lines = new Map<number, AllocationLine>();

  constructor(public remaining: number) {}

  private line(number: number): AllocationLine {
    let line = this.lines.get(number);
    if (!line) {
      line = { number, penaltyWon: 0, interestWon: 0, principalWon: 0 };
      this.lines.set(number, line);
    }
    return line;
  }

  take(i: InstalmentState, part: "penalty" | "interest" | "principal"): void {
    const open = part === "penalty" ? i.penaltyAccruedWon - i.penaltyPaidWon : part === "interest" ? unpaidInterest(i) : unpaidPrincipal(i);
    const amount = Math.min(open, this.remaining);
    if (amount <= 0) return;
    this.remaining -= amount;
    const line = this.line(i.number);
    if (part === "penalty") {
      i.penaltyPaidWon += amount;
      line.penaltyWon += amount;
      this.allocation.penaltyWon += amount;
    } else if (part === "interest") {
      i.interestPaidWon += amount;
      line.interestWon += amount;
      this.allocation.interestWon += amount;
    } else {
      i.principalPaidWon += amount;
      line.principalWon += amount;
      this.allocation.principalWon += amount;
    }
    this.allocation.totalWon += amount;
  }

  finish(): Allocation {
    this.allocation.lines = [...this.lines.values()].sort((a, b) => a.number - b.number);
    return this.allocation;
  }
}

function markPaidOff(instalments: InstalmentState[], on: string): void {
  for (const i of instalments) if (i.paidOffOn === null && settled(i)) i.paidOffOn = on;
}

/**
 * A regular repayment on `paidOn`: penalty, then interest, then principal of everything due
 * (oldest first), then the next instalment paid early. More than that is refused: the rest is a
 * prepayment, a decision the administrator takes explicitly.
 */
export function allocateRepayment(
  instalments: readonly InstalmentState[],
  paidOn: string,
  amountWon: number,
  terms: Pick<ContractTerms, "rateBp" | "penaltyBp">,
): Outcome<{ instalments: InstalmentState[]; allocation: Allocation }> {
  const next = accrueTo(instalments, paidOn, terms).sort((a, b) => a.number - b.number);
  const due = next.filter((i) => i.paidOffOn === null && i.dueDate <= paidOn);
  const upcoming = next.find((i) => i.paidOffOn === null && i.dueDate > paidOn);
  const allocator = new Allocator(amountWon);
  for (const part of ["penalty", "interest", "principal"] as const) for (const i of due) allocator.take(i, part);
  if (upcoming) {
    allocator.take(upcoming, "interest");
    allocator.take(upcoming, "principal");
  }
  if (allocator.allocation.totalWon === 0) return { ok: false, error: { code: "nothingDue" } };
  if (allocator.remaining > 0) return { ok: false, error: { code: "amountAboveDue", maxWon: amountWon - allocator.remaining } };
  markPaidOff(next, paidOn);
  return { ok: true, instalments: next, allocation: allocator.finish() };
}

/** The last day of the grace period: instalments due on or before it are interest only. */
export function graceEnds(terms: Pick<ContractTerms, "disbursedOn" | "graceMonths">): string {
  return addMonthsClamped(terms.disbursedOn, terms.graceMonths);
}

function periodIsInterestOnly(terms: ContractTerms, due: string): boolean {
  return terms.method === "bullet" || (terms.graceMonths > 0 && due <= graceEnds(terms));
}

function reschedule(terms: ContractTerms, principalWon: number, periods: SchedulePeriod[], firstNumber: number): InstalmentState[] {
  return amortise({ principalWon, rateBp: terms.rateBp, method: terms.method, periods, firstNumber }).map((row) => instalmentFromSchedule(row));
}

export interface PrepaymentQuote {
  /** Arrears (penalty, interest, principal due) that a prepayment settles first. */
  arrearsWon: number;
  /** Interest from the current period's start to the prepayment date on the principal outstanding. */
  accruedInterestWon: number;
  outstandingWon: number;
  payoffWon: number;
  /** The instalment the prepayment splits. */
  currentNumber: number;
  accrualStart: string;
}

/** What paying the loan off on `paidOn` costs, or why it cannot be prepaid that day. */
export function quotePrepayment(terms: ContractTerms, instalments: readonly InstalmentState[], paidOn: string): Outcome<{ quote: PrepaymentQuote }> {
  const accrued = accrueTo(instalments, paidOn, terms).sort((a, b) => a.number - b.number);
  const current = accrued.find((i) => i.paidOffOn === null && i.dueDate > paidOn);
  if (!current) return { ok: false, error: { code: "nothingToPrepay" } };
  if (hasPayments(current)) return { ok: false, error: { code: "instalmentPartlyPaid" } };
  let arrearsWon = 0;
  for (const i of accrued) {
    if (i.paidOffOn === null && i.dueDate <= paidOn) arrearsWon += overdueBase(i) + i.penaltyAccruedWon - i.penaltyPaidWon;
  }
  const outstandingWon = accrued.filter((i) => i.number >= current.number).reduce((sum, i) => sum + unpaidPrincipal(i), 0);
  const accrualStart = current.periodStart;
  const accruedInterestWon = periodInterest(outstandingWon, terms.rateBp, Math.max(0, daysBetween(accrualStart, paidOn)));
  return {
    ok: true,
    quote: { arrearsWon, accruedInterestWon, outstandingWon, payoffWon: arrearsWon + accruedInterestWon + outstandingWon, currentNumber: current.number, accrualStart },
  };
}

/**
 * A prepayment on `paidOn`: settles all arrears, the interest accrued in the current period and
 * then principal. The current period is split at the prepayment (a "prepayment" instalment, paid),
 * and the principal still outstanding is re-scheduled over the remaining due dates (same maturity,
 * smaller instalments). Paying the whole payoff closes the schedule.
 */
export function planPrepayment(
  terms: ContractTerms,
  instalments: readonly InstalmentState[],
  paidOn: string,
  amountWon: number,
): Outcome<{ instalments: InstalmentState[]; allocation: Allocation; removedNumbers: number[]; closes: boolean }> {
  const quoted = quotePrepayment(terms, instalments, paidOn);
  if (!quoted.ok) return quoted;
  const { quote } = quoted;
  const minimumWon = quote.arrearsWon + quote.accruedInterestWon + 1;
  if (amountWon < minimumWon) return { ok: false, error: { code: "prepaymentTooSmall", minimumWon } };
  if (amountWon > quote.payoffWon) return { ok: false, error: { code: "amountAbovePayoff", payoffWon: quote.payoffWon } };

  const accrued = accrueTo(instalments, paidOn, terms).sort((a, b) => a.number - b.number);
  const kept = accrued.filter((i) => i.number < quote.currentNumber);
  const replaced = accrued.filter((i) => i.number >= quote.currentNumber);
  const allocator = new Allocator(quote.arrearsWon);
  const due = kept.filter((i) => i.paidOffOn === null);
  for (const part of ["penalty", "interest", "principal"] as const) for (const i of due) allocator.take(i, part);
  markPaidOff(kept, paidOn);

  const principalWon = amountWon - quote.arrearsWon - quote.accruedInterestWon;
  const splitsPeriod = daysBetween(quote.accrualStart, paidOn) > 0;
  const prepaymentRow: InstalmentState = {
    number: quote.currentNumber,
    kind: "prepayment",
    // Paid before the current period even began (the one before was paid early): the principal
    // comes off from that period's start, so the row sits there to keep the schedule in order.
    periodStart: quote.accrualStart,
    dueDate: splitsPeriod ? paidOn : quote.accrualStart,
    principalDueWon: principalWon,
    interestDueWon: quote.accruedInterestWon,
    principalPaidWon: principalWon,
    interestPaidWon: quote.accruedInterestWon,
    penaltyAccruedWon: 0,
    penaltyPaidWon: 0,
    penaltyThrough: paidOn,
    paidOffOn: paidOn,
  };
  const allocation = allocator.finish();
  allocation.lines.push({ number: prepaymentRow.number, penaltyWon: 0, interestWon: quote.accruedInterestWon, principalWon });
  allocation.interestWon += quote.accruedInterestWon;
  allocation.principalWon += principalWon;
  allocation.totalWon += quote.accruedInterestWon + principalWon;

  const remainingWon = quote.outstandingWon - principalWon;
  const periods: SchedulePeriod[] = replaced.map((i, index) => ({
    start: index === 0 && splitsPeriod ? paidOn : i.periodStart,
    due: i.dueDate,
    interestOnly: periodIsInterestOnly(terms, i.dueDate),
  }));
  const rest = remainingWon > 0 ? reschedule(terms, remainingWon, periods, quote.currentNumber + 1) : [];
  return {
    ok: true,
    instalments: [...kept, prepaymentRow, ...rest],
    allocation,
    removedNumbers: replaced.map((i) => i.number),
    closes: remainingWon === 0 && kept.every((i) => i.paidOffOn !== null),
  };
}

/**
 * Extends the term by `extraMonths`: the principal outstanding is re-scheduled from the first
 * unpaid instalment over its remaining due dates plus the new ones (monthly, anchored on the
 * disbursement day). Refused while anything is overdue or the next instalment is partly paid.
 */
export function planExtension(
  terms: ContractTerms,
  instalments: readonly InstalmentState[],
  asOf: string,
  extraMonths: number,
): Outcome<{ instalments: InstalmentState[]; removedNumbers: number[]; termMonths: number; maturityOn: string }> {
  if (!Number.isInteger(extraMonths) || extraMonths < 1) throw new RangeError("An extension adds at least one month");
  const sorted = [...instalments].sort((a, b) => a.number - b.number);
  const current = sorted.find((i) => i.paidOffOn === null);
  if (!current) return { ok: false, error: { code: "nothingToPrepay" } };
  if (current.dueDate < asOf) return { ok: false, error: { code: "loanInArrears" } };
  if (hasPayments(current)) return { ok: false, error: { code: "instalmentPartlyPaid" } };
  const replaced = sorted.filter((i) => i.number >= current.number);
  const kept = sorted.filter((i) => i.number < current.number);
  const termMonths = terms.termMonths + extraMonths;
  const added = monthlyDueDates(terms.disbursedOn, extraMonths, terms.termMonths + 1);
  const lastDue = replaced.at(-1)?.dueDate ?? current.dueDate;
  const periods: SchedulePeriod[] = [
    ...replaced.map((i) => ({ start: i.periodStart, due: i.dueDate, interestOnly: periodIsInterestOnly(terms, i.dueDate) })),
    ...added.map((due, index) => ({ start: index === 0 ? lastDue : (added[index - 1] ?? lastDue), due, interestOnly: periodIsInterestOnly(terms, due) })),
  ];
  const outstanding = replaced.reduce((sum, i) => sum + unpaidPrincipal(i), 0);
  const rest = reschedule(terms, outstanding, periods, current.number);
  return {
    ok: true,
    instalments: [...kept.map((i) => ({ ...i })), ...rest],
    removedNumbers: replaced.map((i) => i.number),
    termMonths,
    maturityOn: added.at(-1) ?? lastDue,
  };
}

/** Every instalment (principal, interest and penalty) is paid. */
export function isFullyRepaid(instalments: readonly InstalmentState[]): boolean {
  return instalments.length > 0 && instalments.every((i) => i.paidOffOn !== null);
}
