import { describe, expect, it } from "vitest";
import { canRejectDocument, documentChecklist, reviewBlockers, type ReviewedDocument } from "./documents";

const doc = (id: number, docType: ReviewedDocument["docType"], rejectionReason: string | null = null): ReviewedDocument => ({ id, docType, rejectionReason });

describe("the document checklist of a loan application", () => {
  const required = ["business_registration", "lease_contract"] as const;

  it("takes the newest upload of a type as current and keeps the rest as its history", () => {
    const rows = documentChecklist(required, [doc(1, "lease_contract", "보증금 금액이 보이지 않습니다"), doc(2, "business_registration"), doc(5, "lease_contract")]);
    expect(rows.map((r) => [r.docType, r.status, r.current?.id, r.history.map((h) => h.id)])).toEqual([
      ["business_registration", "received", 2, []],
      ["lease_contract", "received", 5, [1]],
    ]);
    expect(reviewBlockers(rows)).toEqual({ missing: [], rejected: [] });
  });

  it("blocks the review on a required type missing or whose current document was rejected", () => {
    const rows = documentChecklist(required, [doc(3, "lease_contract", "흐릿합니다")]);
    expect(rows.map((r) => r.status)).toEqual(["missing", "rejected"]);
    expect(reviewBlockers(rows)).toEqual({ missing: ["business_registration"], rejected: ["lease_contract"] });
  });

  it("lists extra types after the required ones without letting them block the review", () => {
    const rows = documentChecklist(required, [doc(1, "business_registration"), doc(2, "lease_contract"), doc(3, "tax_certificate", "기한 지남")]);
    expect(rows.map((r) => [r.docType, r.required, r.status])).toEqual([
      ["business_registration", true, "received"],
      ["lease_contract", true, "received"],
      ["tax_certificate", false, "rejected"],
    ]);
    expect(reviewBlockers(rows)).toEqual({ missing: [], rejected: [] });
  });

  it("rejects only the current document of a type, once", () => {
    const documents = [doc(1, "lease_contract", "흐릿합니다"), doc(2, "lease_contract"), doc(3, "business_registration")];
    expect(canRejectDocument(documents, 2)).toBe(true);
    expect(canRejectDocument(documents, 3)).toBe(true);
    expect(canRejectDocument(documents, 1)).toBe(false);
    expect(canRejectDocument([doc(1, "lease_contract"), doc(2, "lease_contract")], 1)).toBe(false);
    expect(canRejectDocument(documents, 99)).toBe(false);
  });
});
