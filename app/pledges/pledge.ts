import { createHash } from "node:crypto";
import { z } from "zod";
import type { CampaignState, PledgeState } from "../../db/types";
import type { ErrorKey } from "../i18n/messages/errors";
import { normaliseRegistrationNumber } from "../orgs/enterprises";
import { choice, optionalText, whenFieldsValid, wonAmount } from "../utils/fields";
import { NAME_DISPLAYS } from "./backer-names";

export const PLEDGE_KINDS = ["sponsorship", "donation", "investment"] as const;
export const BACKER_KINDS = ["individual", "company"] as const;
export const MIN_PLEDGE_WON = 1_000;
export const MAX_PLEDGE_WON = 100_000_000;

export const pledgeSchema = z
  .object({
    amount: wonAmount(MIN_PLEDGE_WON, MAX_PLEDGE_WON),
    kind: choice(PLEDGE_KINDS),
    rewardId: optionalText(20).pipe(z.union([z.literal(""), z.string().regex(/^[1-9]\d{0,15}$/, "rewardNotFound")])).transform((v) => (v === "" ? null : Number(v))),
    message: optionalText(500),
    nameDisplay: choice(NAME_DISPLAYS).optional().transform((v) => v ?? "masked"),
    backerKind: choice(BACKER_KINDS),
    companyName: optionalText(100),
    businessNumber: optionalText(20).transform((value, ctx) => {
      if (value === "") return null;
      const normalised = normaliseRegistrationNumber(value);
      if (!normalised) {
        ctx.addIssue({ code: "custom", message: "registrationNumberFormat" });
        return z.NEVER;
      }
      return normalised;
    }),
    idempotencyKey: z.string({ error: "invalid" }).regex(/^[A-Za-z0-9_-]{8,100}$/, "invalid"),
  })
  .refine((v) => v.backerKind === "individual" || v.companyName.length > 0, {
    path: ["companyName"],
    message: "companyNameRequired",
    ...whenFieldsValid("backerKind", "companyName"),
  })
  .refine((v) => v.kind !== "donation" || v.rewardId === null, { path: ["rewardId"], message: "donationNoReward", ...whenFieldsValid("kind", "rewardId") });

export type PledgeInput = z.output<typeof pledgeSchema>;

/** What the request asked for, hashed: the same idempotency key must come with the same body. */
export function pledgeRequestHash(campaignId: number, input: PledgeInput): string {
  const body = [
    campaignId,
    input.amount,
    input.kind,
    input.rewardId ?? "",
    input.message,
    input.nameDisplay === "anonymous" ? 1 : 0,
    input.backerKind,
    input.backerKind === "company" ? input.companyName : "",
    input.businessNumber ?? "",
    // Added after the first pledges: absent unless chosen, so earlier requests hash as before.
    ...(input.nameDisplay === "full" ? ["full-name"] : []),
  ];
  return createHash("sha256").update(JSON.stringify(body)).digest("hex");
}

export interface PledgeRuleContext {
  campaignState: CampaignState;
  startsOn: string;
  endsOn: string;
  today: string;
  reward: { minAmountWon: number } | null;
  amountWon: number;
}

/** A pledge is taken only while the campaign is live and within its window. */
export function pledgeRuleProblem(context: PledgeRuleContext): ErrorKey | null {
  if (context.campaignState !== "live" || context.today < context.startsOn || context.today > context.endsOn) return "campaignNotOpen";
  if (context.reward && context.amountWon < context.reward.minAmountWon) return "rewardBelowMinimum";
  return null;
}

/** Pledges that make someone a backer of the campaign. */
export const BACKING_STATES: readonly PledgeState[] = ["saved", "charging", "collected", "collection_failed"];
/** Promised but not (yet) charged: shown as "pledged", never as money raised. */
export const UNCHARGED_STATES: readonly PledgeState[] = ["saved", "charging", "collection_failed"];
/**
 * Waiting for the payer to confirm the payment (a card form, a 3-D Secure page, or another payment
 * method's own step). A waiting pledge holds its reward only until its `hold_expires_at`; then it
 * is cancelled and the reward freed, whatever the payment method.
 */
export const WAITING_STATES: readonly PledgeState[] = ["pending_authorization"];
export const WAITING_HOLD_MS = 30 * 60 * 1000;
/** How many rewards one backer may hold with waiting pledges at once (also enforced by the database). */
export const MAX_UNPAID_REWARD_CLAIMS = 3;
/** `last_error` of a pledge cancelled because its payment was not confirmed in time. */
export const HOLD_EXPIRED = "hold_expired";

/** Pledges that hold a reward. */
export const REWARD_HOLDING_STATES: readonly PledgeState[] = ["pending_authorization", "saved", "charging", "collected", "collection_failed"];

/** The backer may cancel a saved (uncharged) pledge until the deadline. */
export function canCancel(state: PledgeState, campaignState: CampaignState, today: string, endsOn: string): boolean {
  return (state === "saved" || state === "pending_authorization") && campaignState === "live" && today <= endsOn;
}

/** Charges are retried for three days after the close; the backer is asked to update the card. */
export const COLLECTION_RETRY_DAYS = 3;
export const RETRY_INTERVAL_MS = 24 * 60 * 60 * 1000;

/** How many of a limited reward are left (null: unlimited); never negative. */
export function rewardRemaining(quantityLimit: number | null, claimedCount: number): number | null {
  return quantityLimit === null ? null : Math.max(0, quantityLimit - claimedCount);
}
