import { describe, expect, it } from "vitest";
import { parseForm } from "../utils/forms";
import { budgetVsActual, canSpend, disbursementDecisionSchema, disbursementRequestSchema } from "./disbursement";

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
}

describe("budgetVsActual", () => {
  it("gives plan, spent, variance and percent per line, with totals", () => {
    const result = budgetVsActual(
      [
        { id: 1, name: "재료비", amountWon: 600_000, explanation: "" },
        { id: 2, name: "홍보비", amountWon: 400_000, explanation: "인쇄비 절감" },
      ],
      new Map([
        [1, 650_000],
        [2, 120_000],
      ]),
    );
    expect(result.rows.map((r) => [r.spentWon, r.varianceWon, r.percent])).toEqual([
      [650_000, 50_000, 108],
      [120_000, -280_000, 30],
    ]);
    expect(result).toMatchObject({ plannedWon: 1_000_000, spentWon: 770_000 });
  });
});

describe("canSpend", () => {
  it("allows spending only money that is the campaign's", () => {
    expect(canSpend("succeeded", "all_or_nothing")).toBe(true);
    expect(canSpend("live", "all_or_nothing")).toBe(false);
    expect(canSpend("failed", "all_or_nothing")).toBe(false);
    expect(canSpend("live", "keep_it_all")).toBe(true);
    expect(canSpend("draft", "keep_it_all")).toBe(false);
  });
});

describe("schemas", () => {
  it("require a reason to reject and a whole-won amount to request", () => {
    expect(parseForm(disbursementDecisionSchema, form({ disbursementId: "1", decision: "reject", reason: "" })).ok).toBe(false);
    expect(parseForm(disbursementDecisionSchema, form({ disbursementId: "1", decision: "approve" })).ok).toBe(true);
    const bad = parseForm(disbursementRequestSchema, form({ budgetLineId: "1", amount: "-3", payee: "", description: "x", idempotencyKey: "k".repeat(10) }));
    expect(!bad.ok && bad.fieldErrors).toMatchObject({ amount: ["invalidAmount"], payee: ["required"] });
  });
});
