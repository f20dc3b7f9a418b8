import { describe, expect, it } from "vitest";
import { grantPeriodStanding, remainingPool, validateAwards, validateGrantRules, type GrantRules } from "./grants";

// 서구 2017 우수 사회적경제 사업모델 발굴 및 지원.
const seogu: GrantRules = {
  poolWon: 20_000_000,
  capPerAwardeeWon: 10_000_000,
  fundingSource: "구비 100%",
  eligibleExpenses: ["시설공사", "재료비", "홍보비", "임차비", "경상비"],
  periodFrom: "2017-09-01",
  periodTo: "2017-11-30",
};
const selected = new Set([1, 2, 3, 4, 5]);

describe("grant rules", () => {
  it("accepts the Seo-gu rules", () => {
    expect(validateGrantRules(seogu)).toEqual([]);
  });

  it("names every problem", () => {
    expect(validateGrantRules({ ...seogu, poolWon: 0, capPerAwardeeWon: 1.5, fundingSource: " ", eligibleExpenses: [], periodTo: null })).toEqual(["pool", "cap", "fundingSource", "expenses", "period"]);
    expect(validateGrantRules({ ...seogu, capPerAwardeeWon: 20_000_001, eligibleExpenses: ["재료비", "재료비"], periodTo: "2017-08-31" })).toEqual(["capAbovePool", "duplicateExpense", "period"]);
  });
});

describe("grant awards", () => {
  it("accepts awards within the cap and the pool, spent on eligible categories", () => {
    const awards = [
      { applicationId: 1, amountWon: 10_000_000, lines: [{ category: "시설공사", amountWon: 7_000_000 }, { category: "홍보비", amountWon: 3_000_000 }] },
      { applicationId: 2, amountWon: 4_000_000, lines: [{ category: "재료비", amountWon: 4_000_000 }] },
      { applicationId: 3, amountWon: 6_000_000, lines: [{ category: "임차비", amountWon: 6_000_000 }] },
    ];
    expect(validateAwards(seogu, awards, selected)).toEqual([]);
    expect(remainingPool(seogu, awards)).toBe(0);
  });

  it("refuses an award above the cap, to an unselected team, twice to one team, or on an ineligible expense", () => {
    expect(
      validateAwards(
        seogu,
        [
          { applicationId: 1, amountWon: 10_000_001, lines: [{ category: "시설공사", amountWon: 10_000_001 }] },
          { applicationId: 9, amountWon: 1_000_000, lines: [{ category: "인건비", amountWon: 1_000_000 }] },
          { applicationId: 2, amountWon: 1_000_000, lines: [{ category: "재료비", amountWon: 900_000 }] },
          { applicationId: 2, amountWon: 0, lines: [] },
        ],
        selected,
      ),
    ).toEqual([
      { code: "aboveCap", applicationId: 1, capWon: 10_000_000 },
      { code: "notSelected", applicationId: 9 },
      { code: "ineligibleExpense", applicationId: 9, category: "인건비" },
      { code: "linesDoNotAddUp", applicationId: 2, linesWon: 900_000 },
      { code: "duplicateAwardee", applicationId: 2 },
      { code: "amount", applicationId: 2 },
    ]);
  });

  it("refuses awards that together exceed the pool", () => {
    const three = [1, 2, 3].map((id) => ({ applicationId: id, amountWon: 7_000_000, lines: [{ category: "경상비", amountWon: 7_000_000 }] }));
    expect(validateAwards(seogu, three, selected)).toEqual([{ code: "abovePool", totalWon: 21_000_000, poolWon: 20_000_000 }]);
  });
});

describe("the grant period", () => {
  it("is open from its first to its last day, both included", () => {
    expect(grantPeriodStanding(seogu, "2017-08-31")).toBe("notStarted");
    expect(grantPeriodStanding(seogu, "2017-09-01")).toBe("open");
    expect(grantPeriodStanding(seogu, "2017-11-30")).toBe("open");
    expect(grantPeriodStanding(seogu, "2017-12-01")).toBe("ended");
    expect(grantPeriodStanding(seogu, "2026-11-24")).toBe("ended");
  });

  it("never closes when the rules have no period", () => {
    const noPeriod = { periodFrom: null, periodTo: null };
    expect(grantPeriodStanding(noPeriod, "1999-01-01")).toBe("open");
    expect(grantPeriodStanding(noPeriod, "2099-12-31")).toBe("open");
  });
});
