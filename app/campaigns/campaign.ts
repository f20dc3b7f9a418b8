import { z } from "zod";
import type { ErrorKey } from "../i18n/messages/errors";
import { checkbox, choice, isoDateField, optionalText, requiredText, wholeNumber, whenFieldsValid, wonAmount } from "../utils/fields";

export const FUNDING_MODELS = ["all_or_nothing", "keep_it_all"] as const;
export const MIN_GOAL_WON = 10_000;
export const MAX_WINDOW_DAYS = 120;

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export const campaignBasicsSchema = z
  .object({
    title: requiredText(120),
    summary: requiredText(300),
    story: optionalText(50_000),
    goal: wonAmount(MIN_GOAL_WON),
    fundingModel: choice(FUNDING_MODELS),
    startsOn: isoDateField,
    endsOn: isoDateField,
  })
  .refine((v) => daysBetween(v.startsOn, v.endsOn) >= 1, { path: ["endsOn"], message: "endBeforeStart", ...whenFieldsValid("startsOn", "endsOn") })
  .refine((v) => daysBetween(v.startsOn, v.endsOn) <= MAX_WINDOW_DAYS, { path: ["endsOn"], message: "windowTooLong", ...whenFieldsValid("startsOn", "endsOn") });

export type CampaignBasics = z.output<typeof campaignBasicsSchema>;

export const budgetLineSchema = z.object({
  name: requiredText(100),
  amount: wonAmount(1),
  required: checkbox,
});

const monthField = optionalText(7).refine((v) => v === "" || /^\d{4}-(0[1-9]|1[0-2])$/.test(v), "invalidMonth");

export const rewardSchema = z.object({
  title: requiredText(100),
  description: optionalText(1000),
  minAmount: wonAmount(1000, 100_000_000),
  quantityLimit: optionalText(8).pipe(z.union([z.literal(""), z.string().regex(/^[1-9]\d{0,6}$/, "invalidNumber")])).transform((v) => (v === "" ? null : Number(v))),
  deliveryMonth: monthField.transform((v) => (v === "" ? null : v)),
});

export const reviewDecisionSchema = z
  .object({
    decision: choice(["approve", "request_changes"] as const),
    comment: optionalText(5000),
  })
  .refine((v) => v.decision === "approve" || v.comment.length > 0, { path: ["comment"], message: "required", ...whenFieldsValid("decision", "comment") });

export const campaignUpdateSchema = z.object({
  title: requiredText(120),
  body: requiredText(20_000),
});

export const offlineDonationSchema = z.object({
  source: requiredText(200),
  amount: wonAmount(1),
  receivedOn: isoDateField,
  idempotencyKey: z.string({ error: "invalid" }).regex(/^[A-Za-z0-9_-]{8,100}$/, "invalid"),
});

export const positionSchema = z.object({ id: wholeNumber(1, Number.MAX_SAFE_INTEGER) });

/** Everything that must hold before a campaign goes to review, each as a message key. */
export function submissionProblems(input: { goalWon: number; budgetTotalWon: number; budgetLines: number; startsOn: string; endsOn: string; today: string }): ErrorKey[] {
  const problems: ErrorKey[] = [];
  if (input.budgetLines === 0) problems.push("budgetMissing");
  else if (input.budgetTotalWon !== input.goalWon) problems.push("budgetMustEqualGoal");
  if (input.startsOn < input.today) problems.push("startsInPast");
  return problems;
}
