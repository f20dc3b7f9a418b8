import type { CampaignState } from "../../db/types";
import { campaignMoney, pledgeStats } from "./totals.server";
import type { DbOrTx } from "../utils/db.server";

export interface CampaignCard {
  id: number;
  slug: string;
  title: string;
  summary: string;
  state: CampaignState;
  goalWon: number;
  raisedWon: number;
  pledgedWon: number;
  fundingModel: "all_or_nothing" | "keep_it_all";
  startsOn: string;
  endsOn: string;
  enterpriseName: string;
  enterpriseType: string;
  district: string;
  contestTitle: string | null;
}

export interface CardFilter {
  states?: CampaignState[];
  contestId?: number;
  enterpriseId?: number;
  limit?: number;
}

/** States a campaign is shown publicly in. */
export const PUBLIC_CAMPAIGN_STATES: CampaignState[] = ["live", "succeeded", "failed", "approved"];

/** Campaign summaries with the amount raised read from the ledger (online + offline sources). */
export async function listCampaignCards(db: DbOrTx, filter: CardFilter = {}): Promise<CampaignCard[]> {
  let query = db
    .selectFrom("campaigns")
    .innerJoin("enterprises", "enterprises.id", "campaigns.enterprise_id")
    .leftJoin("contests", "contests.id", "campaigns.contest_id")
    .select([
      "campaigns.id",
      "campaigns.slug",
      "campaigns.title",
      "campaigns.summary",
      "campaigns.state",
      "campaigns.goal_won",
      "campaigns.funding_model",
      "campaigns.starts_on",
      "campaigns.ends_on",
      "enterprises.name as enterprise_name",
      "enterprises.type as enterprise_type",
      "enterprises.district",
      "contests.title as contest_title",
    ])
    .orderBy("campaigns.ends_on", "desc")
    .orderBy("campaigns.id", "desc")
    .limit(filter.limit ?? 24);
  if (filter.states && filter.states.length > 0) query = query.where("campaigns.state", "in", filter.states);
  if (filter.contestId !== undefined) query = query.where("campaigns.contest_id", "=", filter.contestId);
  if (filter.enterpriseId !== undefined) query = query.where("campaigns.enterprise_id", "=", filter.enterpriseId);
  const rows = await query.execute();
  const ids = rows.map((r) => r.id);
  const [money, stats] = await Promise.all([campaignMoney(db, ids), pledgeStats(db, ids)]);
  return rows.map((r) => ({
    id: r.id,
    slug: r.slug,
    title: r.title,
    summary: r.summary,
    state: r.state,
    goalWon: r.goal_won,
    raisedWon: money.get(r.id)?.raisedWon ?? 0,
    pledgedWon: stats.get(r.id)?.pledgedWon ?? 0,
    fundingModel: r.funding_model,
    startsOn: r.starts_on,
    endsOn: r.ends_on,
    enterpriseName: r.enterprise_name,
    enterpriseType: r.enterprise_type,
    district: r.district,
    contestTitle: r.contest_title,
  }));
}
