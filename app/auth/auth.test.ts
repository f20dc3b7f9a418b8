import { describe, expect, it } from "vitest";
import { parseForm } from "../utils/forms";
import { ACCOUNT_FREE_FAILURES, IP_FAILURE_LIMIT, loginWaitMs, MAX_DELAY_MS, PAIR_FREE_FAILURES, signUpSchema, THROTTLE_WINDOW_MS, type FailureCount } from "./auth";

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

describe("loginWaitMs", () => {
  const now = new Date("2026-11-24T03:00:00Z");
  const ago = (ms: number) => new Date(now.getTime() - ms);
  const none: FailureCount = { count: 0, first: null, last: null };
  const failures = (count: number, lastMsAgo: number, firstMsAgo = lastMsAgo): FailureCount => ({ count, first: ago(firstMsAgo), last: ago(lastMsAgo) });

  it("lets the first attempts through at once", () => {
    expect(loginWaitMs({ ip: none, pair: none, account: none }, now)).toBe(0);
    const slips = failures(PAIR_FREE_FAILURES - 1, 0);
    expect(loginWaitMs({ ip: slips, pair: slips, account: slips }, now)).toBe(0);
  });

  it("doubles the wait for one account from one address", () => {
    const waits = [PAIR_FREE_FAILURES, PAIR_FREE_FAILURES + 1, PAIR_FREE_FAILURES + 2].map((n) => loginWaitMs({ ip: failures(n, 0), pair: failures(n, 0), account: failures(n, 0) }, now));
    expect(waits).toEqual([1000, 2000, 4000]);
    // Once the wait has passed, the next attempt may go ahead.
    expect(loginWaitMs({ ip: failures(4, 2000), pair: failures(4, 2000), account: failures(4, 2000) }, now)).toBe(0);
  });

  it("refuses an address at the limit until its oldest failure leaves the window", () => {
    const ip = failures(IP_FAILURE_LIMIT, 1000, 60_000);
    expect(loginWaitMs({ ip, pair: none, account: none }, now)).toBe(THROTTLE_WINDOW_MS - 60_000);
    expect(loginWaitMs({ ip: failures(IP_FAILURE_LIMIT, 0, THROTTLE_WINDOW_MS), pair: none, account: none }, now)).toBe(0);
  });

  it("does not hold up the owner at another address while one address guesses", () => {
    // Everything one address can fail before it is refused outright.
    const account = failures(IP_FAILURE_LIMIT, 0);
    expect(loginWaitMs({ ip: none, pair: none, account }, now)).toBe(0);
  });

  it("slows guessing spread over many addresses to about one try a minute, never a lock-out", () => {
    expect(loginWaitMs({ ip: none, pair: none, account: failures(ACCOUNT_FREE_FAILURES, 0) }, now)).toBe(1000);
    expect(loginWaitMs({ ip: none, pair: none, account: failures(ACCOUNT_FREE_FAILURES + 20, 0) }, now)).toBe(MAX_DELAY_MS);
    expect(loginWaitMs({ ip: none, pair: none, account: failures(ACCOUNT_FREE_FAILURES + 20, MAX_DELAY_MS) }, now)).toBe(0);
  });
});
