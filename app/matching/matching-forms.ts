import { z } from "zod";
import { choice, optionalText, whenFieldsValid, wonAmount } from "../utils/fields";
import { MAX_WON, parseWonInput } from "../utils/money";
import { ALLOCATION_MODES, FACTOR_ONE_TO_ONE_BP, MAX_FACTOR_BP, type MatchingRules } from "./matching";

// The operator's forms for a round's matching pool and its rules (also the simulator's draft
// rules). Percentages are typed as whole percents and stored in basis points.

export const SPONSOR_KINDS = ["host", "company"] as const;
export type SponsorKind = (typeof SPONSOR_KINDS)[number];

export const MIN_POOL_WON = 10_000;
export const MAX_FACTOR_PCT = MAX_FACTOR_BP / 100;

export const poolSchema = z
  .object({
    sponsorKind: choice(SPONSOR_KINDS),
    sponsorName: optionalText(120),
    total: wonAmount(1, MAX_WON).pipe(z.number().min(MIN_POOL_WON, "poolTooSmall")),
  })
  .refine((v) => v.sponsorKind === "host" || v.sponsorName.length > 0, {
    path: ["sponsorName"],
    message: "sponsorNameRequired",
    ...whenFieldsValid("sponsorKind", "sponsorName"),
  });

export type PoolInput = z.output<typeof poolSchema>;

/** Closing the round cannot be undone: the operator ticks that they understand what it does. */
export const closeRoundSchema = z.object({
  confirmClose: z.literal("on", { error: "matchingCloseConfirmRequired" }),
});

function percent(min: number, max: number, message: "factorRange" | "thresholdRange") {
  return z
    .string({ error: "required" })
    .transform((s) => s.trim().replace(/%$/, "").trim())
    .pipe(z.string().min(1, "required"))
    .pipe(z.string().regex(/^\d{1,6}$/, message))
    .transform(Number)
    .pipe(z.number().int().min(min, message).max(max, message));
}

/** An optional cap in won: empty means "no cap". */
const optionalCap = z
  .string()
  .optional()
  .transform((s, ctx) => {
    const trimmed = s?.trim() ?? "";
    if (trimmed === "") return null;
    const value = parseWonInput(trimmed);
    if (value === null || value < 1) {
      ctx.addIssue({ code: "custom", message: "invalidAmount" });
      return z.NEVER;
    }
    if (value > MAX_WON) {
      ctx.addIssue({ code: "custom", message: "numberTooLarge" });
      return z.NEVER;
    }
    return value;
  });

const minBackersField = z
  .string()
  .optional()
  .transform((s) => s?.trim() ?? "")
  .pipe(z.union([z.literal(""), z.string().regex(/^\d{1,6}$/, "invalidNumber")]))
  .transform((s) => (s === "" ? 0 : Number(s)))
  .pipe(z.number().int().max(100_000, "numberTooLarge"));

export const rulesSchema = z.object({
  factorPct: percent(1, MAX_FACTOR_PCT, "factorRange"),
  capPerPledge: optionalCap,
  capPerCampaign: optionalCap,
  capPerBacker: optionalCap,
  minBackers: minBackersField,
  thresholdPct: z
    .string()
    .optional()
    .transform((s) => (s?.trim() ?? "") || "0")
    .pipe(percent(0, 100, "thresholdRange")),
  allocation: choice(ALLOCATION_MODES),
});

export type RulesInput = z.output<typeof rulesSchema>;

/** The form's values as the engine's rules (the version is assigned when published). */
export function rulesFromInput(input: RulesInput, version: number): MatchingRules {
  return {
    version,
    factorBp: input.factorPct * 100,
    capPerPledgeWon: input.capPerPledge,
    capPerCampaignWon: input.capPerCampaign,
    capPerBackerWon: input.capPerBacker,
    minDistinctBackers: input.minBackers,
    thresholdBp: input.thresholdPct * 100,
    allocation: input.allocation,
  };
}

/** A stored rule version (database row) as the engine's rules. */
export interface RuleVersionRow {
  version: number;
  factor_bp: number;
  cap_per_pledge_won: number | null;
  cap_per_campaign_won: number | null;
  cap_per_backer_won: number | null;
  min_distinct_backers: number;
  threshold_bp: number;
  allocation: MatchingRules["allocation"];
}

export function rulesFromRow(row: RuleVersionRow): MatchingRules {
  return {
    version: row.version,
    factorBp: row.factor_bp,
    capPerPledgeWon: row.cap_per_pledge_won,
    capPerCampaignWon: row.cap_per_campaign_won,
    capPerBackerWon: row.cap_per_backer_won,
    minDistinctBackers: row.min_distinct_backers,
    thresholdBp: row.threshold_bp,
    allocation: row.allocation,
  };
}

/** The form's text values for a rule set (to prefill the form with the current version). */
export function rulesFormValues(rules: MatchingRules): Record<keyof RulesInput, string> {
  return {
    factorPct: String(Math.floor(rules.factorBp / 100)),
    capPerPledge: rules.capPerPledgeWon === null ? "" : String(rules.capPerPledgeWon),
    capPerCampaign: rules.capPerCampaignWon === null ? "" : String(rules.capPerCampaignWon),
    capPerBacker: rules.capPerBackerWon === null ? "" : String(rules.capPerBackerWon),
    minBackers: String(rules.minDistinctBackers),
    thresholdPct: String(Math.floor(rules.thresholdBp / 100)),
    allocation: rules.allocation,
  };
}

/** "1:1", "1:0.5", "1:2.25": the factor as people read it. */
export function factorLabel(factorBp: number): string {
  const whole = Math.floor(factorBp / FACTOR_ONE_TO_ONE_BP);
  const fraction = (factorBp % FACTOR_ONE_TO_ONE_BP).toString().padStart(4, "0").replace(/0+$/, "");
  return fraction === "" ? `1:${whole}` : `1:${whole}.${fraction}`;
}
