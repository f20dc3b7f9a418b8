import { describe, expect, it } from "vitest";
import { validateAwards, validateGrantRules } from "../contests/grants";
import { awardFormSchema, awardFromForm, awardProblemMessage, grantRulesSchema, rulesFromForm, rulesProblemMessage } from "./awards";

const categories = ["시설공사", "재료비", "홍보비", "임차비", "경상비"];

describe("the award form", () => {
  it("reads amounts per category, empty ones left out, the award being their sum", () => {
    const parsed = awardFormSchema(categories).safeParse({ applicationId: "7", line_0: "3,000,000", line_1: "", line_2: "1000000원", line_4: " " });
    expect(parsed.success).toBe(true);
    if (!parsed.success) return;
    expect(awardFromForm(categories, parsed.data)).toEqual({
      applicationId: 7,
      amountWon: 4_000_000,
      lines: [
        { category: "시설공사", amountWon: 3_000_000 },
        { category: "홍보비", amountWon: 1_000_000 },
      ],
    });
  });

  it("refuses amounts that are not whole won", () => {
    const parsed = awardFormSchema(categories).safeParse({ applicationId: "x", line_0: "-5", line_1: "1.5" });
    expect(parsed.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["applicationId", "invalidNumber"],
      ["line_0", "invalidAmount"],
      ["line_1", "invalidAmount"],
    ]);
  });

  it("explains an award with nothing in it, above the cap, above the pool or to an unselected team", () => {
    const rules = { poolWon: 20_000_000, capPerAwardeeWon: 10_000_000, fundingSource: "구비 100%", eligibleExpenses: categories, periodFrom: null, periodTo: null };
    const empty = awardFromForm(categories, { applicationId: 1 });
    const big = { applicationId: 2, amountWon: 12_000_000, lines: [{ category: "재료비", amountWon: 12_000_000 }] };
    const problems = validateAwards(rules, [empty, big, { ...big, applicationId: 3, amountWon: 9_000_000, lines: [{ category: "재료비", amountWon: 9_000_000 }] }], new Set([1, 2]));
    expect(problems.map(awardProblemMessage)).toEqual([
      { key: "grantLinesRequired" },
      { key: "grantAboveCap" },
      { key: "grantNotSelected", field: "applicationId" },
      { key: "grantAbovePool" },
    ]);
  });
});

describe("the grant rules form", () => {
  const seogu = { title: "우수 사회적경제 사업모델 발굴 및 지원", pool: "20,000,000", cap: "10,000,000", fundingSource: "구비 100%", expenses: "시설공사, 재료비\n홍보비,임차비, 경상비", periodFrom: "2017-09-01", periodTo: "2017-11-30" };

  it("reads the Seo-gu rules", () => {
    const parsed = grantRulesSchema.safeParse(seogu);
    expect(parsed.success).toBe(true);
    if (!parsed.success) return;
    const rules = rulesFromForm(parsed.data);
    expect(rules).toEqual({ poolWon: 20_000_000, capPerAwardeeWon: 10_000_000, fundingSource: "구비 100%", eligibleExpenses: categories, periodFrom: "2017-09-01", periodTo: "2017-11-30" });
    expect(validateGrantRules(rules)).toEqual([]);
  });

  it("puts every problem on its field", () => {
    const parsed = grantRulesSchema.safeParse({ ...seogu, cap: "30,000,000" });
    expect(parsed.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([["cap", "grantCapAbovePool"]]);
    const loose = grantRulesSchema.safeParse({ ...seogu, expenses: "재료비, 재료비", periodFrom: "2017-11-30", periodTo: "2017-09-01" });
    expect(loose.success).toBe(true);
    if (!loose.success) return;
    expect(validateGrantRules(rulesFromForm(loose.data)).map(rulesProblemMessage)).toEqual([
      { key: "grantDuplicateExpense", field: "expenses" },
      { key: "closeBeforeOpen", field: "periodTo" },
    ]);
  });
});
