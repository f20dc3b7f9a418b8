import { z } from "zod";
import type { EnterpriseStatus, EnterpriseType, LoanApplicationState, LoanDocumentType, LoanState, LoanVote } from "../../db/types";
import { idempotencyKeyField } from "../fund/fund";
import type { ErrorKey } from "../i18n/messages/errors";
import { ENTERPRISE_TYPES } from "../orgs/enterprises";
import { choice, isoDateField, optionalText, requiredText, wholeNumber, whenFieldsValid, wonAmount } from "../utils/fields";
import { REPAYMENT_METHODS } from "./schedule";

// Loan applications, committee, contracts and servicing decisions: forms, eligibility and the
// committee rule (the database enforces the same rule; this is for clear messages first).

export const LOAN_DOCUMENT_TYPES = [
  "business_registration",
  "self_sufficiency_designation",
  "lease_contract",
  "business_plan",
  "landlord_account",
  "tax_certificate",
] as const satisfies readonly LoanDocumentType[];

export const OPEN_APPLICATION_STATES = ["submitted", "in_review", "committee", "approved"] as const satisfies readonly LoanApplicationState[];
export const ACTIVE_LOAN_STATES = ["contracted", "disbursed", "repaying", "delinquent", "defaulted"] as const satisfies readonly LoanState[];
/** States in which repayments are taken and arrears tracked. */
export const SERVICED_LOAN_STATES = ["disbursed", "repaying", "delinquent", "defaulted"] as const satisfies readonly LoanState[];

/** Several values of one form field (checkboxes) as an array. */
function manyOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.preprocess((v) => (v === undefined || v === "" ? [] : Array.isArray(v) ? v : [v]), z.array(choice(values)).min(1, "required"));
}

export const applicationSchema = z
  .object({
    productId: wholeNumber(1, Number.MAX_SAFE_INTEGER),
    amountWon: wonAmount(),
    purpose: requiredText(2000),
    storeAddress: requiredText(200),
    landlordName: requiredText(100),
    leaseDepositWon: wonAmount(),
    leaseStartsOn: isoDateField,
    leaseEndsOn: isoDateField,
    idempotencyKey: idempotencyKeyField,
  })
  .refine((v) => v.leaseEndsOn > v.leaseStartsOn, { path: ["leaseEndsOn"], message: "leaseEndsBeforeStart", ...whenFieldsValid("leaseStartsOn", "leaseEndsOn") })
  .refine((v) => v.amountWon <= v.leaseDepositWon, { path: ["amountWon"], message: "amountAboveDeposit", ...whenFieldsValid("amountWon", "leaseDepositWon") });
export type ApplicationInput = z.output<typeof applicationSchema>;

export const documentTypeSchema = z.object({ docType: choice(LOAN_DOCUMENT_TYPES) });

export const reviewSchema = z
  .object({ decision: choice(["pass", "reject"] as const), note: optionalText(2000) })
  .refine((v) => v.decision === "pass" || v.note.length > 0, { path: ["note"], message: "required", ...whenFieldsValid("decision", "note") });

export const conflictSchema = z.object({ reason: requiredText(1000) });

export const voteSchema = z.object({
  vote: choice(["approve", "reject"] as const),
  comment: optionalText(2000),
  noConflict: z.literal("on", { error: "noConflictRequired" }),
});

export const decisionNoteSchema = z.object({ note: optionalText(2000) });

export const contractSchema = z.object({ contractedOn: isoDateField });

export const disbursementSchema = z.object({ disbursedOn: isoDateField, reference: requiredText(100) });

export const repaymentSchema = z.object({
  kind: choice(["instalment", "prepayment"] as const),
  amountWon: wonAmount(),
  paidOn: isoDateField,
  reference: requiredText(100),
  idempotencyKey: idempotencyKeyField,
});
export type RepaymentForm = z.output<typeof repaymentSchema>;

export const extensionSchema = z.object({ months: wholeNumber(1, 120), reason: requiredText(2000) });

export const reasonSchema = z.object({ reason: requiredText(2000) });

/** Closing a committee that can no longer reach its quorum: the reason goes to the applicant. */
export const noQuorumSchema = z.object({ note: requiredText(2000) });

export const productVersionSchema = z
  .object({
    code: z.string({ error: "required" }).regex(/^[a-z0-9][a-z0-9-]{1,59}$/, "invalid"),
    name: requiredText(200),
    purpose: optionalText(2000),
    capWon: wonAmount(10_000),
    rateBp: wholeNumber(0, 2000),
    termMonths: wholeNumber(1, 360),
    repaymentMethod: choice(REPAYMENT_METHODS),
    graceMonths: wholeNumber(0, 359),
    penaltyBp: wholeNumber(0, 2000),
    delinquencyGraceDays: wholeNumber(0, 365),
    eligibleTypes: manyOf(ENTERPRISE_TYPES),
    requiredDocuments: manyOf(LOAN_DOCUMENT_TYPES),
  })
  .refine((v) => v.graceMonths < v.termMonths, { path: ["graceMonths"], message: "graceNotShorterThanTerm", ...whenFieldsValid("graceMonths", "termMonths") });
export type ProductVersionInput = z.output<typeof productVersionSchema>;

export interface EligibilityFacts {
  enterprise: { status: EnterpriseStatus; type: EnterpriseType };
  product: { eligible_types: readonly EnterpriseType[]; is_current: boolean };
  hasOpenApplicationOrLoan: boolean;
}

/**
 * Why an enterprise may not apply for a product, as message keys (empty: it may). Who may apply:
 * any member of a verified enterprise of an eligible type, whichever host verified it.
 */
export function eligibilityProblems(facts: EligibilityFacts): ErrorKey[] {
  const problems: ErrorKey[] = [];
  if (!facts.product.is_current) problems.push("productNotCurrent");
  if (facts.enterprise.status !== "verified") problems.push("enterpriseNotVerified");
  if (!facts.product.eligible_types.includes(facts.enterprise.type)) problems.push("enterpriseTypeNotEligible");
  if (facts.hasOpenApplicationOrLoan) problems.push("applicationAlreadyOpen");
  return problems;
}

/** The amount against the product's cap and what the fund can still lend. */
export function amountProblem(amountWon: number, capWon: number, availableWon: number): ErrorKey | null {
  if (amountWon > capWon) return "amountAboveCap";
  if (amountWon > availableWon) return "amountAboveFundBalance";
  return null;
}

export interface CommitteeRule {
  quorum: number;
  majorityPct: number;
}

export type CommitteeOutcome = "approved" | "rejected" | "pending";

/**
 * The committee's result from the eligible votes: pending below the quorum; approved with at least
 * two approvals that are more than `majorityPct` % of the votes cast; otherwise rejected.
 */
export function committeeOutcome(votes: readonly LoanVote[], rule: CommitteeRule): CommitteeOutcome {
  if (votes.length < rule.quorum) return "pending";
  const approvals = votes.filter((v) => v === "approve").length;
  return approvals >= 2 && approvals * 100 > rule.majorityPct * votes.length ? "approved" : "rejected";
}

/** Required document types not yet uploaded. */
export function missingDocuments(required: readonly LoanDocumentType[], uploaded: readonly LoanDocumentType[]): LoanDocumentType[] {
  return required.filter((type) => !uploaded.includes(type));
}

export interface CommitteeSeats {
  /** Votes that count: by administrators of the host, not of the applicant, not conflicted. */
  eligibleVotes: number;
  /** Administrators of the host who may still vote: not of the applicant, not conflicted, not yet voted. */
  stillToVote: number;
}

/** Whether the committee can still reach its quorum; when not, it may be closed without a decision. */
export function quorumReachable(seats: CommitteeSeats, quorum: number): boolean {
  return seats.eligibleVotes + seats.stillToVote >= quorum;
}
