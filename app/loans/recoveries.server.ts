import { createHash } from "node:crypto";
import { fundCash, fundRecoveries } from "../fund/fund";
import { inTransaction } from "../fund/fund.server";
import { appendEntry } from "../ledger/ledger.server";
import { AppError } from "../utils/app-error";
import { startOfSeoulDay } from "../utils/dates";
import { parseSafeInteger } from "../utils/integers";
import type { DbOrTx } from "../utils/db.server";
import { isCheckViolation, isUniqueViolation } from "../utils/pg-errors";
import { addLoanEvent, lockLoan } from "./loans.server";
import { recoveryProblem, type RecoveryInput } from "./recoveries";

export interface RecoveryRequest {
  fundId: number;
  loanId: number;
  input: RecoveryInput;
  recordedBy: number;
  today: string;
  now: Date;
}

function fingerprint(request: RecoveryRequest): string {
  const { amountWon, receivedOn, reference } = request.input;
  return createHash("sha256").update(JSON.stringify({ loanId: request.loanId, amountWon, receivedOn, reference })).digest("hex");
}

/** The recovery already recorded under the request's key: the same request again, or a refusal if it differs. */
async function earlierRecovery(db: DbOrTx, request: RecoveryRequest): Promise<{ id: number; duplicate: true } | null> {
  const row = await db.selectFrom("loan_recoveries").select(["id", "request_fingerprint"]).where("idempotency_key", "=", request.input.idempotencyKey).executeTakeFirst();
  if (!row) return null;
  if (row.request_fingerprint !== fingerprint(request)) throw new AppError("requestNumberReused", 409);
  return { id: row.id, duplicate: true };
}

/**
 * Records money received on a written-off loan (bank transfer reference): into the fund's cash
 * from its recoveries source, never more than is left of the principal written off. The same
 * key twice records once; the same key with another request is refused.
 */
export async function recordRecovery(db: DbOrTx, request: RecoveryRequest): Promise<{ id: number; duplicate: boolean }> {
  const { input } = request;
  try {
    return await inTransaction(db, async (trx) => {
      const loan = await lockLoan(trx, request.loanId);
      if (loan.fund_id !== request.fundId) throw new AppError("invalidChoice", 404);
      const earlier = await earlierRecovery(trx, request);
      if (earlier) return earlier;
      if (loan.state !== "written_off") throw new AppError("loanNotWrittenOff", 409);
      const writeOff = await trx.selectFrom("loan_events").select("effective_on").where("loan_id", "=", loan.id).where("kind", "=", "written_off").orderBy("id", "desc").executeTakeFirstOrThrow();
      const recovered = await trx
        .selectFrom("loan_recoveries")
        .select((eb) => eb.fn.coalesce(eb.fn.sum<number>("amount_won"), eb.lit(0)).as("total"))
        .where("loan_id", "=", loan.id)
        .executeTakeFirstOrThrow();
      const problem = recoveryProblem(input, { writtenOffWon: loan.written_off_won, recoveredWon: parseSafeInteger(recovered.total), writtenOffOn: writeOff.effective_on, today: request.today });
      if (problem) throw new AppError(problem.error, 422, problem.field);
      const entry = await appendEntry(trx, {
        kind: "loan.recovery",
        occurredAt: startOfSeoulDay(input.receivedOn),
        memo: "상각 채권 회수",
        refs: { fund: loan.fund_id, loan: loan.id },
        idempotencyKey: `loan-recovery:${input.idempotencyKey}`,
        lines: [
          { account: fundCash(loan.fund_id), amountWon: input.amountWon },
          { account: fundRecoveries(loan.fund_id), amountWon: -input.amountWon },
        ],
      });
      const row = await trx
        .insertInto("loan_recoveries")
        .values({
          loan_id: loan.id,
          idempotency_key: input.idempotencyKey,
          request_fingerprint: fingerprint(request),
          amount_won: input.amountWon,
          received_on: input.receivedOn,
          bank_reference: input.reference,
          recorded_by: request.recordedBy,
          ledger_entry_id: entry.entryId,
          recorded_at: request.now,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await addLoanEvent(trx, loan.id, "recovered", input.receivedOn, request.recordedBy, request.now, "", { amount_won: input.amountWon, ledger_entry_id: entry.entryId });
      return { id: row.id, duplicate: false };
    });
  } catch (error) {
    // Two submissions with one key at the same moment: the second waits for the first, then finds it.
    if (isUniqueViolation(error) && !db.isTransaction) {
      const earlier = await earlierRecovery(db, request);
      if (earlier) return earlier;
    }
    if (isCheckViolation(error) && /already recovered/.test(error instanceof Error ? error.message : "")) throw new AppError("recoveryAboveWrittenOff", 422, "amountWon");
    throw error;
  }
}

export async function listRecoveries(db: DbOrTx, loanId: number) {
  return db
    .selectFrom("loan_recoveries as r")
    .innerJoin("users as u", "u.id", "r.recorded_by")
    .leftJoin("journal_entries as ledger_entry", "ledger_entry.id", "r.ledger_entry_id")
    .select(["r.id", "r.amount_won", "r.received_on", "r.bank_reference", "ledger_entry.seq as ledger_seq", "r.recorded_at", "u.display_name as recorded_by_name"])
    .where("r.loan_id", "=", loanId)
    .orderBy("r.id")
    .execute();
}

/** Recovered so far, per loan of the fund. */
export async function recoveredByLoan(db: DbOrTx, fundId: number): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom("loan_recoveries as r")
    .innerJoin("loans as l", "l.id", "r.loan_id")
    .select((eb) => ["r.loan_id", eb.fn.sum<number>("r.amount_won").as("total")])
    .where("l.fund_id", "=", fundId)
    .groupBy("r.loan_id")
    .execute();
  return new Map(rows.map((r) => [r.loan_id, parseSafeInteger(r.total)]));
}
