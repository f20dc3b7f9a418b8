import type { CampaignState, EnterpriseType } from "../../db/types";
import { campaignMoney, pledgeStats } from "./totals.server";
import { likePrefix } from "../utils/like";
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
  coverPublicId: string | null;
  seriesRound: number | null;
}

export type CardSort = "ending" | "newest" | "percent";

export interface CardFilter {
  states?: CampaignState[];
  contestId?: number;
  enterpriseId?: number;
  seriesId?: number;
  enterpriseType?: EnterpriseType;
  area?: string;
  sort?: CardSort;
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
      "campaigns.cover_file_id",
      "campaigns.series_round",
    ])
    .limit(filter.limit ?? 24);
  query = filter.sort === "newest" ? query.orderBy("campaigns.starts_on", "desc") : filter.sort === "ending" ? query.orderBy("campaigns.ends_on", "asc") : query.orderBy("campaigns.ends_on", "desc");
  query = query.orderBy("campaigns.id", "desc");
  if (filter.seriesId !== undefined) query = query.where("campaigns.series_id", "=", filter.seriesId);
  if (filter.enterpriseType) query = query.where("enterprises.type", "=", filter.enterpriseType);
  if (filter.area) query = query.where("enterprises.district", "like", likePrefix(filter.area));
  if (filter.states && filter.states.length > 0) query = query.where("campaigns.state", "in", filter.states);
  if (filter.contestId !== undefined) query = query.where("campaigns.contest_id", "=", filter.contestId);
  if (filter.enterpriseId !== undefined) query = query.where("campaigns.enterprise_id", "=", filter.enterpriseId);
  const rows = await query.execute();
  const ids = rows.map((r) => r.id);
  const [money, stats, covers] = await Promise.all([campaignMoney(db, ids), pledgeStats(db, ids), coverIds(db, rows)]);
  const cards = rows.map((r) => ({
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
    coverPublicId: r.cover_file_id === null ? null : (covers.get(r.cover_file_id) ?? null),
    seriesRound: r.series_round,
  }));
  if (filter.sort === "percent") cards.sort((a, b) => (b.raisedWon + b.pledgedWon) / b.goalWon - (a.raisedWon + a.pledgedWon) / a.goalWon);
  return cards;
}

async function coverIds(db: DbOrTx, rows: { cover_file_id: number | null }[]): Promise<Map<number, string>> {
  const ids = rows.map((r) => r.cover_file_id).filter((id): id is number => id !== null);
  if (ids.length === 0) return new Map();
  const files = await db.selectFrom("stored_files").select(["id", "public_id"]).where("id", "in", ids).execute();
  return new Map(files.map((f) => [f.id, f.public_id]));
}
