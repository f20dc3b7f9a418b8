import { getSpending } from "../disbursements/disbursements.server";
import { toCsv } from "../utils/csv";
import type { DbOrTx } from "../utils/db.server";
import { getPublicCampaign } from "./campaign-page.server";

/** The public, machine-readable view of a campaign (GET /api/v1/campaigns/<slug>). */
export async function campaignOpenData(db: DbOrTx, slug: string) {
  const campaign = await getPublicCampaign(db, slug);
  if (!campaign) return null;
  const spending = await getSpending(db, campaign.id, { insider: false });
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
