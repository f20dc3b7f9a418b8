import { sql } from "kysely";
import { PUBLIC_CAMPAIGN_STATES } from "../campaigns/campaign-cards.server";
import { campaignMoney, distinctBackers, pledgeStats } from "../campaigns/totals.server";
import { campaignMatching } from "../matching/matching.server";
import type { DbOrTx } from "../utils/db.server";
import { summariseRound, type RoundCampaignFigures, type RoundSummary } from "./results";

/** A round's results: every figure from the ledger and the pledges, none typed in. */
export async function getRoundResults(db: DbOrTx, contestId: number): Promise<RoundSummary> {
  const rows = await db
    .selectFrom("campaigns")
    .innerJoin("enterprises", "enterprises.id", "campaigns.enterprise_id")
    .leftJoin("campaign_reports", "campaign_reports.campaign_id", "campaigns.id")
    .select([
      "campaigns.id",
      "campaigns.slug",
      "campaigns.title",
      "campaigns.state",
      "campaigns.goal_won",
      "enterprises.name as enterprise_name",
      "enterprises.type as enterprise_type",
      sql<boolean>`campaign_reports.campaign_id IS NOT NULL`.as("has_report"),
    ])
    .where("campaigns.contest_id", "=", contestId)
    .where("campaigns.state", "in", PUBLIC_CAMPAIGN_STATES)
    .execute();
  const ids = rows.map((r) => r.id);
  const [money, stats, distinct, matched, paid] = await Promise.all([
    campaignMoney(db, ids),
    pledgeStats(db, ids),
    distinctBackers(db, ids),
    campaignMatching(db, ids),
    ids.length === 0
      ? Promise.resolve([])
      : db
          .selectFrom("disbursements")
          .select(["campaign_id", "kind", sql<number>`sum(amount_won)::bigint`.as("total")])
          .where("campaign_id", "in", ids)
          .where("state", "=", "paid")
          .groupBy(["campaign_id", "kind"])
          .execute(),
  ]);
  const paidOf = (campaignId: number, kind: "delivery" | "expense") => Number(paid.find((p) => p.campaign_id === campaignId && p.kind === kind)?.total ?? 0);
  const campaigns: RoundCampaignFigures[] = rows.map((r) => {
    const m = money.get(r.id);
    const s = stats.get(r.id);
    return {
      id: r.id,
      slug: r.slug,
      title: r.title,
      enterpriseName: r.enterprise_name,
      enterpriseType: r.enterprise_type,
      state: r.state,
      goalWon: r.goal_won,
      onlineWon: m?.onlineWon ?? 0,
      offlineWon: m?.offlineWon ?? 0,
      refundedWon: m?.refundedWon ?? 0,
      raisedWon: m?.raisedWon ?? 0,
      // Live matches: committed while a campaign runs, released into its escrow once it succeeded.
      matchedWon: matched.get(r.id)?.matchedWon ?? 0,
      individuals: s?.individuals ?? 0,
      companies: s?.companies ?? 0,
      deliveredWon: paidOf(r.id, "delivery"),
      spentWon: paidOf(r.id, "expense"),
      hasReport: r.has_report,
    };
  });
  return summariseRound(campaigns, distinct);
}
