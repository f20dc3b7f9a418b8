import { describe, expect, it } from "vitest";
import { assertValidLines } from "../ledger/ledger";
import { contributionSchema, fundCash, fundContributions, fundGrantsOut, fundInterestIncome, fundPenaltyIncome, fundRecoveries, fundWriteOffs, GRANT_CATEGORIES, loanReceivable } from "./fund";

describe("fund accounts", () => {
  it("never lets the fund's cash or a loan's receivable go negative; sources and uses stand for the outside", () => {
    expect(fundCash(1).mayGoNegative ?? false).toBe(false);
    expect(loanReceivable(3).mayGoNegative ?? false).toBe(false);
    for (const spec of [fundContributions(1), fundInterestIncome(1), fundPenaltyIncome(1), fundWriteOffs(1), fundRecoveries(1), ...GRANT_CATEGORIES.map((c) => fundGrantsOut(1, c))]) {
      expect(spec.mayGoNegative).toBe(true);
    }
  });

  it("have codes the ledger accepts and that never collide", () => {
    const codes = [fundCash(1), fundContributions(1), fundInterestIncome(1), fundPenaltyIncome(1), fundWriteOffs(1), fundRecoveries(1), loanReceivable(1), ...GRANT_CATEGORIES.map((c) => fundGrantsOut(1, c))].map((s) => s.code);
    for (const code of codes) expect(code).toMatch(/^[a-z0-9][a-z0-9_:.-]{2,119}$/);
    expect(new Set(codes).size).toBe(codes.length);
    // A repayment's lines balance: cash in, receivable, interest and penalty out of their sources.
    expect(() =>
      assertValidLines([
        { account: fundCash(1).code, amountWon: 100_100 },
        { account: loanReceivable(1).code, amountWon: -100_000 },
        { account: fundInterestIncome(1).code, amountWon: -90 },
        { account: fundPenaltyIncome(1).code, amountWon: -10 },
      ]),
    ).not.toThrow();
  });
});

describe("contribution form", () => {
  it("needs whole won, a real date and a request key", () => {
    const good = { contributor: "전라북도", kind: "government", amountWon: "300,000,000", receivedOn: "2026-01-05", idempotencyKey: "12345678" };
    expect(contributionSchema.safeParse(good).success).toBe(true);
    expect(contributionSchema.safeParse({ ...good, amountWon: "1.5" }).success).toBe(false);
    expect(contributionSchema.safeParse({ ...good, receivedOn: "2026-02-29" }).success).toBe(false);
    expect(contributionSchema.safeParse({ ...good, kind: "loan" }).success).toBe(false);
    expect(contributionSchema.safeParse({ ...good, idempotencyKey: "x" }).success).toBe(false);
  });
});
