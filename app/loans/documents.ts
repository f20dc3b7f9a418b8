import { z } from "zod";
import type { LoanDocumentType } from "../../db/types";
import { requiredText, wholeNumber } from "../utils/fields";

// An application's documents as the review sees them. Documents are append-only: a replacement is
// a newer upload of the same type, so the current document of a type is the newest one, and the
// earlier ones (rejected or not) stay in its history.

export interface ReviewedDocument {
  id: number;
  docType: LoanDocumentType;
  /** Set when an administrator rejected this document at the review. */
  rejectionReason: string | null;
}

export type DocumentStatus = "missing" | "rejected" | "received";

export interface ChecklistRow<D extends ReviewedDocument> {
  docType: LoanDocumentType;
  required: boolean;
  status: DocumentStatus;
  current: D | null;
  /** Earlier uploads of the type, newest first. */
  history: D[];
}

/** The required types first (in the product's order), then any other type uploaded. */
export function documentChecklist<D extends ReviewedDocument>(required: readonly LoanDocumentType[], documents: readonly D[]): ChecklistRow<D>[] {
  const types = [...required, ...documents.map((d) => d.docType).filter((t) => !required.includes(t))];
  return [...new Set(types)].map((docType) => {
    const [current = null, ...history] = documents.filter((d) => d.docType === docType).sort((a, b) => b.id - a.id);
    const status: DocumentStatus = current === null ? "missing" : current.rejectionReason !== null ? "rejected" : "received";
    return { docType, required: required.includes(docType), status, current, history };
  });
}

/** What keeps the review from passing: required types never uploaded, or whose current document was rejected. */
export function reviewBlockers(checklist: readonly ChecklistRow<ReviewedDocument>[]): { missing: LoanDocumentType[]; rejected: LoanDocumentType[] } {
  const required = checklist.filter((row) => row.required);
  return {
    missing: required.filter((row) => row.status === "missing").map((row) => row.docType),
    rejected: required.filter((row) => row.status === "rejected").map((row) => row.docType),
  };
}

/** Whether a document can be rejected now: it must be the current one of its type, not rejected yet. */
export function canRejectDocument(documents: readonly ReviewedDocument[], documentId: number): boolean {
  const document = documents.find((d) => d.id === documentId);
  if (!document || document.rejectionReason !== null) return false;
  return !documents.some((d) => d.docType === document.docType && d.id > document.id);
}

export const documentRejectionSchema = z.object({
  documentId: wholeNumber(1, Number.MAX_SAFE_INTEGER),
  reason: requiredText(1000),
});
