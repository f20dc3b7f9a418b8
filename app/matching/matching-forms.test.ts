import { describe, expect, it } from "vitest";
import { validateMatchingRules } from "./matching";
import { closeRoundSchema, factorLabel, poolSchema, rulesFormValues, rulesFromInput, rulesFromRow, rulesSchema } from "./matching-forms";

function errorsOf(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
  return Object.fromEntries((result.error?.issues ?? []).map((i) => [i.path.join("."), i.message]));
}

describe("the pool form", () => {
  it("takes the host as sponsor without a name, and a company with one", () => {
    expect(poolSchema.parse({ sponsorKind: "host", sponsorName: "", total: "1,000,000원" })).toEqual({ sponsorKind: "host", sponsorName: "", total: 1_000_000 });
    expect(poolSchema.parse({ sponsorKind: "company", sponsorName: " ㈜빛고을 ", total: "20000" })).toEqual({ sponsorKind: "company", sponsorName: "㈜빛고을", total: 20_000 });
  });

  it("names each problem with a message key", () => {
    expect(errorsOf(poolSchema.safeParse({ sponsorKind: "company", sponsorName: "", total: "5000" }))).toEqual({ sponsorName: "sponsorNameRequired", total: "poolTooSmall" });
    expect(errorsOf(poolSchema.safeParse({ sponsorKind: "bank", total: "1.5" }))).toEqual({ sponsorKind: "invalidChoice", total: "invalidAmount" });
    expect(errorsOf(poolSchema.safeParse({ sponsorKind: "host", total: "99999999999" }))).toEqual({ total: "numberTooLarge" });
  });
});

describe("the close form", () => {
  it("closes only with the box ticked", () => {
    expect(closeRoundSchema.safeParse({ confirmClose: "on" }).success).toBe(true);
    for (const unconfirmed of [{}, { confirmClose: "" }, { confirmClose: "off" }, { confirmClose: "yes" }, { confirmClose: ["on", "on"] }]) {
      expect(errorsOf(closeRoundSchema.safeParse(unconfirmed))).toEqual({ confirmClose: "matchingCloseConfirmRequired" });
    }
  });
});

describe("the rules form", () => {
  const valid = { factorPct: "100", capPerPledge: "", capPerCampaign: "", capPerBacker: "", minBackers: "", thresholdPct: "", allocation: "first_come" };

  it("reads percents as basis points and empty caps as no cap", () => {
    const input = rulesSchema.parse({ ...valid, factorPct: "50%", capPerPledge: "100,000", thresholdPct: "10", minBackers: "3", allocation: "reserved" });
    const rules = rulesFromInput(input, 2);
    expect(rules).toEqual({ version: 2, factorBp: 5_000, capPerPledgeWon: 100_000, capPerCampaignWon: null, capPerBackerWon: null, minDistinctBackers: 3, thresholdBp: 1_000, allocation: "reserved" });
    expect(validateMatchingRules(rules)).toEqual([]);
    expect(rulesFromInput(rulesSchema.parse(valid), 1)).toMatchObject({ minDistinctBackers: 0, thresholdBp: 0 });
  });

  it("refuses factors and thresholds out of range, bad caps and unknown modes", () => {
    expect(errorsOf(rulesSchema.safeParse({ ...valid, factorPct: "0", thresholdPct: "101" }))).toEqual({ factorPct: "factorRange", thresholdPct: "thresholdRange" });
    expect(errorsOf(rulesSchema.safeParse({ ...valid, factorPct: "1001" }))).toEqual({ factorPct: "factorRange" });
    expect(errorsOf(rulesSchema.safeParse({ ...valid, factorPct: "" }))).toEqual({ factorPct: "required" });
    expect(errorsOf(rulesSchema.safeParse({ ...valid, capPerPledge: "0", capPerCampaign: "-3", capPerBacker: "99999999999" }))).toEqual({
      capPerPledge: "invalidAmount",
      capPerCampaign: "invalidAmount",
      capPerBacker: "numberTooLarge",
    });
    expect(errorsOf(rulesSchema.safeParse({ ...valid, minBackers: "-1", allocation: "lottery" }))).toEqual({ minBackers: "invalidNumber", allocation: "invalidChoice" });
  });

  it("prefills the form with a stored version, which reads back to the same rules", () => {
    const row = { version: 3, factor_bp: 15_000, cap_per_pledge_won: 50_000, cap_per_campaign_won: null, cap_per_backer_won: 200_000, min_distinct_backers: 5, threshold_bp: 2_500, allocation: "first_come" as const };
    const rules = rulesFromRow(row);
    expect(rulesFromInput(rulesSchema.parse(rulesFormValues(rules)), 3)).toEqual(rules);
  });
});

describe("factorLabel", () => {
  it("writes the factor as people read it", () => {
    expect(factorLabel(10_000)).toBe("1:1");
    expect(factorLabel(5_000)).toBe("1:0.5");
    expect(factorLabel(22_500)).toBe("1:2.25");
    expect(factorLabel(100)).toBe("1:0.01");
  });
});
