import { describe, expect, it } from "vitest";
import { parseForm } from "../utils/forms";
import { campaignBasicsSchema, reviewDecisionSchema, rewardSchema, submissionProblems } from "./campaign";

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
}

const basics = { title: "골목 놀이터", summary: "주말 놀이", story: "", goal: "3,000,000", fundingModel: "all_or_nothing", startsOn: "2026-12-01", endsOn: "2026-12-31" };

describe("campaignBasicsSchema", () => {
  it("reads won with separators", () => {
    const parsed = parseForm(campaignBasicsSchema, form(basics));
    expect(parsed.ok && parsed.data.goal).toBe(3_000_000);
  });
  it.each([
    [{ goal: "-5" }, "goal", "invalidAmount"],
    [{ goal: "9999" }, "goal", "invalidAmount"],
    [{ goal: "1.5" }, "goal", "invalidAmount"],
    [{ goal: "99999999999" }, "goal", "numberTooLarge"],
    [{ endsOn: "2026-11-30" }, "endsOn", "endBeforeStart"],
    [{ endsOn: "2027-06-30" }, "endsOn", "windowTooLong"],
    [{ startsOn: "2026-02-30" }, "startsOn", "invalidDate"],
    [{ fundingModel: "maybe" }, "fundingModel", "invalidChoice"],
  ])("refuses %j", (change, field, key) => {
    const parsed = parseForm(campaignBasicsSchema, form({ ...basics, ...change }));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.fieldErrors[field]).toEqual([key]);
  });
});

describe("rewardSchema", () => {
  it("parses optional quantity and delivery month", () => {
    const parsed = parseForm(rewardSchema, form({ title: "엽서", minAmount: "10000", quantityLimit: "", deliveryMonth: "" }));
    expect(parsed.ok && parsed.data).toMatchObject({ minAmount: 10_000, quantityLimit: null, deliveryMonth: null });
    const limited = parseForm(rewardSchema, form({ title: "엽서", minAmount: "10000", quantityLimit: "10", deliveryMonth: "2027-02" }));
    expect(limited.ok && limited.data).toMatchObject({ quantityLimit: 10, deliveryMonth: "2027-02" });
  });
  it("refuses a minimum below 1,000 won, zero quantity and bad months", () => {
    const parsed = parseForm(rewardSchema, form({ title: "x", minAmount: "500", quantityLimit: "0", deliveryMonth: "2027-13" }));
    expect(!parsed.ok && parsed.fieldErrors).toMatchObject({ minAmount: ["invalidAmount"], quantityLimit: ["invalidNumber"], deliveryMonth: ["invalidMonth"] });
  });
});

describe("reviewDecisionSchema", () => {
  it("requires a comment when changes are requested", () => {
    const parsed = parseForm(reviewDecisionSchema, form({ decision: "request_changes", comment: "" }));
    expect(!parsed.ok && parsed.fieldErrors.comment).toEqual(["required"]);
    expect(parseForm(reviewDecisionSchema, form({ decision: "approve" })).ok).toBe(true);
  });
});

describe("submissionProblems", () => {
  it("requires budget lines that sum to the goal and a start not in the past", () => {
    expect(submissionProblems({ goalWon: 100, budgetTotalWon: 100, budgetLines: 2, startsOn: "2026-12-01", endsOn: "2026-12-31", today: "2026-11-24" })).toEqual([]);
    expect(submissionProblems({ goalWon: 100, budgetTotalWon: 0, budgetLines: 0, startsOn: "2026-12-01", endsOn: "2026-12-31", today: "2026-11-24" })).toEqual(["budgetMissing"]);
    expect(submissionProblems({ goalWon: 100, budgetTotalWon: 90, budgetLines: 1, startsOn: "2026-11-01", endsOn: "2026-12-31", today: "2026-11-24" })).toEqual([
      "budgetMustEqualGoal",
      "startsInPast",
    ]);
  });
});
