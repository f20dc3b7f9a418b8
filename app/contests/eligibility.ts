import type { EnterpriseType } from "../../db/types";

// Who may apply to a contest. Pure: the application form and the seed call it, the database
// refuses a submitted application whose check failed (contest_applications_submitted_eligible).

export interface EligibilityRules {
  /** Area prefixes such as "광주 광산구"; empty = any region. Residence or work must match one. */
  regions: string[];
  /** Empty = any enterprise type. */
  enterpriseTypes: EnterpriseType[];
  /** Age band of the representative at the application deadline, inclusive; null = no age rule. */
  ageMin: number | null;
  ageMax: number | null;
}

export interface Applicant {
  enterpriseType: EnterpriseType;
  /** Where the enterprise works (its registered district). */
  workDistrict: string;
  /** Where the representative lives, when given on the application. */
  residenceDistrict: string | null;
  /** YYYY-MM-DD, when given on the application. */
  representativeBirthDate: string | null;
}

export type IneligibilityReason =
  | { code: "region"; regions: string[] }
  | { code: "enterpriseType"; allowed: EnterpriseType[] }
  | { code: "birthDateMissing" }
  | { code: "age"; age: number; min: number | null; max: number | null };

export type EligibilityResult = { eligible: true } | { eligible: false; reasons: IneligibilityReason[] };

function normaliseArea(value: string): string {
  return value.replace(/\s+/g, " ").trim();
}

/** "광주 광산구" matches "광주 광산구 수완동" and "광주광역시 광산구"-style spacing variants by word prefix. */
export function districtMatches(district: string, region: string): boolean {
  const words = normaliseArea(district).split(" ");
  const wanted = normaliseArea(region).split(" ");
  if (wanted.length === 0 || wanted[0] === "") return true;
  return wanted.every((word, i) => words[i] === word);
}

/** Whole years between a birth date and a day, both YYYY-MM-DD (만 나이). */
export function ageOn(birthDate: string, onDate: string): number {
  const [by, bm, bd] = birthDate.split("-").map(Number) as [number, number, number];
  const [y, m, d] = onDate.split("-").map(Number) as [number, number, number];
  let age = y - by;
  if (m < bm || (m === bm && d < bd)) age -= 1;
  return age;
}

export function hasAgeRule(rules: EligibilityRules): boolean {
  return rules.ageMin !== null || rules.ageMax !== null;
}

/** All the reasons an applicant is refused, so the form can say every one of them at once. */
export function checkEligibility(rules: EligibilityRules, applicant: Applicant, deadline: string): EligibilityResult {
  const reasons: IneligibilityReason[] = [];
  if (rules.regions.length > 0) {
    const places = [applicant.workDistrict, applicant.residenceDistrict].filter((p): p is string => !!p && p.trim() !== "");
    if (!rules.regions.some((region) => places.some((place) => districtMatches(place, region)))) {
      reasons.push({ code: "region", regions: rules.regions });
    }
  }
  if (rules.enterpriseTypes.length > 0 && !rules.enterpriseTypes.includes(applicant.enterpriseType)) {
    reasons.push({ code: "enterpriseType", allowed: rules.enterpriseTypes });
  }
  if (hasAgeRule(rules)) {
    if (!applicant.representativeBirthDate) {
      reasons.push({ code: "birthDateMissing" });
    } else {
      const age = ageOn(applicant.representativeBirthDate, deadline);
      if ((rules.ageMin !== null && age < rules.ageMin) || (rules.ageMax !== null && age > rules.ageMax)) {
        reasons.push({ code: "age", age, min: rules.ageMin, max: rules.ageMax });
      }
    }
  }
  return reasons.length === 0 ? { eligible: true } : { eligible: false, reasons };
}

/** Stored with the application (text[]), e.g. "region", "enterpriseType", "age:17". */
export function reasonCodes(result: EligibilityResult): string[] {
  if (result.eligible) return [];
  return result.reasons.map((r) => (r.code === "age" ? `age:${r.age}` : r.code));
}
