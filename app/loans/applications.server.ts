import type { FileStore } from "../files/file-store.server";
import { sql } from "kysely";
import type { LoanDocumentType, LoanVote } from "../../db/types";
import { enqueueEmail } from "../email/outbox.server";
import { storeUpload } from "../files/files.server";
import { fundMoney, inTransaction, lockFund } from "../fund/fund.server";
import { dictionaries } from "../i18n/messages";
import { AppError } from "../utils/app-error";
import { seoulDate } from "../utils/dates";
import { parseSafeInteger } from "../utils/integers";
import type { Database, DbOrTx, Tx } from "../utils/db.server";
import { isCheckViolation, isUniqueViolation } from "../utils/pg-errors";
import {
  amountProblem,
  committeeOutcome,
  eligibilityProblems,
  OPEN_APPLICATION_STATES,
  quorumReachable,
  type CommitteeSeats,
  ACTIVE_LOAN_STATES,
  type ApplicationInput,
} from "./loans";
import { canRejectDocument, documentChecklist, reviewBlockers } from "./documents";
import { getProduct } from "./products.server";

export async function getApplication(db: DbOrTx, id: number) {
  return db
    .selectFrom("loan_applications as a")
    .innerJoin("enterprises as e", "e.id", "a.enterprise_id")
    .innerJoin("loan_products as p", "p.id", "a.product_id")
    .innerJoin("funds as f", "f.id", "a.fund_id")
    .leftJoin("users as submitter", "submitter.id", "a.submitted_by")
    .leftJoin("users as reviewer", "reviewer.id", "a.reviewer_id")
    .leftJoin("users as decider", "decider.id", "a.decided_by")
    .leftJoin("loans as l", "l.application_id", "a.id")
    .select([
      "a.id",
      "a.fund_id",
      "a.product_id",
      "a.enterprise_id",
      "a.submitted_by",
      "a.amount_won",
      "a.purpose",
      "a.store_address",
      "a.landlord_name",
      "a.lease_deposit_won",
      "a.lease_starts_on",
      "a.lease_ends_on",
      "a.state",
      "a.reviewer_id",
      "a.review_started_at",
      "a.reviewed_at",
      "a.review_note",
      "a.committee_opened_at",
      "a.committee_quorum",
      "a.committee_majority_pct",
      "a.decided_by",
      "a.decided_at",
      "a.decision_note",
      "a.submitted_at",
      "e.name as enterprise_name",
      "e.type as enterprise_type",
      "e.district as enterprise_district",
      "e.representative as enterprise_representative",
      "e.status as enterprise_status",
      "p.name as product_name",
      "p.code as product_code",
      "p.version as product_version",
      "p.cap_won",
      "p.rate_bp",
      "p.penalty_bp",
      "p.term_months",
      "p.repayment_method",
      "p.grace_months",
      "p.required_documents",
      "f.name as fund_name",
      "f.host_id",
      "submitter.display_name as submitter_name",
      "reviewer.display_name as reviewer_name",
      "decider.display_name as decider_name",
      "l.id as loan_id",
    ])
    .where("a.id", "=", id)
    .executeTakeFirst();
}

export type ApplicationDetail = NonNullable<Awaited<ReturnType<typeof getApplication>>>;

/** Every document uploaded, replaced ones included, with the rejection of those an administrator rejected. */
export async function listApplicationDocuments(db: DbOrTx, applicationId: number) {
  const rows = await db
    .selectFrom("loan_application_documents as d")
    .innerJoin("stored_files as f", "f.id", "d.file_id")
    .leftJoin("loan_document_rejections as x", "x.document_id", "d.id")
    .leftJoin("users as rejecter", "rejecter.id", "x.rejected_by")
    .select(["d.id", "d.doc_type", "d.uploaded_at", "f.public_id", "f.original_name", "f.size_bytes", "x.reason as rejection_reason", "x.rejected_at", "rejecter.display_name as rejected_by_name"])
    .where("d.application_id", "=", applicationId)
    .orderBy("d.id")
    .execute();
  return rows.map((row) => ({ ...row, docType: row.doc_type, rejectionReason: row.rejection_reason }));
}

export type ApplicationDocument = Awaited<ReturnType<typeof listApplicationDocuments>>[number];

export async function listVotes(db: DbOrTx, applicationId: number) {
  return db
    .selectFrom("loan_votes as v")
    .innerJoin("users as u", "u.id", "v.voter_id")
    .select(["v.voter_id", "u.display_name", "v.vote", "v.comment", "v.voted_at"])
    .where("v.application_id", "=", applicationId)
    .orderBy("v.voted_at")
    .execute();
}

export async function listConflicts(db: DbOrTx, applicationId: number) {
  return db
    .selectFrom("loan_conflicts as c")
    .innerJoin("users as u", "u.id", "c.user_id")
    .select(["c.user_id", "u.display_name", "c.reason", "c.declared_at"])
    .where("c.application_id", "=", applicationId)
    .orderBy("c.declared_at")
    .execute();
}

export async function listApplicationsForFund(db: DbOrTx, fundId: number) {
  return db
    .selectFrom("loan_applications as a")
    .innerJoin("enterprises as e", "e.id", "a.enterprise_id")
    .innerJoin("loan_products as p", "p.id", "a.product_id")
    .leftJoin("loans as l", "l.application_id", "a.id")
    .select(["a.id", "a.state", "a.amount_won", "a.submitted_at", "a.decided_at", "e.name as enterprise_name", "e.district", "p.name as product_name", "p.version as product_version", "l.id as loan_id", "l.state as loan_state"])
    .select((eb) => [
      eb.selectFrom("loan_votes as v").select((v) => v.fn.countAll<number>().as("n")).whereRef("v.application_id", "=", "a.id").as("votes"),
    ])
    .where("a.fund_id", "=", fundId)
    .orderBy("a.submitted_at", "desc")
    .execute();
}

export async function listApplicationsForEnterprise(db: DbOrTx, enterpriseId: number) {
  return db
    .selectFrom("loan_applications as a")
    .innerJoin("loan_products as p", "p.id", "a.product_id")
    .innerJoin("funds as f", "f.id", "a.fund_id")
    .leftJoin("loans as l", "l.application_id", "a.id")
    .select(["a.id", "a.state", "a.amount_won", "a.submitted_at", "a.decided_at", "p.name as product_name", "f.name as fund_name", "l.id as loan_id"])
    .where("a.enterprise_id", "=", enterpriseId)
    .orderBy("a.submitted_at", "desc")
    .execute();
}

/** An open application or a loan not yet finished for the same product code of the same fund. */
export async function hasOpenApplicationOrLoan(db: DbOrTx, enterpriseId: number, fundId: number, productCode: string): Promise<boolean> {
  const open = await db
    .selectFrom("loan_applications as a")
    .innerJoin("loan_products as p", "p.id", "a.product_id")
    .leftJoin("loans as l", "l.application_id", "a.id")
    .select("a.id")
    .where("a.enterprise_id", "=", enterpriseId)
    .where("a.fund_id", "=", fundId)
    .where("p.code", "=", productCode)
    .where((eb) => eb.or([eb("a.state", "in", [...OPEN_APPLICATION_STATES]), eb("l.state", "in", [...ACTIVE_LOAN_STATES])]))
    .executeTakeFirst();
  return open !== undefined;
}

export interface SubmitRequest {
  enterpriseId: number;
  userId: number;
  input: ApplicationInput;
  documents: { docType: LoanDocumentType; file: File }[];
  fileStore: FileStore;
  now: Date;
}

/** Checks eligibility, the cap and the fund's available money, then records the application. */
export async function submitApplication(db: DbOrTx, request: SubmitRequest): Promise<{ id: number; duplicate: boolean }> {
  const { input } = request;
  const existing = await db
    .selectFrom("loan_applications")
    .select("id")
    .where("enterprise_id", "=", request.enterpriseId)
    .where("idempotency_key", "=", input.idempotencyKey)
    .executeTakeFirst();
  if (existing) return { id: existing.id, duplicate: true };
  const product = await getProduct(db, input.productId);
  if (!product) throw new AppError("invalidChoice", 422, "productId");
  const enterprise = await db.selectFrom("enterprises").select(["status", "type"]).where("id", "=", request.enterpriseId).executeTakeFirstOrThrow();
  const problems = eligibilityProblems({
    enterprise,
    product,
    hasOpenApplicationOrLoan: await hasOpenApplicationOrLoan(db, request.enterpriseId, product.fund_id, product.code),
  });
  const [problem] = problems;
  if (problem) throw new AppError(problem, 422);
  const money = await fundMoney(db, product.fund_id);
  const tooMuch = amountProblem(input.amountWon, product.cap_won, money.availableWon);
  if (tooMuch) throw new AppError(tooMuch, 422, "amountWon");
  try {
    return await inTransaction(db, async (trx) => {
      const row = await trx
        .insertInto("loan_applications")
        .values({
          fund_id: product.fund_id,
          product_id: product.id,
          enterprise_id: request.enterpriseId,
          submitted_by: request.userId,
          idempotency_key: input.idempotencyKey,
          amount_won: input.amountWon,
          purpose: input.purpose,
          store_address: input.storeAddress,
          landlord_name: input.landlordName,
          lease_deposit_won: input.leaseDepositWon,
          lease_starts_on: input.leaseStartsOn,
          lease_ends_on: input.leaseEndsOn,
          submitted_at: request.now,
          updated_at: request.now,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      for (const document of request.documents) {
        await addDocument(trx, row.id, request.enterpriseId, product.fund_id, document.docType, document.file, request.userId, request.fileStore);
      }
      return { id: row.id, duplicate: false };
    });
  } catch (error) {
    if (isUniqueViolation(error) && !db.isTransaction) {
      const again = await db
        .selectFrom("loan_applications")
        .select("id")
        .where("enterprise_id", "=", request.enterpriseId)
        .where("idempotency_key", "=", input.idempotencyKey)
        .executeTakeFirst();
      if (again) return { id: again.id, duplicate: true };
    }
    throw error;
  }
}

async function addDocument(trx: Tx, applicationId: number, enterpriseId: number, fundId: number, docType: LoanDocumentType, file: File, userId: number, fileStore: FileStore, field = `document_${docType}`) {
  const fund = await trx.selectFrom("funds").select("host_id").where("id", "=", fundId).executeTakeFirstOrThrow();
  // Private: the enterprise's members and the fund host's staff (administrators, auditors) may read it.
  const stored = await storeUpload(trx, fileStore, file, "document", { purpose: "loan_document", hostId: fund.host_id, enterpriseId, uploadedBy: userId }, field);
  await trx.insertInto("loan_application_documents").values({ application_id: applicationId, doc_type: docType, file_id: stored.id, uploaded_by: userId }).execute();
}

/** Adds a document while the application is still being prepared or reviewed. */
export async function uploadApplicationDocument(
  db: Database,
  request: { applicationId: number; docType: LoanDocumentType; file: File; userId: number; fileStore: FileStore },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const app = await trx.selectFrom("loan_applications").select(["state", "enterprise_id", "fund_id"]).where("id", "=", request.applicationId).forUpdate().executeTakeFirstOrThrow();
    if (app.state !== "submitted" && app.state !== "in_review") throw new AppError("applicationStateChanged", 409);
    await addDocument(trx, request.applicationId, app.enterprise_id, app.fund_id, request.docType, request.file, request.userId, request.fileStore, "file");
  });
}

async function isMember(db: DbOrTx, enterpriseId: number, userId: number): Promise<boolean> {
  const row = await db.selectFrom("enterprise_members").select("user_id").where("enterprise_id", "=", enterpriseId).where("user_id", "=", userId).executeTakeFirst();
  return row !== undefined;
}

/** The database's guards are the last word; a refusal there after our checks means someone was quicker. */
function translateGuard(error: unknown): never {
  if (isCheckViolation(error)) throw new AppError("applicationStateChanged", 409);
  throw error;
}

async function lockApplication(trx: Tx, id: number) {
  return trx.selectFrom("loan_applications").selectAll().where("id", "=", id).forUpdate().executeTakeFirstOrThrow();
}

export async function startReview(db: DbOrTx, applicationId: number, reviewerId: number, now: Date): Promise<void> {
  await inTransaction(db, async (trx) => {
      const app = await lockApplication(trx, applicationId);
      if (app.state !== "submitted") throw new AppError("applicationStateChanged", 409);
      if (app.submitted_by === reviewerId || (await isMember(trx, app.enterprise_id, reviewerId))) throw new AppError("memberCannotVote", 403);
      await trx.updateTable("loan_applications").set({ state: "in_review", reviewer_id: reviewerId, review_started_at: now, updated_at: now }).where("id", "=", applicationId).execute();
    })
    .catch(translateGuard);
}

interface Recipient {
  email: string;
  locale: "ko" | "en";
}

/** The enterprise's owners and whoever submitted the application. */
export async function applicantRecipients(db: DbOrTx, enterpriseId: number, submittedBy: number): Promise<Recipient[]> {
  const rows = await db
    .selectFrom("users")
    .select(["email", "locale"])
    .where((eb) =>
      eb.or([
        eb("id", "=", submittedBy),
        eb("id", "in", eb.selectFrom("enterprise_members").select("user_id").where("enterprise_id", "=", enterpriseId).where("role", "=", "owner")),
      ]),
    )
    .orderBy("id")
    .execute();
  return rows;
}

export interface ReviewRequest {
  silent?: boolean;
  applicationId: number;
  reviewerId: number;
  decision: "pass" | "reject";
  note: string;
  origin: string;
  now: Date;
}

/** Documents complete → before the committee (its rule fixed now); or rejected with a letter. */
export async function reviewDocuments(db: DbOrTx, request: ReviewRequest): Promise<"committee" | "rejected"> {
  return inTransaction(db, async (trx) => {
      const app = await lockApplication(trx, request.applicationId);
      if (app.state !== "in_review") throw new AppError("applicationStateChanged", 409);
      if (app.submitted_by === request.reviewerId || (await isMember(trx, app.enterprise_id, request.reviewerId))) throw new AppError("memberCannotVote", 403);
      if (request.decision === "pass") {
        const product = await trx.selectFrom("loan_products").select("required_documents").where("id", "=", app.product_id).executeTakeFirstOrThrow();
        const blockers = reviewBlockers(documentChecklist(product.required_documents, await listApplicationDocuments(trx, app.id)));
        if (blockers.missing.length > 0) throw new AppError("documentsMissing", 422);
        if (blockers.rejected.length > 0) throw new AppError("documentsRejected", 422);
        const fund = await trx.selectFrom("funds").select(["committee_quorum", "committee_majority_pct"]).where("id", "=", app.fund_id).executeTakeFirstOrThrow();
        await trx
          .updateTable("loan_applications")
          .set({
            state: "committee",
            reviewer_id: request.reviewerId,
            reviewed_at: request.now,
            review_note: request.note,
            committee_opened_at: request.now,
            committee_quorum: fund.committee_quorum,
            committee_majority_pct: fund.committee_majority_pct,
            updated_at: request.now,
          })
          .where("id", "=", app.id)
          .execute();
        return "committee" as const;
      }
      await trx
        .updateTable("loan_applications")
        .set({ state: "rejected", reviewer_id: request.reviewerId, reviewed_at: request.now, review_note: request.note, decided_by: request.reviewerId, decided_at: request.now, decision_note: request.note, updated_at: request.now })
        .where("id", "=", app.id)
        .execute();
      if (!request.silent) await sendDecisionLetters(trx, app.id, request.origin, request.now, "review");
      return "rejected" as const;
    })
    .catch((error: unknown) => translateGuard(error));
}

export interface DocumentRejection {
  applicationId: number;
  documentId: number;
  reviewerId: number;
  reason: string;
  origin: string;
  now: Date;
}

/**
 * Rejects one document under review, with the reason, and asks the applicant for a replacement by
 * e-mail. The document stays (append-only); the member's next upload of the type replaces it.
 */
export async function rejectApplicationDocument(db: DbOrTx, request: DocumentRejection): Promise<void> {
  if (request.reason.trim().length === 0) throw new AppError("required", 422, "reason");
  await inTransaction(db, async (trx) => {
      const app = await lockApplication(trx, request.applicationId);
      if (app.state !== "in_review") throw new AppError("applicationStateChanged", 409);
      if (app.submitted_by === request.reviewerId || (await isMember(trx, app.enterprise_id, request.reviewerId))) throw new AppError("memberCannotVote", 403);
      const documents = await listApplicationDocuments(trx, app.id);
      const document = documents.find((d) => d.id === request.documentId);
      if (!document) throw new AppError("invalidChoice", 404);
      if (!canRejectDocument(documents, document.id)) throw new AppError("documentAlreadyReplaced", 409);
      await trx
        .insertInto("loan_document_rejections")
        .values({ document_id: document.id, application_id: app.id, rejected_by: request.reviewerId, reason: request.reason, rejected_at: request.now })
        .execute();
      const enterprise = await trx.selectFrom("enterprises").select("name").where("id", "=", app.enterprise_id).executeTakeFirstOrThrow();
      for (const recipient of await applicantRecipients(trx, app.enterprise_id, app.submitted_by)) {
        await enqueueEmail(trx, recipient.email, "loanDocumentRejected", {
          locale: recipient.locale,
          enterpriseName: enterprise.name,
          applicationId: app.id,
          documentName: dictionaries[recipient.locale].loans.documentTypes[document.doc_type],
          fileName: document.original_name,
          reason: request.reason,
          applicationUrl: `${request.origin}/enterprises/${app.enterprise_id}/loans/applications/${app.id}`,
        });
      }
    })
    .catch((error: unknown) => {
      if (isUniqueViolation(error)) throw new AppError("documentAlreadyReplaced", 409);
      translateGuard(error);
    });
}

export async function declareConflict(db: DbOrTx, request: { applicationId: number; userId: number; reason: string; now: Date }): Promise<void> {
  await inTransaction(db, async (trx) => {
      const app = await lockApplication(trx, request.applicationId);
      if (!["submitted", "in_review", "committee"].includes(app.state)) throw new AppError("applicationStateChanged", 409);
      const voted = await trx.selectFrom("loan_votes").select("voter_id").where("application_id", "=", app.id).where("voter_id", "=", request.userId).executeTakeFirst();
      if (voted) throw new AppError("alreadyVoted", 409);
      await trx
        .insertInto("loan_conflicts")
        .values({ application_id: app.id, user_id: request.userId, reason: request.reason, declared_at: request.now })
        .onConflict((oc) => oc.columns(["application_id", "user_id"]).doNothing())
        .execute();
    })
    .catch(translateGuard);
}

export async function castVote(db: DbOrTx, request: { applicationId: number; voterId: number; vote: LoanVote; comment: string; now: Date }): Promise<void> {
  try {
    await inTransaction(db, async (trx) => {
      const app = await trx.selectFrom("loan_applications").select(["state", "enterprise_id", "submitted_by"]).where("id", "=", request.applicationId).forShare().executeTakeFirstOrThrow();
      if (app.state !== "committee") throw new AppError("applicationStateChanged", 409);
      if (app.submitted_by === request.voterId || (await isMember(trx, app.enterprise_id, request.voterId))) throw new AppError("memberCannotVote", 403);
      const conflict = await trx.selectFrom("loan_conflicts").select("user_id").where("application_id", "=", request.applicationId).where("user_id", "=", request.voterId).executeTakeFirst();
      if (conflict) throw new AppError("committeeConflictDeclared", 403);
      await trx
        .insertInto("loan_votes")
        .values({ application_id: request.applicationId, voter_id: request.voterId, vote: request.vote, comment: request.comment, no_conflict_affirmed: true, voted_at: request.now })
        .execute();
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("alreadyVoted", 409);
    translateGuard(error);
  }
}

/** The votes that count: fund administrators of the host, not members, not conflicted. */
export async function eligibleVotes(db: DbOrTx, applicationId: number): Promise<LoanVote[]> {
  const rows = await db
    .selectFrom("loan_votes as v")
    .innerJoin("loan_applications as a", "a.id", "v.application_id")
    .select("v.vote")
    .where("v.application_id", "=", applicationId)
    .where(sql<boolean>`v.voter_id <> a.submitted_by AND loan_is_fund_admin(v.voter_id, a.fund_id, a.enterprise_id)`)
    .where((eb) => eb.not(eb.exists(eb.selectFrom("loan_conflicts as c").select("c.user_id").whereRef("c.application_id", "=", "v.application_id").whereRef("c.user_id", "=", "v.voter_id"))))
    .execute();
  return rows.map((r) => r.vote);
}

/** Records the committee's result (computed from the votes, not chosen) and sends the letters. */
export async function closeCommittee(db: DbOrTx, request: { applicationId: number; deciderId: number; note: string; origin: string; now: Date; silent?: boolean }): Promise<"approved" | "rejected"> {
  return inTransaction(db, async (trx) => {
      const app = await lockApplication(trx, request.applicationId);
      if (app.state !== "committee" || app.committee_quorum === null || app.committee_majority_pct === null) throw new AppError("applicationStateChanged", 409);
      if (app.submitted_by === request.deciderId || (await isMember(trx, app.enterprise_id, request.deciderId))) throw new AppError("memberCannotVote", 403);
      const outcome = committeeOutcome(await eligibleVotes(trx, app.id), { quorum: app.committee_quorum, majorityPct: app.committee_majority_pct });
      if (outcome === "pending") throw new AppError("quorumNotMet", 422);
      if (outcome === "approved") {
        // Money the committee promises must still be there to lend.
        await lockFund(trx, app.fund_id);
        const money = await fundMoney(trx, app.fund_id);
        if (app.amount_won > money.availableWon) throw new AppError("amountAboveFundBalance", 422);
      }
      await trx
        .updateTable("loan_applications")
        .set({ state: outcome, decided_by: request.deciderId, decided_at: request.now, decision_note: request.note, updated_at: request.now })
        .where("id", "=", app.id)
        .execute();
      if (!request.silent) await sendDecisionLetters(trx, app.id, request.origin, request.now, "committee");
      return outcome;
    })
    .catch((error: unknown) => translateGuard(error));
}

/** Who counts toward the quorum now: eligible votes cast, and administrators who may still vote. */
export async function committeeSeats(db: DbOrTx, applicationId: number): Promise<CommitteeSeats> {
  const result = await sql<{ eligible_votes: string; still_to_vote: string }>`
    SELECT
      (SELECT count(*) FROM loan_votes v
        WHERE v.application_id = a.id AND v.voter_id <> a.submitted_by
          AND loan_is_fund_admin(v.voter_id, a.fund_id, a.enterprise_id)
          AND NOT EXISTS (SELECT 1 FROM loan_conflicts c WHERE c.application_id = a.id AND c.user_id = v.voter_id)) AS eligible_votes,
      (SELECT count(DISTINCT r.user_id) FROM staff_roles r JOIN funds f ON f.host_id = r.host_id
        WHERE f.id = a.fund_id AND r.role = 'fund_admin' AND r.user_id <> a.submitted_by
          AND loan_is_fund_admin(r.user_id, a.fund_id, a.enterprise_id)
          AND NOT EXISTS (SELECT 1 FROM loan_conflicts c WHERE c.application_id = a.id AND c.user_id = r.user_id)
          AND NOT EXISTS (SELECT 1 FROM loan_votes v WHERE v.application_id = a.id AND v.voter_id = r.user_id)) AS still_to_vote
    FROM loan_applications a WHERE a.id = ${applicationId}`.execute(db);
  const row = result.rows[0];
  return { eligibleVotes: parseSafeInteger(row?.eligible_votes ?? 0), stillToVote: parseSafeInteger(row?.still_to_vote ?? 0) };
}

/**
 * Closes a committee that can no longer reach its quorum (members stepped aside), with the
 * reason: no decision on the merits, so the application is neither approved nor rejected and the
 * enterprise may apply again (decision 35).
 */
export async function closeCommitteeWithoutQuorum(db: DbOrTx, request: { applicationId: number; deciderId: number; note: string; origin: string; now: Date; silent?: boolean }): Promise<void> {
  if (request.note.trim().length === 0) throw new AppError("required", 422, "note");
  await inTransaction(db, async (trx) => {
      const app = await lockApplication(trx, request.applicationId);
      if (app.state !== "committee" || app.committee_quorum === null) throw new AppError("applicationStateChanged", 409);
      if (app.submitted_by === request.deciderId || (await isMember(trx, app.enterprise_id, request.deciderId))) throw new AppError("memberCannotVote", 403);
      if (quorumReachable(await committeeSeats(trx, app.id), app.committee_quorum)) throw new AppError("quorumStillReachable", 422);
      await trx
        .updateTable("loan_applications")
        .set({ state: "closed_no_quorum", decided_by: request.deciderId, decided_at: request.now, decision_note: request.note, updated_at: request.now })
        .where("id", "=", app.id)
        .execute();
      if (!request.silent) await sendDecisionLetters(trx, app.id, request.origin, request.now, "no_quorum");
    })
    .catch((error: unknown) => translateGuard(error));
}

async function sendDecisionLetters(trx: DbOrTx, applicationId: number, origin: string, now: Date, stage: "review" | "committee" | "no_quorum"): Promise<void> {
  const app = await getApplication(trx, applicationId);
  if (!app) return;
  const votes = stage !== "review" ? await eligibleVotes(trx, applicationId) : [];
  const approved = app.state === "approved";
  for (const recipient of await applicantRecipients(trx, app.enterprise_id, app.submitted_by)) {
    const m = dictionaries[recipient.locale];
    await enqueueEmail(trx, recipient.email, "loanDecision", {
      locale: recipient.locale,
      enterpriseName: app.enterprise_name,
      productName: app.product_name,
      applicationId: app.id,
      amountWon: app.amount_won,
      approved,
      stage,
      decidedOn: seoulDate(now),
      note: app.decision_note || app.review_note,
      votes: stage !== "review" ? { approve: votes.filter((v) => v === "approve").length, reject: votes.filter((v) => v === "reject").length } : null,
      terms: approved ? { rateBp: app.rate_bp, termMonths: app.term_months, method: m.fund.methods[app.repayment_method] } : null,
      applicationUrl: `${origin}/enterprises/${app.enterprise_id}/loans/applications/${app.id}`,
    });
  }
}
