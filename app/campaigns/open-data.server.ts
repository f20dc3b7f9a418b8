import { getSpending } from "../disbursements/disbursements.server";
import { campaignMatching } from "../matching/matching.server";
import { toCsv } from "../utils/csv";
import type { DbOrTx } from "../utils/db.server";
import { getPublicCampaign } from "./campaign-page.server";

/** The public, machine-readable view of a campaign (GET /api/v1/campaigns/<slug>). */
export async function campaignOpenData(db: DbOrTx, slug: string) {
  const campaign = await getPublicCampaign(db, slug);
  if (!campaign) return null;
  const [spending, matched] = await Promise.all([getSpending(db, campaign.id, { insider: false }), campaignMatching(db, [campaign.id])]);
  const matching = matched.get(campaign.id) ?? { matchedWon: 0, committedWon: 0, releasedWon: 0 };
  const money = campaign.money ?? { onlineWon: 0, offlineWon: 0, refundedWon: 0, feesWon: 0, escrowWon: 0, raisedWon: 0 };
  const stats = campaign.stats ?? { pledgedWon: 0, individuals: 0, companies: 0 };
  return {
    slug: campaign.slug,
    title: campaign.title,
    state: campaign.state,
    fundingModel: campaign.funding_model,
    startsOn: campaign.starts_on,
    endsOn: campaign.ends_on,
    enterprise: { name: campaign.enterprise_name, type: campaign.enterprise_type, district: campaign.district },
    contest: campaign.contest_slug,
    series: campaign.series_slug ? { slug: campaign.series_slug, round: campaign.series_round } : null,
    goalWon: campaign.goal_won,
    raisedWon: money.raisedWon,
    raised: { onlineWon: money.onlineWon, offlineWon: money.offlineWon, refundedWon: money.refundedWon },
    pledgedUnchargedWon: stats.pledgedWon,
    /** Matching funds drawn by the campaign's pledges: committed (awaiting the outcome) + released (into escrow). */
    matchedWon: matching.matchedWon,
    matching: { committedWon: matching.committedWon, releasedWon: matching.releasedWon },
    feesWon: money.feesWon,
    escrowWon: money.escrowWon,
    backers: { individuals: stats.individuals, companies: stats.companies },
    budgetLines: spending.plan.rows.map((row) => ({
      id: row.id,
      name: row.name,
      plannedWon: row.amountWon,
      disbursedWon: row.spentWon,
      varianceWon: row.varianceWon,
      explanation: row.explanation,
    })),
    disbursements: spending.disbursements.map((d) => ({
      id: d.id,
      kind: d.kind,
      budgetLine: d.line_name,
      payee: d.payee,
      description: d.description,
      amountWon: d.amount_won,
      paidAt: d.paid_at,
      ledgerSeq: d.ledger_seq,
    })),
  };
}

export type CampaignOpenData = NonNullable<Awaited<ReturnType<typeof campaignOpenData>>>;

/** Budget lines with what was disbursed, as the CSV download of the spending page. */
export function budgetCsv(data: CampaignOpenData): string {
  return toCsv(
    ["budget_line", "planned_won", "disbursed_won", "variance_won", "explanation"],
    data.budgetLines.map((line) => [line.name, line.plannedWon, line.disbursedWon, line.varianceWon, line.explanation]),
  );
}

const SUMMARY_COLUMNS = [
  "slug",
  "title",
  "state",
  "funding_model",
  "starts_on",
  "ends_on",
  "contest",
  "goal_won",
  "raised_won",
  "raised_online_won",
  "raised_offline_won",
  "refunded_won",
  "pledged_uncharged_won",
  "matched_won",
  "matched_committed_won",
  "matched_released_won",
  "fees_won",
  "escrow_won",
  "backers_individuals",
  "backers_companies",
] as const;

/** The campaign's totals in one row (the CSV beside the budget's). */
export function summaryCsv(data: CampaignOpenData): string {
  const { raised, matching, backers } = data;
  return toCsv(SUMMARY_COLUMNS, [
    [
      data.slug,
      data.title,
      data.state,
      data.fundingModel,
      data.startsOn,
      data.endsOn,
      data.contest ?? "",
      data.goalWon,
      data.raisedWon,
      raised.onlineWon,
      raised.offlineWon,
      raised.refundedWon,
      data.pledgedUnchargedWon,
      data.matchedWon,
      matching.committedWon,
      matching.releasedWon,
      data.feesWon,
      data.escrowWon,
      backers.individuals,
      backers.companies,
    ],
  ]);
}
