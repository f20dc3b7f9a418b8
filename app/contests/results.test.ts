import { describe, expect, it } from "vitest";
import { ROUND_CSV_HEADER, roundCsvRows, summariseRound, type RoundCampaignFigures } from "./results";

function campaign(id: number, overrides: Partial<RoundCampaignFigures>): RoundCampaignFigures {
  return {
    id,
    slug: `c-${id}`,
    title: `캠페인 ${id}`,
    enterpriseName: "기업",
    enterpriseType: "cooperative",
    state: "succeeded",
    goalWon: 1_000_000,
    onlineWon: 0,
    offlineWon: 0,
    refundedWon: 0,
    raisedWon: 0,
    matchedWon: 0,
    individuals: 0,
    companies: 0,
    deliveredWon: 0,
    spentWon: 0,
    hasReport: false,
    ...overrides,
  };
}

describe("summariseRound", () => {
  const round = [
    campaign(1, { onlineWon: 1_200_000, raisedWon: 1_200_000, individuals: 30, companies: 1, spentWon: 500_000, hasReport: true }),
    campaign(2, { state: "failed", goalWon: 2_000_000 }),
    campaign(3, { onlineWon: 900_000, offlineWon: 400_000, refundedWon: 50_000, raisedWon: 1_250_000, matchedWon: 300_000, deliveredWon: 1_000_000 }),
    campaign(4, { state: "live", onlineWon: 100_000, raisedWon: 100_000 }),
  ];
  const summary = summariseRound(round, { individuals: 40, companies: 2 });

  it("adds the money up from each campaign, online net of refunds and offline apart", () => {
    expect(summary.totals).toMatchObject({
      campaigns: 4,
      succeeded: 2,
      failed: 1,
      running: 1,
      onlineWon: 2_150_000,
      offlineWon: 400_000,
      raisedWon: 2_550_000,
      matchedWon: 300_000,
      deliveredWon: 1_000_000,
      spentWon: 500_000,
      reports: 1,
    });
    expect(summary.totals.onlineWon + summary.totals.offlineWon).toBe(summary.totals.raisedWon);
  });

  it("counts people once across the round, as given, not per campaign", () => {
    expect(summary.totals).toMatchObject({ individuals: 40, companies: 2, people: 42 });
  });

  it("rates success over ended campaigns only, and has no rate before any ends", () => {
    expect(summary.totals.successRatePct).toBe(67);
    expect(summariseRound([campaign(1, { state: "live" })], { individuals: 0, companies: 0 }).totals.successRatePct).toBeNull();
  });

  it("lists succeeded campaigns first, then by money raised", () => {
    expect(summary.campaigns.map((c) => c.id)).toEqual([3, 1, 4, 2]);
  });

  it("writes one CSV row per campaign in the header's order", () => {
    const rows = roundCsvRows(summary);
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(row).toHaveLength(ROUND_CSV_HEADER.length);
    expect(rows[0]?.[ROUND_CSV_HEADER.indexOf("percent_of_goal")]).toBe(125);
    expect(rows[0]?.[ROUND_CSV_HEADER.indexOf("results_report")]).toBe("no");
  });
});
