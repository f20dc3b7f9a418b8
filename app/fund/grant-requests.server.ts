import type { FileStore } from "../files/file-store.server";
import { storeUpload } from "../files/files.server";
import { appendEntry } from "../ledger/ledger.server";
import { AppError } from "../utils/app-error";
import { startOfSeoulDay } from "../utils/dates";
import type { DbOrTx } from "../utils/db.server";
import { isCheckViolation, isUniqueViolation } from "../utils/pg-errors";
import { checkDecision } from "./four-eyes";
import { fundCash, fundGrantsOut, type GrantInput } from "./fund";
import { fundMoney, inTransaction, lockFund } from "./fund.server";

// A grant out of the fund is asked for by one fund administrator and paid when a second one
// approves it: the grant row and its ledger entry are written only then, in the approval's
// transaction (the database refuses a grant without an open request and a different approver).

/** The database's refusals, as messages a person can act on. */
function translate(error: unknown): never {
  if (isCheckViolation(error, "ledger_accounts_balance_not_negative")) throw new AppError("fundBalanceTooLow", 422, "amountWon");
  const message = error instanceof Error ? error.message : "";
  if (isCheckViolation(error) && /maker cannot/.test(message)) throw new AppError("makerCannotDecide", 403);
  if (isCheckViolation(error) && /fund administrator/.test(message)) throw new AppError("notFundAdmin", 403);
  if (isCheckViolation(error) && /not open|is already/.test(message)) throw new AppError("requestAlreadyDecided", 409);
  throw error;
}

export interface GrantRequestInput {
  fundId: number;
  hostId: number;
  input: GrantInput;
  evidence: File | null;
  fileStore: FileStore;
  requestedBy: number;
  now: Date;
}

async function grantRequestByKey(db: DbOrTx, idempotencyKey: string) {
  return db.selectFrom("fund_grant_requests").select("id").where("idempotency_key", "=", idempotencyKey).executeTakeFirst();
}

/** Asks for a grant by category; nothing leaves the fund until another administrator approves. Idempotent by key. */
export async function requestFundGrant(db: DbOrTx, request: GrantRequestInput): Promise<{ id: number; duplicate: boolean }> {
  const { fundId, input } = request;
  const existing = await grantRequestByKey(db, input.idempotencyKey);
  if (existing) return { id: existing.id, duplicate: true };
  // Checked again at approval, under the fund's lock; here so the maker hears it first.
  const money = await fundMoney(db, fundId);
  if (input.amountWon > money.availableWon) throw new AppError("fundBalanceTooLow", 422, "amountWon");
  try {
    return await inTransaction(db, async (trx) => {
      const file = request.evidence
        ? await storeUpload(trx, request.fileStore, request.evidence, "document", { purpose: "fund_evidence", hostId: request.hostId, uploadedBy: request.requestedBy }, "evidence")
        : null;
      const row = await trx
        .insertInto("fund_grant_requests")
        .values({
          fund_id: fundId,
          category: input.category,
          recipient: input.recipient,
          area: input.area,
          purpose: input.purpose,
          expected_effect: input.expectedEffect,
          amount_won: input.amountWon,
          granted_on: input.grantedOn,
          evidence_file_id: file?.id ?? null,
          requested_by: request.requestedBy,
          requested_at: request.now,
          idempotency_key: input.idempotencyKey,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      return { id: row.id, duplicate: false };
    });
  } catch (error) {
    // The same form sent twice at once: the second insert waits for the first, then finds it.
    if (isUniqueViolation(error) && !db.isTransaction) {
      const again = await grantRequestByKey(db, input.idempotencyKey);
      if (again) return { id: again.id, duplicate: true };
    }
    return translate(error);
  }
}

async function lockGrantRequest(db: DbOrTx, fundId: number, requestId: number) {
  const row = await db.selectFrom("fund_grant_requests").selectAll().where("id", "=", requestId).forUpdate().executeTakeFirst();
  // Another fund's request is simply not there.
  if (!row || row.fund_id !== fundId) throw new AppError("invalidChoice", 404);
  return row;
}

export interface GrantDecisionInput {
  fundId: number;
  requestId: number;
  deciderId: number;
  note: string;
  now: Date;
}

/**
 * A second administrator approves: the grant is paid from the fund's cash with its ledger entry.
 * Approvals are serialised on the request's row, so a double submit or two administrators at
 * once pay it once; the later ones find it approved.
 */
export async function approveFundGrant(db: DbOrTx, decision: GrantDecisionInput): Promise<{ grantId: number; duplicate: boolean }> {
  try {
    return await inTransaction(db, async (trx) => {
      const request = await lockGrantRequest(trx, decision.fundId, decision.requestId);
      const check = checkDecision({ state: request.state, requestedBy: request.requested_by }, decision.deciderId, "approve");
      if (check.kind === "alreadyDone") {
        const paid = await trx.selectFrom("fund_grants").select("id").where("request_id", "=", request.id).executeTakeFirstOrThrow();
        return { grantId: paid.id, duplicate: true };
      }
      if (check.kind === "refused") throw new AppError(check.error, check.status);
      await lockFund(trx, request.fund_id);
      const money = await fundMoney(trx, request.fund_id);
      if (request.amount_won > money.availableWon) throw new AppError("fundBalanceTooLow", 422);
      const entry = await appendEntry(trx, {
        kind: "fund.grant",
        occurredAt: startOfSeoulDay(request.granted_on),
        memo: `자활기금 지원금 (${request.category})`,
        refs: { fund: request.fund_id, category: request.category, request: request.id },
        idempotencyKey: `fund-grant:${request.idempotency_key}`,
        lines: [
          { account: fundCash(request.fund_id), amountWon: -request.amount_won },
          { account: fundGrantsOut(request.fund_id, request.category), amountWon: request.amount_won },
        ],
      });
      const grant = await trx
        .insertInto("fund_grants")
        .values({
          fund_id: request.fund_id,
          category: request.category,
          recipient: request.recipient,
          enterprise_id: request.enterprise_id,
          area: request.area,
          purpose: request.purpose,
          expected_effect: request.expected_effect,
          amount_won: request.amount_won,
          granted_on: request.granted_on,
          evidence_file_id: request.evidence_file_id,
          recorded_by: request.requested_by,
          idempotency_key: request.idempotency_key,
          ledger_entry_id: entry.entryId,
          created_at: decision.now,
          request_id: request.id,
          approved_by: decision.deciderId,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await trx
        .updateTable("fund_grant_requests")
        .set({ state: "approved", decided_by: decision.deciderId, decided_at: decision.now, decision_note: decision.note })
        .where("id", "=", request.id)
        .execute();
      return { grantId: grant.id, duplicate: false };
    });
  } catch (error) {
    return translate(error);
  }
}

/** A second administrator declines, with a reason; nothing is paid. */
export async function declineFundGrant(db: DbOrTx, decision: GrantDecisionInput): Promise<{ duplicate: boolean }> {
  if (decision.note.trim().length === 0) throw new AppError("required", 422, "note");
  try {
    return await inTransaction(db, async (trx) => {
      const request = await lockGrantRequest(trx, decision.fundId, decision.requestId);
      const check = checkDecision({ state: request.state, requestedBy: request.requested_by }, decision.deciderId, "decline");
      if (check.kind === "alreadyDone") return { duplicate: true };
      if (check.kind === "refused") throw new AppError(check.error, check.status);
      await trx
        .updateTable("fund_grant_requests")
        .set({ state: "declined", decided_by: decision.deciderId, decided_at: decision.now, decision_note: decision.note })
        .where("id", "=", request.id)
        .execute();
      return { duplicate: false };
    });
  } catch (error) {
    return translate(error);
  }
}

/** The fund's grant requests, open ones first, then the latest decided. */
export async function listGrantRequests(db: DbOrTx, fundId: number, options: { decidedLimit: number }) {
  const base = db
    .selectFrom("fund_grant_requests as r")
    .innerJoin("users as maker", "maker.id", "r.requested_by")
    .leftJoin("users as decider", "decider.id", "r.decided_by")
    .leftJoin("stored_files as f", "f.id", "r.evidence_file_id")
    .leftJoin("fund_grants as g", "g.request_id", "r.id")
    .leftJoin("journal_entries as ledger_entry", "ledger_entry.id", "g.ledger_entry_id")
    .select([
      "r.id",
      "r.category",
      "r.recipient",
      "r.area",
      "r.purpose",
      "r.expected_effect",
      "r.amount_won",
      "r.granted_on",
      "r.requested_by",
      "r.requested_at",
      "r.state",
      "r.decided_at",
      "r.decision_note",
      "maker.display_name as requested_by_name",
      "decider.display_name as decided_by_name",
      "f.public_id as evidence_public_id",
      "f.original_name as evidence_name",
      "ledger_entry.seq as ledger_seq",
    ])
    .where("r.fund_id", "=", fundId);
  const [open, decided] = await Promise.all([
    base.where("r.state", "=", "requested").orderBy("r.id").execute(),
    base.where("r.state", "<>", "requested").orderBy("r.decided_at", "desc").orderBy("r.id", "desc").limit(options.decidedLimit).execute(),
  ]);
  return { open, decided };
}
