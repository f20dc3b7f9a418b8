import { z } from "zod";
import { disbursementRequestSchema } from "../disbursements/disbursement";
import type { AwardProblem, GrantAward, GrantRules, GrantRulesProblem } from "../contests/grants";
import type { ErrorKey } from "../i18n/messages/errors";
import { optionalIsoDateField, requiredText, wholeNumber, wonAmount, whenFieldsValid } from "../utils/fields";
import { MAX_WON, parseWonInput } from "../utils/money";

// The operator's grant forms: the rules of a pitch contest's grant and one award per selected
// team, split by eligible expense category. Categories are addressed by position in the form
// (line_0, line_1, …) so field names never carry free text.

/** An amount that may be left empty (nothing for that category). */
const optionalWon = z
  .string()
  .optional()
  .transform((s, ctx) => {
    const text = s?.trim() ?? "";
    if (text === "") return 0;
    const value = parseWonInput(text);
    if (value === null || value > MAX_WON) {
      ctx.addIssue({ code: "custom", message: "invalidAmount" });
      return z.NEVER;
    }
    return value;
  });

export function lineField(index: number): string {
  return `line_${index}`;
}

export function awardFormSchema(categories: readonly string[]) {
  const lines: Record<string, typeof optionalWon> = {};
  categories.forEach((_, i) => (lines[lineField(i)] = optionalWon));
  return z.object({ applicationId: wholeNumber(1, Number.MAX_SAFE_INTEGER), ...lines });
}

/** The award the form describes: its non-empty lines, and their sum as the amount. */
export function awardFromForm(categories: readonly string[], data: Record<string, number>): GrantAward {
  const lines = categories.map((category, i) => ({ category, amountWon: data[lineField(i)] ?? 0 })).filter((line) => line.amountWon > 0);
  return { applicationId: data.applicationId ?? 0, amountWon: lines.reduce((sum, l) => sum + l.amountWon, 0), lines };
}

/** One problem with an award as the message a person can act on, on the field it concerns. */
export function awardProblemMessage(problem: AwardProblem): { key: ErrorKey; field?: string } {
  switch (problem.code) {
    case "notSelected":
      return { key: "grantNotSelected", field: "applicationId" };
    case "duplicateAwardee":
      return { key: "grantAlreadyAwarded", field: "applicationId" };
    case "amount":
    case "linesDoNotAddUp":
      return { key: "grantLinesRequired" };
    case "aboveCap":
      return { key: "grantAboveCap" };
    case "abovePool":
      return { key: "grantAbovePool" };
    case "ineligibleExpense":
      return { key: "invalidChoice" };
  }
}

export const grantRulesSchema = z
  .object({
    title: requiredText(200),
    pool: wonAmount(1),
    cap: wonAmount(1),
    fundingSource: requiredText(200),
    expenses: requiredText(2000).transform((s) =>
      s
        .split(/[,\n]/)
        .map((c) => c.trim())
        .filter((c) => c !== ""),
    ),
    periodFrom: optionalIsoDateField,
    periodTo: optionalIsoDateField,
  })
  .refine((v) => v.cap <= v.pool, { path: ["cap"], message: "grantCapAbovePool", ...whenFieldsValid("cap", "pool") });

export type GrantRulesInput = z.output<typeof grantRulesSchema>;

export function rulesFromForm(input: GrantRulesInput): GrantRules {
  return {
    poolWon: input.pool,
    capPerAwardeeWon: input.cap,
    fundingSource: input.fundingSource,
    eligibleExpenses: input.expenses,
    periodFrom: input.periodFrom,
    periodTo: input.periodTo,
  };
}

/** The pure validator's findings on the rules, on the form's fields. */
export function rulesProblemMessage(problem: GrantRulesProblem): { key: ErrorKey; field: string } {
  switch (problem) {
    case "pool":
      return { key: "invalidAmount", field: "pool" };
    case "cap":
      return { key: "invalidAmount", field: "cap" };
    case "capAbovePool":
      return { key: "grantCapAbovePool", field: "cap" };
    case "fundingSource":
      return { key: "required", field: "fundingSource" };
    case "expenses":
      return { key: "grantExpensesRequired", field: "expenses" };
    case "duplicateExpense":
      return { key: "grantDuplicateExpense", field: "expenses" };
    case "period":
      return { key: "closeBeforeOpen", field: "periodTo" };
  }
}

/** A request against one of the award's categories: the campaign request form with a category for the line. */
export const grantDisbursementRequestSchema = disbursementRequestSchema.omit({ budgetLineId: true }).extend({ expenseCategory: requiredText(100) });
