import type { CampaignState, EnterpriseType } from "../../db/types";
import { percentOf } from "../utils/money";

// A contest round's results, as the seeds publish them after the results meeting: how many
// organisations succeeded, how many people backed them (individuals and companies), the money
// raised online and offline, what was matched, and what was delivered and spent.

export interface RoundCampaignFigures {
  id: number;
  slug: string;
  title: string;
  enterpriseName: string;
  enterpriseType: EnterpriseType;
  state: CampaignState;
  goalWon: number;
  onlineWon: number;
  offlineWon: number;
  refundedWon: number;
  /** online + offline − refunded, from the ledger. */
  raisedWon: number;
  matchedWon: number;
  individuals: number;
  companies: number;
  /** Paid out to third-party beneficiaries (kind `delivery`). */
  deliveredWon: number;
  /** Paid out against budget lines (kind `expense`). */
  spentWon: number;
  hasReport: boolean;
}

export interface RoundTotals {
  campaigns: number;
  succeeded: number;
  failed: number;
  running: number;
  onlineWon: number;
  offlineWon: number;
  raisedWon: number;
  matchedWon: number;
  deliveredWon: number;
  spentWon: number;
  /** Distinct people across the round: one person backing two projects counts once. */
  individuals: number;
  companies: number;
  people: number;
  /** Of the projects that have ended. */
  successRatePct: number | null;
  reports: number;
}

export interface RoundSummary {
  totals: RoundTotals;
  campaigns: RoundCampaignFigures[];
}

const RUNNING: readonly CampaignState[] = ["approved", "live"];

/** Campaigns ordered as the results meeting reads them: succeeded first, then by money raised. */
export function summariseRound(campaigns: readonly RoundCampaignFigures[], distinct: { individuals: number; companies: number }): RoundSummary {
  const sum = (pick: (c: RoundCampaignFigures) => number) => campaigns.reduce((total, c) => total + pick(c), 0);
  const succeeded = campaigns.filter((c) => c.state === "succeeded").length;
  const failed = campaigns.filter((c) => c.state === "failed").length;
  const ended = succeeded + failed;
  const ordered = [...campaigns].sort((a, b) => Number(b.state === "succeeded") - Number(a.state === "succeeded") || b.raisedWon - a.raisedWon || a.id - b.id);
  return {
    campaigns: ordered,
    totals: {
      campaigns: campaigns.length,
      succeeded,
      failed,
      running: campaigns.filter((c) => RUNNING.includes(c.state)).length,
      onlineWon: sum((c) => c.onlineWon - c.refundedWon),
      offlineWon: sum((c) => c.offlineWon),
      raisedWon: sum((c) => c.raisedWon),
      matchedWon: sum((c) => c.matchedWon),
      deliveredWon: sum((c) => c.deliveredWon),
      spentWon: sum((c) => c.spentWon),
      individuals: distinct.individuals,
      companies: distinct.companies,
      people: distinct.individuals + distinct.companies,
      successRatePct: ended === 0 ? null : Math.round((succeeded * 100) / ended),
      reports: campaigns.filter((c) => c.hasReport).length,
    },
  };
}

export const ROUND_CSV_HEADER = [
  "slug",
  "title",
  "enterprise",
  "enterprise_type",
  "state",
  "goal_won",
  "online_won",
  "offline_won",
  "refunded_won",
  "raised_won",
  "matched_won",
  "percent_of_goal",
  "individual_backers",
  "company_backers",
  "delivered_won",
  "spent_won",
  "results_report",
] as const;

export function roundCsvRows(summary: RoundSummary): (string | number)[][] {
  return summary.campaigns.map((c) => [
    c.slug,
    c.title,
    c.enterpriseName,
    c.enterpriseType,
    c.state,
    c.goalWon,
    c.onlineWon,
    c.offlineWon,
    c.refundedWon,
    c.raisedWon,
    c.matchedWon,
    percentOf(c.raisedWon, c.goalWon),
    c.individuals,
    c.companies,
    c.deliveredWon,
    c.spentWon,
    c.hasReport ? "yes" : "no",
  ]);
}
