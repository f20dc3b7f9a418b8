import { describe, expect, it } from "vitest";
import { parseForm } from "../utils/forms";
import { isThrottled, MAX_FAILURES_PER_ACCOUNT, safeRedirectPath, signUpSchema } from "./auth";

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
}

describe("signUpSchema", () => {
  it("normalises the e-mail", () => {
    const parsed = parseForm(signUpSchema, form({ email: "  Citizen@Example.COM ", displayName: "시민", password: "long-enough-1", passwordConfirm: "long-enough-1", ageGroup: "14_or_older", consentAccount: "on" }));
    expect(parsed.ok && parsed.data.email).toBe("citizen@example.com");
  });
  it("explains each problem", () => {
    const parsed = parseForm(signUpSchema, form({ email: "not-an-email", displayName: "", password: "short", passwordConfirm: "other" }));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.fieldErrors.email).toEqual(["invalidEmail"]);
      expect(parsed.fieldErrors.displayName).toEqual(["required"]);
      expect(parsed.fieldErrors.password).toEqual(["passwordTooShort"]);
      expect(parsed.values.password).toBeUndefined();
    }
  });
  it("asks for the required consent and a confirmation of age; the optional consent may be declined", () => {
    const base = { email: "a@b.kr", displayName: "a", password: "long-enough-1", passwordConfirm: "long-enough-1" };
    const missing = parseForm(signUpSchema, form(base));
    expect(!missing.ok && missing.fieldErrors.ageGroup).toEqual(["ageRequired"]);
    expect(!missing.ok && missing.fieldErrors.consentAccount).toEqual(["consentRequired"]);
    const child = parseForm(signUpSchema, form({ ...base, ageGroup: "under_14", consentAccount: "on" }));
    expect(!child.ok && child.fieldErrors.ageGroup).toEqual(["under14"]);
    const declined = parseForm(signUpSchema, form({ ...base, ageGroup: "14_or_older", consentAccount: "on" }));
    expect(declined.ok && declined.data.consentCampaignEmails).toBe(false);
    const accepted = parseForm(signUpSchema, form({ ...base, ageGroup: "14_or_older", consentAccount: "on", consentCampaignEmails: "on" }));
    expect(accepted.ok && accepted.data.consentCampaignEmails).toBe(true);
  });
  it("requires matching passwords", () => {
    const parsed = parseForm(signUpSchema, form({ email: "a@b.kr", displayName: "a", password: "long-enough-1", passwordConfirm: "long-enough-2" }));
    expect(!parsed.ok && parsed.fieldErrors.passwordConfirm).toEqual(["passwordsDiffer"]);
  });
});

describe("isThrottled", () => {
  it("throttles at the limit for the account or the IP", () => {
    expect(isThrottled(MAX_FAILURES_PER_ACCOUNT - 1, 0)).toBe(false);
    expect(isThrottled(MAX_FAILURES_PER_ACCOUNT, 0)).toBe(true);
    expect(isThrottled(0, 10)).toBe(true);
  });
});

describe("safeRedirectPath", () => {
  it.each([
    ["/account", "/account"],
    ["/enterprises/3?x=1", "/enterprises/3?x=1"],
    ["https://evil.example", "/"],
    ["//evil.example", "/"],
    ["/\\evil.example", "/"],
    [null, "/"],
  ])("%s → %s", (input, expected) => {
    expect(safeRedirectPath(input)).toBe(expected);
  });
});
