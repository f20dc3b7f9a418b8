import { z } from "zod";
import { checkbox, emailField, newPasswordField, requiredText, whenFieldsValid } from "../utils/fields";

/** Sign-up asks which of these is true, not a birth date (decision 53). */
export const AGE_GROUPS = ["14_or_older", "under_14"] as const;

export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;
export const RESET_TOKEN_TTL_MS = 60 * 60 * 1000;
export const INVITATION_TTL_MS = 14 * 24 * 60 * 60 * 1000;

/**
 * Log-in throttling (OWASP ASVS 5.0 V6.1.1, V6.3.1): slow a guesser down without letting anyone
 * lock the owner out. Failures are counted over sliding windows:
 * - per address (any accounts), over THROTTLE_WINDOW_MS: at IP_FAILURE_LIMIT the address is
 *   refused until its oldest failure leaves the window — one machine cannot go on guessing;
 * - per account from one address, over the same window: after PAIR_FREE_FAILURES each attempt
 *   waits twice as long as the one before (1 s, 2 s, 4 s …);
 * - per account from every address, over ACCOUNT_WINDOW_MS: after ACCOUNT_FREE_FAILURES — more
 *   than one address can make — the same doubling delay, capped at MAX_DELAY_MS, holds a guesser spread over many
 *   addresses to well under 100 tries an hour. The owner is only ever delayed (a minute at most),
 *   never locked out: from another address they get in at once unless several addresses are
 *   guessing the same account at the same time.
 */
export const THROTTLE_WINDOW_MS = 15 * 60 * 1000;
export const ACCOUNT_WINDOW_MS = 60 * 60 * 1000;
export const IP_FAILURE_LIMIT = 10;
export const PAIR_FREE_FAILURES = 3;
export const ACCOUNT_FREE_FAILURES = 15;
export const MAX_DELAY_MS = 60 * 1000;

/** Failures within a window: how many, the oldest and the newest. */
export interface FailureCount {
  count: number;
  first: Date | null;
  last: Date | null;
}

function doublingDelayMs(failures: number, free: number): number {
  if (failures < free) return 0;
  return Math.min(1000 * 2 ** (failures - free), MAX_DELAY_MS);
}

/** How long this attempt must wait (0: it may go ahead and the password is checked). */
export function loginWaitMs(failures: { ip: FailureCount; pair: FailureCount; account: FailureCount }, now: Date): number {
  const waits = [0];
  if (failures.ip.count >= IP_FAILURE_LIMIT && failures.ip.first) waits.push(failures.ip.first.getTime() + THROTTLE_WINDOW_MS - now.getTime());
  if (failures.pair.last) waits.push(failures.pair.last.getTime() + doublingDelayMs(failures.pair.count, PAIR_FREE_FAILURES) - now.getTime());
  if (failures.account.last) waits.push(failures.account.last.getTime() + doublingDelayMs(failures.account.count, ACCOUNT_FREE_FAILURES) - now.getTime());
  return Math.max(...waits);
}

const confirmed = <T extends { password: string; passwordConfirm: string }>(value: T) =>
  value.password === value.passwordConfirm;

export const signUpSchema = z
  .object({
    email: emailField,
    displayName: requiredText(60),
    password: newPasswordField,
    passwordConfirm: z.string({ error: "required" }).min(1, "required"),
    ageGroup: z.enum(AGE_GROUPS, { error: "ageRequired" }).refine((v) => v === "14_or_older", "under14"),
    consentAccount: checkbox.refine((v) => v, "consentRequired"),
    consentCampaignEmails: checkbox,
  })
  .refine(confirmed, { message: "passwordsDiffer", path: ["passwordConfirm"], ...whenFieldsValid("password", "passwordConfirm") });

export const logInSchema = z.object({
  email: emailField,
  password: z.string({ error: "required" }).min(1, "required").max(200, "tooLong"),
});

export const forgotPasswordSchema = z.object({ email: emailField });

export const resetPasswordSchema = z
  .object({
    token: z.string({ error: "resetLinkInvalid" }).min(20, "resetLinkInvalid").max(200, "resetLinkInvalid"),
    password: newPasswordField,
    passwordConfirm: z.string({ error: "required" }).min(1, "required"),
  })
  .refine(confirmed, { message: "passwordsDiffer", path: ["passwordConfirm"], ...whenFieldsValid("password", "passwordConfirm") });
