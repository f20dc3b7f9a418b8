import { z } from "zod";
import type { EnterpriseType } from "../../db/types";
import { choice, emailField, optionalIsoDateField, optionalText, requiredText, wholeNumber, whenFieldsValid } from "../utils/fields";

export const ENTERPRISE_TYPES = [
  "social_enterprise",
  "pre_social_enterprise",
  "village_enterprise",
  "cooperative",
  "social_cooperative",
  "self_sufficiency_enterprise",
  "nonprofit",
] as const satisfies readonly EnterpriseType[];

const CHECK_WEIGHTS = [1, 3, 7, 1, 3, 7, 1, 3, 5];

/**
 * Normalises a Korean business registration number (사업자등록번호) to 000-00-00000 and checks
 * its check digit; null when it is not a valid number.
 */
export function normaliseRegistrationNumber(input: string): string | null {
  const digits = input.replace(/[\s-]/g, "");
  if (!/^\d{10}$/.test(digits)) return null;
  const d = [...digits].map(Number);
  let sum = 0;
  CHECK_WEIGHTS.forEach((weight, i) => {
    sum += (d[i] ?? 0) * weight;
  });
  sum += Math.floor(((d[8] ?? 0) * 5) / 10);
  const check = (10 - (sum % 10)) % 10;
  if (check !== d[9]) return null;
  return `${digits.slice(0, 3)}-${digits.slice(3, 5)}-${digits.slice(5)}`;
}

const registrationNumberField = optionalText(20).transform((value, ctx) => {
  if (value === "") return null;
  const normalised = normaliseRegistrationNumber(value);
  if (!normalised) {
    ctx.addIssue({ code: "custom", message: "registrationNumberFormat" });
    return z.NEVER;
  }
  return normalised;
});

export const enterpriseSchema = z
  .object({
    name: requiredText(100),
    type: choice(ENTERPRISE_TYPES),
    hostId: wholeNumber(1, Number.MAX_SAFE_INTEGER),
    representative: requiredText(60),
    district: requiredText(80),
    business: requiredText(200),
    registrationNumber: registrationNumberField,
    certifiedOn: optionalIsoDateField,
    employees: wholeNumber(0, 100000),
    vulnerableEmployees: wholeNumber(0, 100000),
  })
  .refine((v) => v.vulnerableEmployees <= v.employees, {
    path: ["vulnerableEmployees"],
    message: "vulnerableExceedsEmployees",
    ...whenFieldsValid("employees", "vulnerableEmployees"),
  });

export type EnterpriseInput = z.output<typeof enterpriseSchema>;

/** Who the enterprise is: a change of any of these must be verified again (the database agrees). */
export function identityDiffers(
  current: { host_id: number; type: EnterpriseType; name: string; registration_number: string | null },
  input: Pick<EnterpriseInput, "hostId" | "type" | "name" | "registrationNumber">,
): boolean {
  return current.host_id !== input.hostId || current.type !== input.type || current.name !== input.name || current.registration_number !== input.registrationNumber;
}

export const inviteSchema = z.object({
  email: emailField,
  role: choice(["owner", "member"] as const),
});

export const reviewSchema = z
  .object({
    enterpriseId: wholeNumber(1, Number.MAX_SAFE_INTEGER),
    decision: choice(["verify", "reject"] as const),
    note: optionalText(1000),
  })
  .refine((v) => v.decision === "verify" || v.note.length > 0, { path: ["note"], message: "required", ...whenFieldsValid("decision", "note") });

/** "광주 광산구 수완동" → "광주 광산구": the area the directory filters by. */
export function districtArea(district: string): string {
  return district.trim().split(/\s+/).slice(0, 2).join(" ");
}
