import { describe, expect, it } from "vitest";
import { parseForm } from "../utils/forms";
import { canCancel, pledgeRequestHash, pledgeRuleProblem, pledgeSchema, rewardRemaining } from "./pledge";

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
}

const valid = { amount: "30,000", kind: "sponsorship", rewardId: "", message: "응원합니다", backerKind: "individual", companyName: "", businessNumber: "", idempotencyKey: "key-12345678" };

describe("pledgeSchema", () => {
  it("parses a pledge", () => {
    const parsed = parseForm(pledgeSchema, form(valid));
    expect(parsed.ok && parsed.data).toMatchObject({ amount: 30_000, kind: "sponsorship", rewardId: null, nameDisplay: "masked" });
  });
  it.each([
    ["-1000", "invalidAmount"],
    ["0", "invalidAmount"],
    ["999", "invalidAmount"],
    ["1000.5", "invalidAmount"],
    ["ten thousand", "invalidAmount"],
    ["1e5", "invalidAmount"],
    ["100000001", "numberTooLarge"],
    ["99999999999999999999", "invalidAmount"],
  ])("refuses the amount %s", (amount, key) => {
    const parsed = parseForm(pledgeSchema, form({ ...valid, amount }));
    expect(!parsed.ok && parsed.fieldErrors.amount).toEqual([key]);
  });
  it("requires a company name from company backers and checks their registration number", () => {
    const parsed = parseForm(pledgeSchema, form({ ...valid, backerKind: "company", businessNumber: "123-45-67890", companyName: "㈜광산상사" }));
    expect(!parsed.ok && parsed.fieldErrors).toMatchObject({ businessNumber: ["registrationNumberFormat"] });
    const named = parseForm(pledgeSchema, form({ ...valid, backerKind: "company", companyName: "" }));
    expect(!named.ok && named.fieldErrors.companyName).toEqual(["companyNameRequired"]);
  });
  it("refuses a reward on a donation", () => {
    const parsed = parseForm(pledgeSchema, form({ ...valid, kind: "donation", rewardId: "3" }));
    expect(!parsed.ok && parsed.fieldErrors.rewardId).toEqual(["donationNoReward"]);
  });
});

describe("pledgeRequestHash", () => {
  it("is the same for the same body and differs when anything differs", () => {
    const parsed = parseForm(pledgeSchema, form(valid));
    const other = parseForm(pledgeSchema, form({ ...valid, amount: "30001" }));
    if (!parsed.ok || !other.ok) throw new Error("fixtures must parse");
    expect(pledgeRequestHash(1, parsed.data)).toBe(pledgeRequestHash(1, { ...parsed.data }));
    expect(pledgeRequestHash(1, parsed.data)).not.toBe(pledgeRequestHash(1, other.data));
    expect(pledgeRequestHash(1, parsed.data)).not.toBe(pledgeRequestHash(2, parsed.data));
  });
});

describe("pledgeRuleProblem", () => {
  const base = { campaignState: "live" as const, startsOn: "2026-11-01", endsOn: "2026-11-30", today: "2026-11-24", reward: null, amountWon: 10_000 };
  it("takes pledges on live campaigns within the window", () => {
    expect(pledgeRuleProblem(base)).toBeNull();
    expect(pledgeRuleProblem({ ...base, today: "2026-11-30" })).toBeNull();
  });
  it("refuses closed campaigns and amounts below the reward's minimum", () => {
    expect(pledgeRuleProblem({ ...base, campaignState: "succeeded" })).toBe("campaignNotOpen");
    expect(pledgeRuleProblem({ ...base, today: "2026-12-01" })).toBe("campaignNotOpen");
    expect(pledgeRuleProblem({ ...base, reward: { minAmountWon: 20_000 } })).toBe("rewardBelowMinimum");
  });
});

describe("canCancel", () => {
  it("lets backers cancel saved pledges until the deadline only", () => {
    expect(canCancel("saved", "live", "2026-11-30", "2026-11-30")).toBe(true);
    expect(canCancel("saved", "live", "2026-12-01", "2026-11-30")).toBe(false);
    expect(canCancel("collected", "live", "2026-11-20", "2026-11-30")).toBe(false);
  });
});

describe("rewardRemaining", () => {
  it("counts what is left of a limited reward", () => {
    expect(rewardRemaining(null, 40)).toBeNull();
    expect(rewardRemaining(10, 3)).toBe(7);
    expect(rewardRemaining(10, 10)).toBe(0);
    expect(rewardRemaining(10, 12)).toBe(0);
  });
});
