import { describe, expect, it } from "vitest";
import { ageOn, checkEligibility, districtMatches, reasonCodes, type Applicant, type EligibilityRules } from "./eligibility";

const open: EligibilityRules = { regions: [], enterpriseTypes: [], ageMin: null, ageMax: null };
const coop: Applicant = { enterpriseType: "cooperative", workDistrict: "광주 광산구 수완동", residenceDistrict: null, representativeBirthDate: null };

describe("eligibility", () => {
  it("lets anyone in when there are no rules", () => {
    expect(checkEligibility(open, coop, "2016-01-08")).toEqual({ eligible: true });
  });

  it("matches the region of work or of residence, by whole words", () => {
    const rules = { ...open, regions: ["광주 광산구"] };
    expect(checkEligibility(rules, coop, "2016-01-08").eligible).toBe(true);
    const worksElsewhere = { ...coop, workDistrict: "울산 중구 성남동" };
    expect(checkEligibility(rules, worksElsewhere, "2016-01-08")).toEqual({ eligible: false, reasons: [{ code: "region", regions: ["광주 광산구"] }] });
    expect(checkEligibility(rules, { ...worksElsewhere, residenceDistrict: "광주  광산구 월곡동" }, "2016-01-08").eligible).toBe(true);
    expect(districtMatches("광주 광산구", "광주 광")).toBe(false);
    expect(districtMatches("광주 서구 상무1동", "광주")).toBe(true);
  });

  it("checks the enterprise type", () => {
    const rules = { ...open, enterpriseTypes: ["social_enterprise", "cooperative"] as const }.enterpriseTypes;
    const typed = { ...open, enterpriseTypes: [...rules] };
    expect(checkEligibility(typed, coop, "2016-01-08").eligible).toBe(true);
    expect(reasonCodes(checkEligibility(typed, { ...coop, enterpriseType: "self_sufficiency_enterprise" }, "2016-01-08"))).toEqual(["enterpriseType"]);
  });

  it("checks the representative's age (만 나이) on the deadline, inclusive at both ends", () => {
    const youth = { ...open, ageMin: 19, ageMax: 39 };
    expect(ageOn("1990-01-09", "2016-01-08")).toBe(25);
    expect(ageOn("1990-01-08", "2016-01-08")).toBe(26);
    expect(checkEligibility(youth, { ...coop, representativeBirthDate: "1997-01-08" }, "2016-01-08").eligible).toBe(true);
    expect(checkEligibility(youth, { ...coop, representativeBirthDate: "1997-01-09" }, "2016-01-08")).toEqual({ eligible: false, reasons: [{ code: "age", age: 18, min: 19, max: 39 }] });
    expect(checkEligibility(youth, { ...coop, representativeBirthDate: "1976-01-09" }, "2016-01-08").eligible).toBe(true);
    expect(reasonCodes(checkEligibility(youth, { ...coop, representativeBirthDate: "1976-01-08" }, "2016-01-08"))).toEqual(["age:40"]);
    expect(reasonCodes(checkEligibility(youth, coop, "2016-01-08"))).toEqual(["birthDateMissing"]);
  });

  it("gives every reason at once", () => {
    const strict: EligibilityRules = { regions: ["광주 서구"], enterpriseTypes: ["social_enterprise"], ageMin: 19, ageMax: 39 };
    expect(reasonCodes(checkEligibility(strict, coop, "2016-01-08"))).toEqual(["region", "enterpriseType", "birthDateMissing"]);
  });
});
