// Grants after a pitch contest (e.g. 서구 2017: pool 20,000,000원, at most 10,000,000원 per team,
// 구비 100%, for 시설공사/재료비/홍보비/임차비/경상비). Pure validation of the rules and of a set of
// awards against them; recording and disbursing awards goes through the four-eyes flow.

export interface GrantRules {
  poolWon: number;
  capPerAwardeeWon: number;
  /** e.g. "구비 100%". */
  fundingSource: string;
  /** The expense categories money may be spent on. */
  eligibleExpenses: string[];
  /** YYYY-MM-DD, inclusive; optional. */
  periodFrom: string | null;
  periodTo: string | null;
}

export interface AwardLine {
  category: string;
  amountWon: number;
}

export interface GrantAward {
  applicationId: number;
  amountWon: number;
  /** How the award will be spent; must add up to the award. */
  lines: AwardLine[];
}

export type GrantRulesProblem = "pool" | "cap" | "capAbovePool" | "fundingSource" | "expenses" | "duplicateExpense" | "period";

export type AwardProblem =
  | { code: "notSelected"; applicationId: number }
  | { code: "duplicateAwardee"; applicationId: number }
  | { code: "amount"; applicationId: number }
  | { code: "aboveCap"; applicationId: number; capWon: number }
  | { code: "ineligibleExpense"; applicationId: number; category: string }
  | { code: "linesDoNotAddUp"; applicationId: number; linesWon: number }
  | { code: "abovePool"; totalWon: number; poolWon: number };

const isPositiveWon = (value: number) => Number.isSafeInteger(value) && value >= 1;

export function validateGrantRules(rules: GrantRules): GrantRulesProblem[] {
  const problems: GrantRulesProblem[] = [];
  if (!isPositiveWon(rules.poolWon)) problems.push("pool");
  if (!isPositiveWon(rules.capPerAwardeeWon)) problems.push("cap");
  else if (isPositiveWon(rules.poolWon) && rules.capPerAwardeeWon > rules.poolWon) problems.push("capAbovePool");
  if (rules.fundingSource.trim() === "") problems.push("fundingSource");
  const categories = rules.eligibleExpenses.map((c) => c.trim());
  if (categories.length === 0 || categories.some((c) => c === "")) problems.push("expenses");
  if (new Set(categories).size !== categories.length) problems.push("duplicateExpense");
  if ((rules.periodFrom === null) !== (rules.periodTo === null) || (rules.periodFrom !== null && rules.periodTo !== null && rules.periodTo < rules.periodFrom)) {
    problems.push("period");
  }
  return problems;
}

/** Every problem with a set of awards: each within the cap and to a selected team, all within the pool. */
export function validateAwards(rules: GrantRules, awards: GrantAward[], selectedApplicationIds: ReadonlySet<number>): AwardProblem[] {
  if (validateGrantRules(rules).length > 0) throw new RangeError("invalid grant rules");
  const problems: AwardProblem[] = [];
  const seen = new Set<number>();
  const eligible = new Set(rules.eligibleExpenses);
  let total = 0;
  for (const award of awards) {
    const id = award.applicationId;
    if (!selectedApplicationIds.has(id)) problems.push({ code: "notSelected", applicationId: id });
    if (seen.has(id)) problems.push({ code: "duplicateAwardee", applicationId: id });
    seen.add(id);
    if (!isPositiveWon(award.amountWon)) {
      problems.push({ code: "amount", applicationId: id });
      continue;
    }
    if (award.amountWon > rules.capPerAwardeeWon) problems.push({ code: "aboveCap", applicationId: id, capWon: rules.capPerAwardeeWon });
    let linesWon = 0;
    let linesValid = true;
    for (const line of award.lines) {
      if (!eligible.has(line.category)) problems.push({ code: "ineligibleExpense", applicationId: id, category: line.category });
      if (!isPositiveWon(line.amountWon)) linesValid = false;
      else linesWon += line.amountWon;
    }
    if (!linesValid || linesWon !== award.amountWon) problems.push({ code: "linesDoNotAddUp", applicationId: id, linesWon });
    total += award.amountWon;
  }
  if (total > rules.poolWon) problems.push({ code: "abovePool", totalWon: total, poolWon: rules.poolWon });
  return problems;
}

/** What is left of the pool after the awards (never negative for a valid set). */
export function remainingPool(rules: GrantRules, awards: GrantAward[]): number {
  return rules.poolWon - awards.reduce((sum, a) => sum + a.amountWon, 0);
}

/** Where a Seoul calendar day falls against a grant's spending period (both ends inclusive). */
export type GrantPeriodStanding = "open" | "notStarted" | "ended";

/** Rules without a period may be spent on any day; otherwise only from the first to the last day. */
export function grantPeriodStanding(period: Pick<GrantRules, "periodFrom" | "periodTo">, today: string): GrantPeriodStanding {
  if (period.periodFrom !== null && today < period.periodFrom) return "notStarted";
  if (period.periodTo !== null && today > period.periodTo) return "ended";
  return "open";
}
