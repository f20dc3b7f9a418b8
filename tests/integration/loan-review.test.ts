import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderedEmailsTo } from "../../app/email/outbox.server";
import {
  castVote,
  closeCommittee,
  closeCommitteeWithoutQuorum,
  committeeSeats,
  declareConflict,
  listApplicationDocuments,
  rejectApplicationDocument,
  reviewDocuments,
  startReview,
  submitApplication,
  uploadApplicationDocument,
} from "../../app/loans/applications.server";
import { documentChecklist } from "../../app/loans/documents";
import { LOAN_DOCUMENT_TYPES } from "../../app/loans/loans";
import { AppError } from "../../app/utils/app-error";
import { demoPdf } from "../../db/seed/fund-demo";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { enterpriseId, seedDemo, userId } from "../support/seed";
import { createTestServices, type TestServices } from "../support/services";
import { seoulDateAfter } from "../support/dates";

// Decision 30: a document rejected at the review is replaced by a newer upload, the rejected one
// kept; decision 35: a committee that can no longer reach its quorum is closed without a decision.

let t: TestDatabase;
let services: TestServices;
let coffee = 0;
let jahwal = 0;
let fund1 = 0;
let fund2 = 0;
let productId = 0;
let applicationId = 0;

const ORIGIN = "http://localhost:3000";

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo(t);
  services = createTestServices(t.db, "2026-11-24T03:00:00Z");
  coffee = await enterpriseId(t, "커피마루 운암점");
  jahwal = await userId(t, "jahwal@hamkke.demo");
  fund1 = await userId(t, "fund1@hamkke.demo");
  fund2 = await userId(t, "fund2@hamkke.demo");
  productId = (await t.db.selectFrom("loan_products").select("id").where("is_current", "=", true).executeTakeFirstOrThrow()).id;
});
afterAll(async () => {
  await t.drop();
});

const pdf = (name: string) => new File([demoPdf(name)], `${name}.pdf`, { type: "application/pdf" });

async function expectRefusal(work: Promise<unknown>, code: string, status?: number) {
  await expect(work).rejects.toSatisfy((error: unknown) => error instanceof AppError && error.code === code && (status === undefined || error.status === status));
}

async function apply(key: string): Promise<number> {
  const submitted = await submitApplication(t.db, {
    enterpriseId: coffee,
    userId: jahwal,
    input: { productId, amountWon: 40_000_000, purpose: "운암동 2호점 임대보증금", storeAddress: "광주 북구 운암동", landlordName: "정임대", leaseDepositWon: 50_000_000, leaseStartsOn: seoulDateAfter(services.clock.now(), 38), leaseEndsOn: seoulDateAfter(services.clock.now(), 768), idempotencyKey: key },
    documents: LOAN_DOCUMENT_TYPES.slice(0, 4).map((docType) => ({ docType, file: pdf(docType) })),
    fileStore: services.fileStore,
    now: services.clock.now(),
  });
  return submitted.id;
}

async function leaseDocuments() {
  return (await listApplicationDocuments(t.db, applicationId)).filter((d) => d.doc_type === "lease_contract");
}

describe("a rejected document is replaced and the review continues", () => {
  it("rejects one document with a reason, tells the applicant, and keeps the review from passing", async () => {
    applicationId = await apply("review-gaps-application");
    await startReview(t.db, applicationId, fund1, services.clock.now());
    const [lease] = await leaseDocuments();
    if (!lease) throw new Error("no lease contract");
    await expectRefusal(rejectApplicationDocument(t.db, { applicationId, documentId: lease.id, reviewerId: jahwal, reason: "x", origin: ORIGIN, now: services.clock.now() }), "memberCannotVote", 403);
    await expectRefusal(rejectApplicationDocument(t.db, { applicationId, documentId: lease.id, reviewerId: fund1, reason: "  ", origin: ORIGIN, now: services.clock.now() }), "required", 422);
    await rejectApplicationDocument(t.db, { applicationId, documentId: lease.id, reviewerId: fund1, reason: "보증금 금액 면이 잘려 있습니다", origin: ORIGIN, now: services.clock.now() });
    await expectRefusal(rejectApplicationDocument(t.db, { applicationId, documentId: lease.id, reviewerId: fund2, reason: "중복", origin: ORIGIN, now: services.clock.now() }), "documentAlreadyReplaced", 409);

    const [letter] = await renderedEmailsTo(t.db, "jahwal@hamkke.demo", "loanDocumentRejected");
    if (!letter) throw new Error("no letter asking for the document");
    expect(letter.subject).toContain("임대차계약서 사본");
    expect(letter.text_body).toContain("보증금 금액 면이 잘려 있습니다");
    expect(letter.text_body).toContain(`/enterprises/${coffee}/loans/applications/${applicationId}`);

    await expectRefusal(reviewDocuments(t.db, { applicationId, reviewerId: fund1, decision: "pass", note: "", origin: ORIGIN, now: services.clock.now() }), "documentsRejected", 422);
    expect((await t.db.selectFrom("loan_applications").select("state").where("id", "=", applicationId).executeTakeFirstOrThrow()).state).toBe("in_review");
  });

  it("is held by the database too (direct SQL as the app role)", async () => {
    await expect(sql`UPDATE loan_applications SET state = 'committee', committee_opened_at = now(), committee_quorum = 2, committee_majority_pct = 50 WHERE id = ${applicationId}`.execute(t.db)).rejects.toThrow(
      /rejected document of loan application \d+ has not been replaced/,
    );
    const [lease] = await leaseDocuments();
    const other = await t.db.selectFrom("loan_application_documents").select("id").where("application_id", "<>", applicationId).executeTakeFirstOrThrow();
    const reject = (documentId: number, by: number) =>
      sql`INSERT INTO loan_document_rejections (document_id, application_id, rejected_by, reason, rejected_at) VALUES (${documentId}, ${applicationId}, ${by}, 'x', now())`.execute(t.db);
    await expect(reject(other.id, fund1)).rejects.toThrow(/is not a document of loan application/);
    const business = (await listApplicationDocuments(t.db, applicationId)).find((d) => d.doc_type === "business_plan");
    if (!business || !lease) throw new Error("documents missing");
    await expect(reject(business.id, jahwal)).rejects.toThrow(/not a member of the applicant/);
    await expect(sql`UPDATE loan_document_rejections SET reason = 'y'`.execute(t.db)).rejects.toThrow(/permission denied/);
    await expect(sql`DELETE FROM loan_document_rejections`.execute(t.db)).rejects.toThrow(/permission denied/);
    await expect(sql`DELETE FROM loan_document_rejections`.execute(t.owner)).rejects.toThrow(/kept/);
  });

  it("takes the member's replacement, keeps the rejected one in its history, and passes to the committee", async () => {
    await uploadApplicationDocument(t.db, { applicationId, docType: "lease_contract", file: pdf("lease-contract-full"), userId: jahwal, fileStore: services.fileStore });
    const documents = await listApplicationDocuments(t.db, applicationId);
    const [rejected, replacement] = documents.filter((d) => d.doc_type === "lease_contract");
    if (!rejected || !replacement) throw new Error("no replacement");
    const row = documentChecklist(["lease_contract"], documents)[0];
    expect(row).toMatchObject({ status: "received", current: { id: replacement.id }, history: [{ id: rejected.id, rejection_reason: "보증금 금액 면이 잘려 있습니다" }] });
    // The replaced document can no longer be rejected: the current one can.
    await expect(sql`INSERT INTO loan_document_rejections (document_id, application_id, rejected_by, reason, rejected_at) VALUES (${rejected.id}, ${applicationId}, ${fund2}, 'x', now())`.execute(t.db)).rejects.toThrow(
      /already replaced/,
    );
    expect(await reviewDocuments(t.db, { applicationId, reviewerId: fund1, decision: "pass", note: "보완 확인", origin: ORIGIN, now: services.clock.now() })).toBe("committee");
    // Once before the committee, documents are no longer rejected.
    await expectRefusal(rejectApplicationDocument(t.db, { applicationId, documentId: replacement.id, reviewerId: fund2, reason: "늦음", origin: ORIGIN, now: services.clock.now() }), "applicationStateChanged", 409);
  });
});

describe("a committee that can no longer reach its quorum", () => {
  it("cannot be closed while enough administrators may still vote", async () => {
    expect(await committeeSeats(t.db, applicationId)).toEqual({ eligibleVotes: 0, stillToVote: 2 });
    await expectRefusal(closeCommitteeWithoutQuorum(t.db, { applicationId, deciderId: fund1, note: "정족수 미달", origin: ORIGIN, now: services.clock.now() }), "quorumStillReachable", 422);
    await expect(sql`UPDATE loan_applications SET state = 'closed_no_quorum', decided_by = ${fund1}, decided_at = now(), decision_note = 'x' WHERE id = ${applicationId}`.execute(t.db)).rejects.toThrow(/can still reach its quorum/);
  });

  it("is closed with a reason once a member stepped aside, without a decision, and the enterprise may apply again", async () => {
    await declareConflict(t.db, { applicationId, userId: fund2, reason: "신청 기업 대표와 친족", now: services.clock.now() });
    await castVote(t.db, { applicationId, voterId: fund1, vote: "approve", comment: "", now: services.clock.now() });
    expect(await committeeSeats(t.db, applicationId)).toEqual({ eligibleVotes: 1, stillToVote: 0 });
    await expectRefusal(closeCommittee(t.db, { applicationId, deciderId: fund1, note: "", origin: ORIGIN, now: services.clock.now() }), "quorumNotMet", 422);
    // The reason is required, by the product and by the database.
    await expectRefusal(closeCommitteeWithoutQuorum(t.db, { applicationId, deciderId: fund1, note: "", origin: ORIGIN, now: services.clock.now() }), "required", 422);
    await expect(sql`UPDATE loan_applications SET state = 'closed_no_quorum', decided_by = ${fund1}, decided_at = now() WHERE id = ${applicationId}`.execute(t.db)).rejects.toThrow(/states its reason/);
    await expectRefusal(closeCommitteeWithoutQuorum(t.db, { applicationId, deciderId: jahwal, note: "x", origin: ORIGIN, now: services.clock.now() }), "memberCannotVote", 403);

    await closeCommitteeWithoutQuorum(t.db, { applicationId, deciderId: fund1, note: "위원 2명 중 1명 이해충돌 회피로 정족수(2명) 미달", origin: ORIGIN, now: services.clock.now() });
    const closed = await t.db.selectFrom("loan_applications").select(["state", "decided_by", "decision_note"]).where("id", "=", applicationId).executeTakeFirstOrThrow();
    expect(closed).toEqual({ state: "closed_no_quorum", decided_by: fund1, decision_note: "위원 2명 중 1명 이해충돌 회피로 정족수(2명) 미달" });
    // The votes cast stay on record; nothing more is taken.
    expect(await t.db.selectFrom("loan_votes").select("voter_id").where("application_id", "=", applicationId).execute()).toEqual([{ voter_id: fund1 }]);
    await expect(sql`INSERT INTO loan_votes (application_id, voter_id, vote, no_conflict_affirmed, voted_at) VALUES (${applicationId}, ${fund2}, 'approve', true, now())`.execute(t.db)).rejects.toThrow(/not before the committee/);
    await expect(sql`UPDATE loan_applications SET state = 'committee' WHERE id = ${applicationId}`.execute(t.db)).rejects.toThrow(/cannot go from closed_no_quorum to committee/);
    await expectRefusal(closeCommitteeWithoutQuorum(t.db, { applicationId, deciderId: fund1, note: "다시", origin: ORIGIN, now: services.clock.now() }), "applicationStateChanged", 409);

    const letters = await renderedEmailsTo(t.db, "jahwal@hamkke.demo", "loanDecision");
    const letter = letters.find((l) => l.subject.includes("정족수 미달"));
    if (!letter) throw new Error("no letter");
    expect(letter.text_body).toContain("다시 신청하실 수 있습니다");
    expect(letter.text_body).toContain("찬성 1 · 반대 0");

    // Not a refusal: the enterprise applies again for the same product.
    const again = await apply("review-gaps-application-2");
    expect(again).not.toBe(applicationId);
  });
});
