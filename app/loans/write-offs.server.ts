import { checkDecision } from "../fund/four-eyes";
import { fundWriteOffs, loanReceivable } from "../fund/fund";
import { inTransaction } from "../fund/fund.server";
import { appendEntry, getBalance } from "../ledger/ledger.server";
import { AppError } from "../utils/app-error";
import { startOfSeoulDay } from "../utils/dates";
import type { DbOrTx, Tx } from "../utils/db.server";
import { isCheckViolation, isUniqueViolation } from "../utils/pg-errors";
import { addLoanEvent, lockLoan, notifyStatus } from "./loans.server";

// Writing off a defaulted loan's principal is a request by one fund administrator and an approval
// by another (never the maker, never a member of the borrower). The loan changes state and the
// ledger entry is written only on approval, in one transaction under the loan's lock.

function translate(error: unknown): never {
  const message = error instanceof Error ? error.message : "";
  if (isCheckViolation(error) && /maker cannot/.test(message)) throw new AppError("makerCannotDecide", 403);
  if (isCheckViolation(error) && /not a member of the borrower/.test(message)) throw new AppError("borrowerMemberCannotDecide", 403);
  if (isCheckViolation(error) && /is already|only a defaulted/.test(message)) throw new AppError("requestAlreadyDecided", 409);
  throw error;
}

async function isBorrowerMember(trx: Tx, enterpriseId: number, userId: number): Promise<boolean> {
  const row = await trx.selectFrom("enterprise_members").select("user_id").where("enterprise_id", "=", enterpriseId).where("user_id", "=", userId).executeTakeFirst();
  return row !== undefined;
}

async function openRequestFor(db: DbOrTx, loanId: number) {
  return db.selectFrom("loan_write_off_requests").select("id").where("loan_id", "=", loanId).where("state", "=", "requested").executeTakeFirst();
}

async function lockFundLoan(trx: Tx, fundId: number, loanId: number) {
  const loan = await lockLoan(trx, loanId);
  if (loan.fund_id !== fundId) throw new AppError("invalidChoice", 404);
  return loan;
}

export interface WriteOffRequestInput {
  fundId: number;
  loanId: number;
  reason: string;
  userId: number;
  today: string;
  now: Date;
}

/** Asks for the write-off of a defaulted loan; one open request per loan, so a double submit finds the first. */
export async function requestWriteOff(db: DbOrTx, request: WriteOffRequestInput): Promise<{ id: number; duplicate: boolean }> {
  try {
    return await inTransaction(db, async (trx) => {
      const loan = await lockFundLoan(trx, request.fundId, request.loanId);
      const open = await openRequestFor(trx, loan.id);
      if (open) return { id: open.id, duplicate: true };
      if (loan.state !== "defaulted") throw new AppError("loanNotActive", 409);
      if (await isBorrowerMember(trx, loan.enterprise_id, request.userId)) throw new AppError("borrowerMemberCannotDecide", 403);
      const outstanding = await getBalance(trx, loanReceivable(loan.id).code);
      if (outstanding <= 0) throw new AppError("loanNotActive", 409);
      const row = await trx
        .insertInto("loan_write_off_requests")
        .values({ loan_id: loan.id, reason: request.reason, outstanding_won: outstanding, requested_by: request.userId, requested_at: request.now })
        .returning("id")
        .executeTakeFirstOrThrow();
      await addLoanEvent(trx, loan.id, "write_off_requested", request.today, request.userId, request.now, request.reason, { request_id: row.id, outstanding_won: outstanding });
      return { id: row.id, duplicate: false };
    });
  } catch (error) {
    if (isUniqueViolation(error, "loan_write_off_requests_one_open") && !db.isTransaction) {
      const open = await openRequestFor(db, request.loanId);
      if (open) return { id: open.id, duplicate: true };
    }
    return translate(error);
  }
}

export interface WriteOffDecisionInput {
  fundId: number;
  requestId: number;
  deciderId: number;
  note: string;
  today: string;
  now: Date;
  origin: string;
}

/** The request and its loan, locked loan first (the order every loan change takes). */
async function lockRequestAndLoan(trx: Tx, fundId: number, requestId: number) {
  const peek = await trx.selectFrom("loan_write_off_requests").select("loan_id").where("id", "=", requestId).executeTakeFirst();
  if (!peek) throw new AppError("invalidChoice", 404);
  const loan = await lockFundLoan(trx, fundId, peek.loan_id);
  const request = await trx.selectFrom("loan_write_off_requests").selectAll().where("id", "=", requestId).forUpdate().executeTakeFirstOrThrow();
  return { loan, request };
}

/**
 * A second administrator approves: the principal outstanding now (never more than the maker saw)
 * moves from the loan's receivable to the fund's write-offs, and the loan is written off.
 * Concurrent approvals wait for the loan's lock; the later ones find it done.
 */
export async function approveWriteOff(db: DbOrTx, decision: WriteOffDecisionInput): Promise<{ writtenOffWon: number; duplicate: boolean }> {
  try {
    return await inTransaction(db, async (trx) => {
      const { loan, request } = await lockRequestAndLoan(trx, decision.fundId, decision.requestId);
      const check = checkDecision({ state: request.state, requestedBy: request.requested_by }, decision.deciderId, "approve");
      if (check.kind === "alreadyDone") return { writtenOffWon: loan.written_off_won, duplicate: true };
      if (check.kind === "refused") throw new AppError(check.error, check.status);
      if (await isBorrowerMember(trx, loan.enterprise_id, decision.deciderId)) throw new AppError("borrowerMemberCannotDecide", 403);
      if (loan.state !== "defaulted") throw new AppError("loanNotActive", 409);
      const outstanding = await getBalance(trx, loanReceivable(loan.id).code);
      if (outstanding <= 0) throw new AppError("loanNotActive", 409);
      await trx
        .updateTable("loan_write_off_requests")
        .set({ state: "approved", decided_by: decision.deciderId, decided_at: decision.now, decision_note: decision.note })
        .where("id", "=", request.id)
        .execute();
      const entry = await appendEntry(trx, {
        kind: "loan.write_off",
        occurredAt: startOfSeoulDay(decision.today),
        memo: "융자 대손 상각",
        refs: { fund: loan.fund_id, loan: loan.id, request: request.id },
        idempotencyKey: `loan:${loan.id}:write-off`,
        lines: [
          { account: loanReceivable(loan.id), amountWon: -outstanding },
          { account: fundWriteOffs(loan.fund_id), amountWon: outstanding },
        ],
      });
      await trx
        .updateTable("loans")
        .set({ state: "written_off", state_reason: request.reason, written_off_won: outstanding, written_off_entry_id: entry.entryId, write_off_request_id: request.id, updated_at: decision.now })
        .where("id", "=", loan.id)
        .execute();
      await addLoanEvent(trx, loan.id, "written_off", decision.today, decision.deciderId, decision.now, request.reason, {
        written_off_won: outstanding,
        ledger_entry_id: entry.entryId,
        request_id: request.id,
      });
      await notifyStatus(trx, loan.id, "written_off", decision.today, outstanding, request.reason, null, decision.origin);
      return { writtenOffWon: outstanding, duplicate: false };
    });
  } catch (error) {
    return translate(error);
  }
}

/** A second administrator declines, with a reason; the loan stays defaulted and may be asked for again. */
export async function declineWriteOff(db: DbOrTx, decision: WriteOffDecisionInput): Promise<{ duplicate: boolean }> {
  if (decision.note.trim().length === 0) throw new AppError("required", 422, "note");
  try {
    return await inTransaction(db, async (trx) => {
      const { loan, request } = await lockRequestAndLoan(trx, decision.fundId, decision.requestId);
      const check = checkDecision({ state: request.state, requestedBy: request.requested_by }, decision.deciderId, "decline");
      if (check.kind === "alreadyDone") return { duplicate: true };
      if (check.kind === "refused") throw new AppError(check.error, check.status);
      if (await isBorrowerMember(trx, loan.enterprise_id, decision.deciderId)) throw new AppError("borrowerMemberCannotDecide", 403);
      await trx
        .updateTable("loan_write_off_requests")
        .set({ state: "declined", decided_by: decision.deciderId, decided_at: decision.now, decision_note: decision.note })
        .where("id", "=", request.id)
        .execute();
      await addLoanEvent(trx, loan.id, "write_off_declined", decision.today, decision.deciderId, decision.now, decision.note, { request_id: request.id });
      return { duplicate: false };
    });
  } catch (error) {
    return translate(error);
  }
}

/** Write-off requests of a fund (or of one loan), open ones first, then the latest decided. */
export async function listWriteOffRequests(db: DbOrTx, scope: { fundId: number; loanId?: number }, options: { decidedLimit: number }) {
  let base = db
    .selectFrom("loan_write_off_requests as r")
    .innerJoin("loans as l", "l.id", "r.loan_id")
    .innerJoin("enterprises as e", "e.id", "l.enterprise_id")
    .innerJoin("users as maker", "maker.id", "r.requested_by")
    .leftJoin("users as decider", "decider.id", "r.decided_by")
    .leftJoin("journal_entries as written_off_entry", "written_off_entry.id", "l.written_off_entry_id")
    .select([
      "r.id",
      "r.loan_id",
      "r.reason",
      "r.outstanding_won",
      "r.requested_by",
      "r.requested_at",
      "r.state",
      "r.decided_at",
      "r.decision_note",
      "e.name as enterprise_name",
      "l.state as loan_state",
      "l.written_off_won",
      "written_off_entry.seq as written_off_seq",
      "maker.display_name as requested_by_name",
      "decider.display_name as decided_by_name",
    ])
    .where("l.fund_id", "=", scope.fundId);
  if (scope.loanId !== undefined) base = base.where("r.loan_id", "=", scope.loanId);
  const [open, decided] = await Promise.all([
    base.where("r.state", "=", "requested").orderBy("r.id").execute(),
    base.where("r.state", "<>", "requested").orderBy("r.decided_at", "desc").orderBy("r.id", "desc").limit(options.decidedLimit).execute(),
  ]);
  return { open, decided };
}
