import { z } from "zod";
import { isIsoDate } from "./dates";
import { MAX_WON, parseWonInput } from "./money";

// Zod pieces for form fields. Every message is an ErrorKey, translated when shown.

const text = () => z.string({ error: "required" }).transform((s) => s.trim());

export function requiredText(max: number) {
  return text().pipe(z.string().min(1, "required").max(max, "tooLong"));
}

export function optionalText(max: number) {
  return z
    .string()
    .optional()
    .transform((s) => s?.trim() ?? "")
    .pipe(z.string().max(max, "tooLong"));
}

export const emailField = text()
  .transform((s) => s.toLowerCase())
  .pipe(z.string().min(1, "required").max(254, "tooLong").pipe(z.email("invalidEmail")));

export const newPasswordField = z
  .string({ error: "required" })
  .min(1, "required")
  .min(10, "passwordTooShort")
  .max(200, "tooLong");

export function wholeNumber(min: number, max: number) {
  return text()
    .pipe(z.string().min(1, "required").regex(/^\d{1,12}$/, "invalidNumber"))
    .transform(Number)
    .pipe(z.number().int().min(min, "invalidNumber").max(max, "numberTooLarge"));
}

export function wonAmount(min = 1, max = MAX_WON) {
  return text()
    .pipe(z.string().min(1, "required"))
    .transform((s, ctx) => {
      const value = parseWonInput(s);
      if (value === null) {
        ctx.addIssue({ code: "custom", message: "invalidAmount" });
        return z.NEVER;
      }
      return value;
    })
    .pipe(z.number().min(min, "invalidAmount").max(max, "numberTooLarge"));
}

export const isoDateField = text().pipe(
  z.string().min(1, "required").refine(isIsoDate, "invalidDate"),
);

export const optionalIsoDateField = z
  .string()
  .optional()
  .transform((s) => s?.trim() ?? "")
  .pipe(z.union([z.literal(""), z.string().refine(isIsoDate, "invalidDate")]))
  .transform((s) => (s === "" ? null : s));

export function choice<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: "invalidChoice" });
}

export const checkbox = z
  .string()
  .optional()
  .transform((v) => v === "on" || v === "true");

/**
 * For cross-field refinements: run only once the named fields parsed, so a bad value is
 * reported once, for itself, not again as a confusing comparison.
 */
export function whenFieldsValid(...fields: string[]) {
  return {
    when: (payload: { issues: readonly { path?: readonly PropertyKey[] }[] }) =>
      payload.issues.every((issue) => !fields.includes(String(issue.path?.[0]))),
  };
}
