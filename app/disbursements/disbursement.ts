import { z } from "zod";
import type { CampaignState, FundingModel } from "../../db/types";
import { choice, optionalText, requiredText, wholeNumber, whenFieldsValid, wonAmount } from "../utils/fields";

export const disbursementRequestSchema = z.object({
  budgetLineId: wholeNumber(1, Number.MAX_SAFE_INTEGER),
  amount: wonAmount(1),
  payee: requiredText(120),
  description: requiredText(2000),
  idempotencyKey: z.string({ error: "invalid" }).regex(/^[A-Za-z0-9_-]{8,100}$/, "invalid"),
});

export const disbursementDecisionSchema = z
  .object({
    disbursementId: wholeNumber(1, Number.MAX_SAFE_INTEGER),
    decision: choice(["approve", "reject"] as const),
    reason: optionalText(1000),
  })
  .refine((v) => v.decision === "approve" || v.reason.length > 0, { path: ["reason"], message: "required", ...whenFieldsValid("decision", "reason") });

export const explanationSchema = z.object({
  budgetLineId: wholeNumber(1, Number.MAX_SAFE_INTEGER),
  explanation: optionalText(2000),
});

export const reportSchema = z.object({
  progress: requiredText(20_000),
  impressions: optionalText(20_000),
  followUp: optionalText(20_000),
});

/** Money can be spent once it is the campaign's: after success, or as it comes for keep-it-all. */
export function canSpend(state: CampaignState, fundingModel: FundingModel): boolean {
  return state === "succeeded" || (fundingModel === "keep_it_all" && (state === "live" || state === "failed"));
}

export interface BudgetLinePlan {
  id: number;
  name: string;
  amountWon: number;
  explanation: string;
}

export interface BudgetVsActualRow extends BudgetLinePlan {
  spentWon: number;
  /** Spent minus planned: negative means under plan. */
  varianceWon: number;
  /** Spent as a percentage of plan, floored. */
  percent: number;
}

export function budgetVsActual(lines: readonly BudgetLinePlan[], spentByLine: ReadonlyMap<number, number>): { rows: BudgetVsActualRow[]; plannedWon: number; spentWon: number } {
  const rows = lines.map((line) => {
    const spentWon = spentByLine.get(line.id) ?? 0;
    return { ...line, spentWon, varianceWon: spentWon - line.amountWon, percent: line.amountWon > 0 ? Math.floor((spentWon * 100) / line.amountWon) : 0 };
  });
  return { rows, plannedWon: rows.reduce((s, r) => s + r.amountWon, 0), spentWon: rows.reduce((s, r) => s + r.spentWon, 0) };
}
