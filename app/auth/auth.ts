import { z } from "zod";
import { checkbox, emailField, newPasswordField, requiredText, whenFieldsValid } from "../utils/fields";

/** Sign-up asks which of these is true, not a birth date (decision 53). */
export const AGE_GROUPS = ["14_or_older", "under_14"] as const;

export const THROTTLE_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_ACCOUNT = 10;
export const MAX_FAILURES_PER_IP = 10;
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;
export const RESET_TOKEN_TTL_MS = 60 * 60 * 1000;
export const INVITATION_TTL_MS = 14 * 24 * 60 * 60 * 1000;

/** Log-in is refused before the password is even checked once either counter reaches its limit. */
export function isThrottled(accountFailures: number, ipFailures: number): boolean {
  return accountFailures >= MAX_FAILURES_PER_ACCOUNT || ipFailures >= MAX_FAILURES_PER_IP;
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

/** Only same-site paths are followed after log-in, never another origin. */
export function safeRedirectPath(next: string | null | undefined, fallback = "/"): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return fallback;
  return next;
}
