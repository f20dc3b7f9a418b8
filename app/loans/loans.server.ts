import { createHash } from "node:crypto";
import type { Selectable } from "kysely";
import type { LoanEventKind, LoanInstalmentsTable, LoanState, RepaymentChannel, RepaymentKind } from "../../db/types";
import { enqueueEmail } from "../email/outbox.server";
import { fundCash, fundInterestIncome, fundPenaltyIncome, loanReceivable } from "../fund/fund";
import { fundMoney, inTransaction, lockFund } from "../fund/fund.server";
import type { ErrorKey } from "../i18n/messages/errors";
import type { LineDraft } from "../ledger/ledger";
import { appendEntry, getBalance } from "../ledger/ledger.server";
import { AppError } from "../utils/app-error";
import { seoulDate, startOfSeoulDay } from "../utils/dates";
import type { Database, DbOrTx, Tx } from "../utils/db.server";
import { isCheckViolation, isUniqueViolation } from "../utils/pg-errors";
import { applicantRecipients } from "./applications.server";
import { SERVICED_LOAN_STATES } from "./loans";
import { addDays, buildSchedule, penaltyRateBp } from "./schedule";
import {
  allocateRepayment,
  arrearsAsOf,
  instalmentFromSchedule,
  isFullyRepaid,
  nextPayment,
  outstandingPrincipal,
  planExtension,
  planPrepayment,
  type Allocation,
  type ContractTerms,
  type InstalmentState,
  type ServicingError,
} from "./servicing";

// Contracts, disbursement and servicing. Every change to a loan's money is one transaction:
// the loan row is locked, the pure servicing module says what changes, and the instalments,
// the repayment, the ledger entry, the events and the e-mails are written together.

export async function getLoan(db: DbOrTx, id: number) {
  return db
    .selectFrom("loans as l")
    .innerJoin("enterprises as e", "e.id", "l.enterprise_id")
    .innerJoin("loan_products as p", "p.id", "l.product_id")
    .innerJoin("funds as f", "f.id", "l.fund_id")
    .leftJoin("journal_entries as disbursement_entry", "disbursement_entry.id", "l.disbursement_entry_id")
    .leftJoin("journal_entries as written_off_entry", "written_off_entry.id", "l.written_off_entry_id")
    .select([
      "l.id",
      "l.application_id",
      "l.fund_id",
      "l.enterprise_id",
      "l.product_id",
      "l.principal_won",
      "l.rate_bp",
      "l.penalty_bp",
      "l.term_months",
      "l.original_term_months",
      "l.repayment_method",
      "l.grace_months",
      "l.delinquency_grace_days",
      "l.landlord_name",
      "l.store_address",
      "l.contracted_on",
      "l.disbursed_on",
      "l.disbursement_reference",
      "disbursement_entry.seq as disbursement_seq",
      "l.maturity_on",
      "l.state",
      "l.state_reason",
      "l.closed_on",
      "l.written_off_won",
      "written_off_entry.seq as written_off_seq",
      "e.name as enterprise_name",
      "e.district as enterprise_district",
      "p.name as product_name",
      "p.code as product_code",
      "p.version as product_version",
      "f.name as fund_name",
      "f.slug as fund_slug",
      "f.host_id",
    ])
    .where("l.id", "=", id)
    .executeTakeFirst();
}

export type LoanDetail = NonNullable<Awaited<ReturnType<typeof getLoan>>>;

type LoanTermsRow = Pick<LoanDetail, "principal_won" | "rate_bp" | "penalty_bp" | "repayment_method" | "grace_months" | "term_months" | "disbursed_on">;

export function contractTerms(loan: LoanTermsRow): ContractTerms {
  if (!loan.disbursed_on) throw new Error("The loan is not disbursed yet");
  return {
    principalWon: loan.principal_won,
    rateBp: loan.rate_bp,
    penaltyBp: loan.penalty_bp,
    method: loan.repayment_method,
    graceMonths: loan.grace_months,
    termMonths: loan.term_months,
    disbursedOn: loan.disbursed_on,
  };
}

/** A stored instalment as the servicing maths reads it. */
export function instalmentFromRow(r: Selectable<LoanInstalmentsTable>): InstalmentState {
  return {
    number: r.number,
    kind: r.kind,
    periodStart: r.period_start,
    dueDate: r.due_date,
    principalDueWon: r.principal_due_won,
    interestDueWon: r.interest_due_won,
    principalPaidWon: r.principal_paid_won,
    interestPaidWon: r.interest_paid_won,
    penaltyAccruedWon: r.penalty_accrued_won,
    penaltyPaidWon: r.penalty_paid_won,
    penaltyThrough: r.penalty_through,
    paidOffOn: r.paid_off_on,
  };
}

export async function loadInstalments(db: DbOrTx, loanId: number): Promise<InstalmentState[]> {
  const rows = await db.selectFrom("loan_instalments").selectAll().where("loan_id", "=", loanId).orderBy("number").execute();
  return rows.map(instalmentFromRow);
}

export async function listRepayments(db: DbOrTx, loanId: number) {
  return db
    .selectFrom("loan_repayments as r")
    .leftJoin("users as u", "u.id", "r.recorded_by")
    .leftJoin("journal_entries as ledger_entry", "ledger_entry.id", "r.ledger_entry_id")
    .select(["r.id", "r.kind", "r.method", "r.external_reference", "r.paid_on", "r.amount_won", "r.penalty_won", "r.interest_won", "r.principal_won", "ledger_entry.seq as ledger_seq", "r.recorded_at", "u.display_name as recorded_by_name"])
    .where("r.loan_id", "=", loanId)
    .orderBy("r.id")
    .execute();
}

export async function listLoanEvents(db: DbOrTx, loanId: number) {
  return db
    .selectFrom("loan_events as ev")
    .leftJoin("users as u", "u.id", "ev.actor_id")
    .select(["ev.id", "ev.kind", "ev.effective_on", "ev.reason", "ev.details", "ev.occurred_at", "u.display_name as actor_name"])
    .where("ev.loan_id", "=", loanId)
    .orderBy("ev.id")
    .execute();
}

export async function listLoansForEnterprise(db: DbOrTx, enterpriseId: number) {
  return db
    .selectFrom("loans as l")
    .innerJoin("funds as f", "f.id", "l.fund_id")
    .innerJoin("loan_products as p", "p.id", "l.product_id")
    .select(["l.id", "l.state", "l.principal_won", "l.rate_bp", "l.penalty_bp", "l.repayment_method", "l.grace_months", "l.term_months", "l.disbursed_on", "l.maturity_on", "l.closed_on", "f.name as fund_name", "p.name as product_name"])
    .where("l.enterprise_id", "=", enterpriseId)
    .orderBy("l.id", "desc")
    .execute();
}

/** One line of the loan's history (append-only). */
export async function addLoanEvent(trx: Tx, loanId: number, kind: LoanEventKind, effectiveOn: string, actorId: number | null, now: Date, reason = "", details: Record<string, unknown> = {}) {
  await trx
    .insertInto("loan_events")
    .values({ loan_id: loanId, kind, effective_on: effectiveOn, reason, details: JSON.stringify(details), actor_id: actorId, occurred_at: now })
    .execute();
}

export async function lockLoan(trx: Tx, loanId: number) {
  const loan = await trx.selectFrom("loans").selectAll().where("id", "=", loanId).forUpdate().executeTakeFirst();
  if (!loan) throw new AppError("invalidChoice", 404);
  return loan;
}

function assertNotFuture(date: string, today: string, field: string): void {
  if (date > today) throw new AppError("dateInFuture", 422, field);
}

/** Makes the contract: the approved application's terms, frozen from its product version. */
export async function contractLoan(db: DbOrTx, request: { applicationId: number; userId: number; contractedOn: string; today: string; now: Date }): Promise<number> {
  assertNotFuture(request.contractedOn, request.today, "contractedOn");
  try {
    return await inTransaction(db, async (trx) => {
      const app = await trx.selectFrom("loan_applications").selectAll().where("id", "=", request.applicationId).forUpdate().executeTakeFirstOrThrow();
      if (app.state !== "approved") throw new AppError("applicationStateChanged", 409);
      if (app.decided_at && request.contractedOn < seoulDate(app.decided_at)) throw new AppError("invalidDate", 422, "contractedOn");
      const product = await trx.selectFrom("loan_products").selectAll().where("id", "=", app.product_id).executeTakeFirstOrThrow();
      const loan = await trx
        .insertInto("loans")
        .values({
          application_id: app.id,
          fund_id: app.fund_id,
          enterprise_id: app.enterprise_id,
          product_id: product.id,
          principal_won: app.amount_won,
          rate_bp: product.rate_bp,
          penalty_bp: product.penalty_bp,
          term_months: product.term_months,
          original_term_months: product.term_months,
          repayment_method: product.repayment_method,
          grace_months: product.grace_months,
          delinquency_grace_days: product.delinquency_grace_days,
          landlord_name: app.landlord_name,
          store_address: app.store_address,
          contracted_on: request.contractedOn,
          contracted_by: request.userId,
          created_at: request.now,
          updated_at: request.now,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await trx.updateTable("loan_applications").set({ state: "contracted", updated_at: request.now }).where("id", "=", app.id).execute();
      await addLoanEvent(trx, loan.id, "contracted", request.contractedOn, request.userId, request.now, "", { product_id: product.id, product_version: product.version });
      return loan.id;
    });
  } catch (error) {
    if (!db.isTransaction && (isUniqueViolation(error) || isCheckViolation(error))) throw new AppError("applicationStateChanged", 409);
    throw error;
  }
}

export interface DisburseRequest {
  loanId: number;
  userId: number;
  disbursedOn: string;
  reference: string;
  today: string;
  now: Date;
  origin: string;
  silent?: boolean;
}

/** Pays the principal from the fund to the landlord, in the ledger, and fixes the schedule. */
export async function disburseLoan(db: DbOrTx, request: DisburseRequest): Promise<void> {
  assertNotFuture(request.disbursedOn, request.today, "disbursedOn");
  try {
    await inTransaction(db, async (trx) => {
      const loan = await lockLoan(trx, request.loanId);
      await lockFund(trx, loan.fund_id);
      if (loan.state !== "contracted") throw new AppError("loanNotActive", 409);
      if (request.disbursedOn < loan.contracted_on) throw new AppError("dateBeforeContract", 422, "disbursedOn");
      // The committed money is this loan's own: what matters now is the cash.
      const money = await fundMoney(trx, loan.fund_id);
      if (loan.principal_won > money.balanceWon) throw new AppError("fundBalanceTooLow", 422);
      const schedule = buildSchedule({
        principalWon: loan.principal_won,
        rateBp: loan.rate_bp,
        termMonths: loan.term_months,
        graceMonths: loan.grace_months,
        method: loan.repayment_method,
        startDate: request.disbursedOn,
      });
      const entry = await appendEntry(trx, {
        kind: "loan.disbursement",
        occurredAt: startOfSeoulDay(request.disbursedOn),
        memo: "전세점포 임대보증금 융자금 지급 (임대인에게 직접 지급)",
        refs: { fund: loan.fund_id, loan: loan.id, paid_to: "landlord" },
        idempotencyKey: `loan:${loan.id}:disbursement`,
        lines: [
          { account: fundCash(loan.fund_id), amountWon: -loan.principal_won },
          { account: loanReceivable(loan.id), amountWon: loan.principal_won },
        ],
      });
      await trx
        .updateTable("loans")
        .set({
          state: "disbursed",
          disbursed_on: request.disbursedOn,
          disbursed_by: request.userId,
          disbursement_reference: request.reference,
          disbursement_entry_id: entry.entryId,
          maturity_on: schedule.at(-1)?.dueDate ?? request.disbursedOn,
          updated_at: request.now,
        })
        .where("id", "=", loan.id)
        .execute();
      await trx
        .insertInto("loan_instalments")
        .values(schedule.map((row) => instalmentRow(loan.id, instalmentFromSchedule(row))))
        .execute();
      await addLoanEvent(trx, loan.id, "disbursed", request.disbursedOn, request.userId, request.now, "", { ledger_entry_id: entry.entryId });
      const first = schedule[0];
      if (!request.silent) await notifyStatus(trx, loan.id, "disbursed", request.disbursedOn, loan.principal_won, "", first ? { dueDate: first.dueDate, amountWon: first.totalWon } : null, request.origin);
    });
  } catch (error) {
    if (isCheckViolation(error, "ledger_accounts_balance_not_negative")) throw new AppError("fundBalanceTooLow", 422);
    throw error;
  }
}

function instalmentRow(loanId: number, i: InstalmentState) {
  return {
    loan_id: loanId,
    number: i.number,
    kind: i.kind,
    period_start: i.periodStart,
    due_date: i.dueDate,
    principal_due_won: i.principalDueWon,
    interest_due_won: i.interestDueWon,
    principal_paid_won: i.principalPaidWon,
    interest_paid_won: i.interestPaidWon,
    penalty_accrued_won: i.penaltyAccruedWon,
    penalty_paid_won: i.penaltyPaidWon,
    penalty_through: i.penaltyThrough,
    paid_off_on: i.paidOffOn,
  };
}

/** Writes the instalments the servicing module returned: removed rows go, changed rows are updated, new rows added. */
async function saveInstalments(trx: Tx, loanId: number, before: readonly InstalmentState[], after: readonly InstalmentState[], removed: readonly number[]): Promise<void> {
  if (removed.length > 0) await trx.deleteFrom("loan_instalments").where("loan_id", "=", loanId).where("number", "in", [...removed]).execute();
  const previous = new Map(before.filter((i) => !removed.includes(i.number)).map((i) => [i.number, i]));
  const inserts: InstalmentState[] = [];
  for (const row of after) {
    const old = previous.get(row.number);
    if (!old) {
      inserts.push(row);
      continue;
    }
    if (JSON.stringify(old) === JSON.stringify(row)) continue;
    await trx
      .updateTable("loan_instalments")
      .set({
        principal_paid_won: row.principalPaidWon,
        interest_paid_won: row.interestPaidWon,
        penalty_accrued_won: row.penaltyAccruedWon,
        penalty_paid_won: row.penaltyPaidWon,
        penalty_through: row.penaltyThrough,
        paid_off_on: row.paidOffOn,
      })
      .where("loan_id", "=", loanId)
      .where("number", "=", row.number)
      .execute();
  }
  if (inserts.length > 0) await trx.insertInto("loan_instalments").values(inserts.map((i) => instalmentRow(loanId, i))).execute();
}

function servicingRefusal(error: ServicingError): AppError {
  const codes: Record<ServicingError["code"], ErrorKey> = {
    amountAboveDue: "amountAboveDue",
    nothingDue: "nothingDue",
    nothingToPrepay: "nothingToPrepay",
    instalmentPartlyPaid: "instalmentPartlyPaid",
    prepaymentTooSmall: "prepaymentTooSmall",
    amountAbovePayoff: "amountAbovePayoff",
    loanInArrears: "loanInArrears",
  };
  return new AppError(codes[error.code], 422, error.code === "loanInArrears" || error.code === "instalmentPartlyPaid" ? undefined : "amountWon");
}

/** The state a serviced loan is in after a change, as of `today`. */
function stateAfter(current: LoanState, instalments: readonly InstalmentState[], terms: ContractTerms, today: string, graceDays: number): LoanState {
  if (isFullyRepaid(instalments)) return "closed";
  if (current === "defaulted") return current;
  const arrears = arrearsAsOf(instalments, today, terms);
  if (arrears.daysOverdue > graceDays) return "delinquent";
  return "repaying";
}

export interface RepaymentRequest {
  loanId: number;
  kind: RepaymentKind;
  /** "bank_transfer" when an administrator records it; "online" when the payment provider confirms it. */
  method: RepaymentChannel;
  amountWon: number;
  paidOn: string;
  /** The bank transfer's reference, or the payment provider's payment id. */
  externalReference: string;
  idempotencyKey: string;
  /** The administrator; null for a payment confirmed online. */
  recordedBy: number | null;
  today: string;
  now: Date;
  origin: string;
  silent?: boolean;
}

export interface RepaymentResult {
  repaymentId: number;
  duplicate: boolean;
  allocation: Omit<Allocation, "lines">;
  loanState: LoanState;
}

function fingerprint(request: RepaymentRequest): string {
  const { loanId, kind, method, amountWon, paidOn, externalReference } = request;
  return createHash("sha256").update(JSON.stringify({ loanId, kind, method, amountWon, paidOn, externalReference })).digest("hex");
}

async function existingRepayment(db: DbOrTx, request: RepaymentRequest): Promise<RepaymentResult | null> {
  let query = db.selectFrom("loan_repayments").selectAll();
  query = request.method === "online" ? query.where((eb) => eb.or([eb("idempotency_key", "=", request.idempotencyKey), eb.and([eb("method", "=", "online"), eb("external_reference", "=", request.externalReference)])])) : query.where("idempotency_key", "=", request.idempotencyKey);
  const row = await query.executeTakeFirst();
  if (!row) return null;
  if (row.request_fingerprint !== fingerprint(request)) throw new AppError("requestNumberReused", 409);
  const loan = await db.selectFrom("loans").select("state").where("id", "=", row.loan_id).executeTakeFirstOrThrow();
  return {
    repaymentId: row.id,
    duplicate: true,
    allocation: { penaltyWon: row.penalty_won, interestWon: row.interest_won, principalWon: row.principal_won, totalWon: row.amount_won },
    loanState: loan.state,
  };
}

/**
 * Records one repayment — the administrator's bank-transfer record and, later, the payment
 * provider's online confirmation both come here. Allocated penalty → interest → principal; a
 * prepayment re-schedules the rest. The same idempotency key (or online payment id) twice records
 * it once; the same key with a different request is refused.
 */
export async function recordRepayment(db: DbOrTx, request: RepaymentRequest): Promise<RepaymentResult> {
  if (!/^[A-Za-z0-9_:.-]{8,100}$/.test(request.idempotencyKey)) throw new AppError("invalid", 422, "idempotencyKey");
  if (!Number.isSafeInteger(request.amountWon) || request.amountWon < 1) throw new AppError("invalidAmount", 422, "amountWon");
  assertNotFuture(request.paidOn, request.today, "paidOn");
  try {
    return await inTransaction(db, async (trx) => {
      const loan = await lockLoan(trx, request.loanId);
      const earlier = await existingRepayment(trx, request);
      if (earlier) return earlier;
      if (!(SERVICED_LOAN_STATES as readonly string[]).includes(loan.state)) throw new AppError("loanNotActive", 409);
      const terms = contractTerms(loan);
      if (request.paidOn < terms.disbursedOn) throw new AppError("dateBeforeDisbursement", 422, "paidOn");
      const last = await trx.selectFrom("loan_repayments").select("paid_on").where("loan_id", "=", loan.id).orderBy("paid_on", "desc").limit(1).executeTakeFirst();
      if (last && request.paidOn < last.paid_on) throw new AppError("dateBeforeLastRepayment", 422, "paidOn");
      const before = await loadInstalments(trx, loan.id);
      const plan =
        request.kind === "instalment"
          ? (() => {
              const result = allocateRepayment(before, request.paidOn, request.amountWon, terms);
              return result.ok ? { ok: true as const, instalments: result.instalments, allocation: result.allocation, removedNumbers: [] as number[] } : result;
            })()
          : planPrepayment(terms, before, request.paidOn, request.amountWon);
      if (!plan.ok) throw servicingRefusal(plan.error);
      const { allocation } = plan;

      const lines: LineDraft[] = [{ account: fundCash(loan.fund_id), amountWon: allocation.totalWon }];
      if (allocation.principalWon > 0) lines.push({ account: loanReceivable(loan.id), amountWon: -allocation.principalWon });
      if (allocation.interestWon > 0) lines.push({ account: fundInterestIncome(loan.fund_id), amountWon: -allocation.interestWon });
      if (allocation.penaltyWon > 0) lines.push({ account: fundPenaltyIncome(loan.fund_id), amountWon: -allocation.penaltyWon });
      const entry = await appendEntry(trx, {
        kind: request.kind === "prepayment" ? "loan.prepayment" : "loan.repayment",
        occurredAt: startOfSeoulDay(request.paidOn),
        memo: request.kind === "prepayment" ? "융자 중도상환" : "융자 상환",
        refs: { fund: loan.fund_id, loan: loan.id, method: request.method },
        idempotencyKey: `loan-repayment:${request.idempotencyKey}`,
        lines,
      });
      const repayment = await trx
        .insertInto("loan_repayments")
        .values({
          loan_id: loan.id,
          idempotency_key: request.idempotencyKey,
          request_fingerprint: fingerprint(request),
          kind: request.kind,
          method: request.method,
          external_reference: request.externalReference,
          paid_on: request.paidOn,
          amount_won: allocation.totalWon,
          penalty_won: allocation.penaltyWon,
          interest_won: allocation.interestWon,
          principal_won: allocation.principalWon,
          recorded_by: request.recordedBy,
          ledger_entry_id: entry.entryId,
          recorded_at: request.now,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await saveInstalments(trx, loan.id, before, plan.instalments, plan.removedNumbers);
      await trx
        .insertInto("loan_repayment_allocations")
        .values(allocation.lines.map((l) => ({ repayment_id: repayment.id, loan_id: loan.id, instalment_number: l.number, penalty_won: l.penaltyWon, interest_won: l.interestWon, principal_won: l.principalWon })))
        .execute();
      if (request.kind === "prepayment") {
        await addLoanEvent(trx, loan.id, "prepaid", request.paidOn, request.recordedBy, request.now, "", {
          principal_won: allocation.principalWon,
          outstanding_won: outstandingPrincipal(plan.instalments),
        });
      }
      const next = stateAfter(loan.state, plan.instalments, terms, request.today, loan.delinquency_grace_days);
      if (next !== loan.state) {
        await trx
          .updateTable("loans")
          .set({ state: next, closed_on: next === "closed" ? request.paidOn : null, updated_at: request.now })
          .where("id", "=", loan.id)
          .execute();
        if (next === "closed") {
          await addLoanEvent(trx, loan.id, "closed", request.paidOn, request.recordedBy, request.now);
          if (!request.silent) await notifyStatus(trx, loan.id, "closed", request.paidOn, loan.principal_won, "", null, request.origin);
        } else if (loan.state === "delinquent" && next === "repaying") {
          await addLoanEvent(trx, loan.id, "cured", request.paidOn, request.recordedBy, request.now);
        } else if (next === "delinquent") {
          await addLoanEvent(trx, loan.id, "delinquent", request.today, request.recordedBy, request.now);
        }
      }
      return { repaymentId: repayment.id, duplicate: false, allocation: { penaltyWon: allocation.penaltyWon, interestWon: allocation.interestWon, principalWon: allocation.principalWon, totalWon: allocation.totalWon }, loanState: next };
    });
  } catch (error) {
    // Two submissions with one key at the same moment: the second waits for the first, then finds it.
    if (isUniqueViolation(error) && !db.isTransaction) {
      const earlier = await existingRepayment(db, request);
      if (earlier) return earlier;
    }
    throw error;
  }
}

/** Extends the term; the rest of the schedule is recalculated from the next unpaid instalment. */
export async function extendLoan(db: Database, request: { loanId: number; months: number; reason: string; userId: number; today: string; now: Date; origin: string }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const loan = await lockLoan(trx, request.loanId);
    if (loan.state !== "disbursed" && loan.state !== "repaying") throw new AppError("loanNotActive", 409);
    const terms = contractTerms(loan);
    const before = await loadInstalments(trx, loan.id);
    const plan = planExtension(terms, before, request.today, request.months);
    if (!plan.ok) throw servicingRefusal(plan.error);
    await saveInstalments(trx, loan.id, before, plan.instalments, plan.removedNumbers);
    await trx.updateTable("loans").set({ term_months: plan.termMonths, maturity_on: plan.maturityOn, updated_at: request.now }).where("id", "=", loan.id).execute();
    await addLoanEvent(trx, loan.id, "extended", request.today, request.userId, request.now, request.reason, { months: request.months, term_months: plan.termMonths, maturity_on: plan.maturityOn });
    const due = nextPayment(plan.instalments, request.today, terms);
    await notifyStatus(trx, loan.id, "extended", request.today, outstandingPrincipal(plan.instalments), request.reason, due ? { dueDate: due.dueDate, amountWon: due.amountWon } : null, request.origin);
  });
}

/** Declares the loan in default (기한이익 상실), a decision with its reason. */
export async function declareDefault(db: Database, request: { loanId: number; reason: string; userId: number; today: string; now: Date; origin: string }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const loan = await lockLoan(trx, request.loanId);
    if (!["disbursed", "repaying", "delinquent"].includes(loan.state)) throw new AppError("loanNotActive", 409);
    await trx.updateTable("loans").set({ state: "defaulted", state_reason: request.reason, updated_at: request.now }).where("id", "=", loan.id).execute();
    await addLoanEvent(trx, loan.id, "defaulted", request.today, request.userId, request.now, request.reason);
    const outstanding = await getBalance(trx, loanReceivable(loan.id).code);
    await notifyStatus(trx, loan.id, "defaulted", request.today, outstanding, request.reason, null, request.origin);
  });
}

export async function notifyStatus(
  trx: Tx,
  loanId: number,
  kind: "disbursed" | "extended" | "closed" | "defaulted" | "written_off",
  effectiveOn: string,
  amountWon: number,
  reason: string,
  next: { dueDate: string; amountWon: number } | null,
  origin: string,
): Promise<void> {
  const loan = await trx
    .selectFrom("loans as l")
    .innerJoin("loan_applications as a", "a.id", "l.application_id")
    .innerJoin("enterprises as e", "e.id", "l.enterprise_id")
    .select(["l.id", "l.enterprise_id", "a.submitted_by", "e.name"])
    .where("l.id", "=", loanId)
    .executeTakeFirstOrThrow();
  for (const recipient of await applicantRecipients(trx, loan.enterprise_id, loan.submitted_by)) {
    await enqueueEmail(trx, recipient.email, "loanStatus", {
      locale: recipient.locale,
      enterpriseName: loan.name,
      loanId: loan.id,
      kind,
      effectiveOn,
      amountWon,
      reason,
      nextDueDate: next?.dueDate ?? null,
      nextAmountWon: next?.amountWon ?? null,
      loanUrl: `${origin}/enterprises/${loan.enterprise_id}/loans/${loan.id}`,
    });
  }
}

/**
 * Marks the loan delinquent when its oldest unpaid instalment is more than its grace days overdue
 * on `today`. Returns the oldest overdue due date when it changed the loan, null otherwise.
 */
export async function markDelinquentIfOverdue(trx: Tx, loanId: number, today: string, now: Date): Promise<string | null> {
  const loan = await trx.selectFrom("loans").select(["state", "delinquency_grace_days"]).where("id", "=", loanId).forUpdate().executeTakeFirstOrThrow();
  if (loan.state !== "disbursed" && loan.state !== "repaying") return null;
  const oldest = await trx.selectFrom("loan_instalments").select("due_date").where("loan_id", "=", loanId).where("paid_off_on", "is", null).orderBy("due_date").limit(1).executeTakeFirst();
  if (!oldest || oldest.due_date >= addDays(today, -loan.delinquency_grace_days)) return null;
  await trx.updateTable("loans").set({ state: "delinquent", updated_at: now }).where("id", "=", loanId).execute();
  await addLoanEvent(trx, loanId, "delinquent", today, null, now, "", { oldest_due_date: oldest.due_date });
  return oldest.due_date;
}

export interface LoanPosition {
  outstandingWon: number;
  arrears: ReturnType<typeof arrearsAsOf>;
  next: ReturnType<typeof nextPayment>;
  penaltyRateBp: number;
}

/** Where a loan stands on `today`: principal outstanding, arrears with penalty, the next payment. */
export function loanPosition(loan: LoanTermsRow, instalments: readonly InstalmentState[], today: string): LoanPosition | null {
  if (!loan.disbursed_on) return null;
  const terms = contractTerms(loan);
  return {
    outstandingWon: outstandingPrincipal(instalments),
    arrears: arrearsAsOf(instalments, today, terms),
    next: nextPayment(instalments, today, terms),
    penaltyRateBp: penaltyRateBp(loan.rate_bp, loan.penalty_bp),
  };
}
