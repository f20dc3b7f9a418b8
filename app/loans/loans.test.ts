import { describe, expect, it } from "vitest";
import { amountProblem, applicationSchema, committeeOutcome, eligibilityProblems, missingDocuments, productVersionSchema, quorumReachable, repaymentSchema, voteSchema } from "./loans";

const product = { eligible_types: ["self_sufficiency_enterprise" as const], is_current: true };
const verified = { status: "verified" as const, type: "self_sufficiency_enterprise" as const };

describe("eligibility", () => {
  it("lets a verified enterprise of an eligible type apply, whichever host verified it", () => {
    expect(eligibilityProblems({ enterprise: verified, product, hasOpenApplicationOrLoan: false })).toEqual([]);
  });

  it("names every reason it may not", () => {
    expect(eligibilityProblems({ enterprise: { status: "pending", type: "cooperative" }, product: { ...product, is_current: false }, hasOpenApplicationOrLoan: true })).toEqual([
      "productNotCurrent",
      "enterpriseNotVerified",
      "enterpriseTypeNotEligible",
      "applicationAlreadyOpen",
    ]);
  });

  it("checks the cap before what the fund can lend", () => {
    expect(amountProblem(100_000_000, 100_000_000, 100_000_000)).toBeNull();
    expect(amountProblem(100_000_001, 100_000_000, 500_000_000)).toBe("amountAboveCap");
    expect(amountProblem(90_000_000, 100_000_000, 89_999_999)).toBe("amountAboveFundBalance");
  });
});

describe("a committee below its quorum", () => {
  it("can still reach it while enough administrators may vote", () => {
    expect(quorumReachable({ eligibleVotes: 1, stillToVote: 1 }, 2)).toBe(true);
    expect(quorumReachable({ eligibleVotes: 0, stillToVote: 3 }, 3)).toBe(true);
  });

  it("cannot once members stepped aside and too few are left to vote", () => {
    // Two administrators, one declared a conflict: the other alone never makes a quorum of two.
    expect(quorumReachable({ eligibleVotes: 1, stillToVote: 0 }, 2)).toBe(false);
    expect(quorumReachable({ eligibleVotes: 0, stillToVote: 1 }, 2)).toBe(false);
    expect(quorumReachable({ eligibleVotes: 2, stillToVote: 0 }, 3)).toBe(false);
  });
});

describe("the committee rule", () => {
  const rule = { quorum: 2, majorityPct: 50 };
  it("waits for the quorum", () => {
    expect(committeeOutcome([], rule)).toBe("pending");
    expect(committeeOutcome(["approve"], rule)).toBe("pending");
  });

  it("needs two approvals that are more than the majority", () => {
    expect(committeeOutcome(["approve", "approve"], rule)).toBe("approved");
    expect(committeeOutcome(["approve", "reject"], rule)).toBe("rejected");
    expect(committeeOutcome(["approve", "approve", "reject"], rule)).toBe("approved");
    expect(committeeOutcome(["approve", "approve", "reject"], { quorum: 3, majorityPct: 66 })).toBe("approved");
    expect(committeeOutcome(["approve", "approve", "reject", "reject"], { quorum: 3, majorityPct: 50 })).toBe("rejected");
    // One approval is never enough, even with a quorum of one vote configured elsewhere.
    expect(committeeOutcome(["approve"], { quorum: 1, majorityPct: 50 })).toBe("rejected");
  });
});

describe("forms", () => {
  const application = {
    productId: "1",
    amountWon: "80,000,000원",
    purpose: "임대보증금",
    storeAddress: "광주 북구",
    landlordName: "김임대",
    leaseDepositWon: "90000000",
    leaseStartsOn: "2025-01-01",
    leaseEndsOn: "2026-06-30",
    idempotencyKey: "abcdefgh-1234",
  };

  it("reads whole won with separators and refuses anything else", () => {
    const parsed = applicationSchema.safeParse(application);
    expect(parsed.success && parsed.data.amountWon).toBe(80_000_000);
    for (const amountWon of ["80000000.5", "8e7", "-1", "0", "", "팔천만"]) {
      expect(applicationSchema.safeParse({ ...application, amountWon }).success).toBe(false);
    }
  });

  it("refuses a lease that ends before it starts and a loan above the deposit", () => {
    const backwards = applicationSchema.safeParse({ ...application, leaseEndsOn: "2024-12-31" });
    expect(backwards.success ? [] : backwards.error.issues.map((i) => i.message)).toEqual(["leaseEndsBeforeStart"]);
    const aboveDeposit = applicationSchema.safeParse({ ...application, amountWon: "90000001" });
    expect(aboveDeposit.success ? [] : aboveDeposit.error.issues.map((i) => i.message)).toEqual(["amountAboveDeposit"]);
  });

  it("requires the no-conflict affirmation to vote and a request key to repay", () => {
    expect(voteSchema.safeParse({ vote: "approve", comment: "" }).success).toBe(false);
    expect(voteSchema.safeParse({ vote: "approve", comment: "", noConflict: "on" }).success).toBe(true);
    expect(repaymentSchema.safeParse({ kind: "instalment", amountWon: "1000", paidOn: "2026-11-24", reference: "x", idempotencyKey: "short" }).success).toBe(false);
  });

  it("reads checkbox groups for product versions and keeps grace shorter than the term", () => {
    const base = { code: "store-lease-deposit", name: "x", capWon: "100000000", rateBp: "100", termMonths: "24", repaymentMethod: "bullet", graceMonths: "0", penaltyBp: "300", delinquencyGraceDays: "30", requiredDocuments: "lease_contract" };
    const one = productVersionSchema.safeParse({ ...base, eligibleTypes: "self_sufficiency_enterprise" });
    expect(one.success && one.data.eligibleTypes).toEqual(["self_sufficiency_enterprise"]);
    const two = productVersionSchema.safeParse({ ...base, eligibleTypes: ["self_sufficiency_enterprise", "cooperative"], requiredDocuments: ["lease_contract", "business_plan"] });
    expect(two.success && two.data.requiredDocuments).toEqual(["lease_contract", "business_plan"]);
    const none = productVersionSchema.safeParse({ ...base });
    expect(none.success ? [] : none.error.issues.map((i) => i.message)).toContain("required");
    const grace = productVersionSchema.safeParse({ ...base, eligibleTypes: "cooperative", graceMonths: "24" });
    expect(grace.success ? [] : grace.error.issues.map((i) => i.message)).toEqual(["graceNotShorterThanTerm"]);
  });

  it("lists the required documents still missing", () => {
    expect(missingDocuments(["business_registration", "lease_contract"], ["lease_contract", "business_plan"])).toEqual(["business_registration"]);
  });
});
