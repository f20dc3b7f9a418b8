import { jsonArrayFrom } from "kysely/helpers/postgres";
import { publicBackerName } from "../pledges/backer-names";
import { BACKING_STATES } from "../pledges/pledge";
import type { DbOrTx } from "../utils/db.server";
import { preparedQuery } from "../utils/prepared-query.server";
import { PUBLIC_STATES } from "./campaign-state";
import { campaignMoney, pledgeStats } from "./totals.server";

// The public campaign page's own queries are prepared: a profile of first renderings put their
// building at about 7 % of the web process's busy time (decision 88).
const publicCampaignQuery = preparedQuery((db, values: { slug: string }) =>
  db
    .selectFrom("campaigns")
    .innerJoin("enterprises", "enterprises.id", "campaigns.enterprise_id")
    .leftJoin("contests", "contests.id", "campaigns.contest_id")
    .leftJoin("campaign_series", "campaign_series.id", "campaigns.series_id")
    .leftJoin("stored_files", "stored_files.id", "campaigns.cover_file_id")
    .select((eb) => [
      "campaigns.id",
      "campaigns.slug",
      "campaigns.title",
      "campaigns.summary",
      "campaigns.story_md",
      "campaigns.state",
      "campaigns.goal_won",
      "campaigns.funding_model",
      "campaigns.starts_on",
      "campaigns.ends_on",
      "campaigns.series_round",
      "campaigns.settlement",
      "enterprises.id as enterprise_id",
      "enterprises.name as enterprise_name",
      "enterprises.type as enterprise_type",
      "enterprises.district",
      "contests.slug as contest_slug",
      "contests.title as contest_title",
      "campaign_series.slug as series_slug",
      "campaign_series.cause as series_cause",
      "stored_files.public_id as cover_public_id",
      jsonArrayFrom(eb.selectFrom("budget_lines").select(["id", "name", "amount_won", "required"]).whereRef("budget_lines.campaign_id", "=", "campaigns.id").orderBy("position")).as("budget_lines"),
      jsonArrayFrom(
        eb
          .selectFrom("rewards")
          .select(["id", "title", "description", "min_amount_won", "quantity_limit", "claimed_count", "delivery_month"])
          .whereRef("rewards.campaign_id", "=", "campaigns.id")
          .orderBy("min_amount_won"),
      ).as("rewards"),
      jsonArrayFrom(
        eb
          .selectFrom("campaign_updates")
          .select(["id", "title", "body_md", "created_at"])
          .whereRef("campaign_updates.campaign_id", "=", "campaigns.id")
          .orderBy("id", "desc")
          .limit(20),
      ).as("updates"),
    ])
    .where("campaigns.slug", "=", values.slug)
    .where("campaigns.state", "in", [...PUBLIC_STATES]),
);

const latestBackersQuery = preparedQuery((db, values: { campaignId: number }) =>
  db
    .selectFrom("pledges")
    .innerJoin("users", "users.id", "pledges.backer_id")
    .select(["pledges.id", "pledges.anonymous", "pledges.show_full_name", "pledges.backer_kind", "pledges.company_name", "pledges.message", "pledges.created_at", "users.display_name"])
    .where("pledges.campaign_id", "=", values.campaignId)
    .where("pledges.state", "in", [...BACKING_STATES])
    .orderBy("pledges.id", "desc")
    .limit(50),
);

const offlineDonationsQuery = preparedQuery((db, values: { campaignId: number }) =>
  db.selectFrom("offline_donations").select(["id", "source", "amount_won", "received_on"]).where("campaign_id", "=", values.campaignId).orderBy("received_on"),
);

/** Everything the public campaign page shows; null when the campaign is not public. */
export async function getPublicCampaign(db: DbOrTx, slug: string) {
  const [campaign] = await publicCampaignQuery(db, { slug });
  if (!campaign) return null;

  const [money, stats, backers, offline] = await Promise.all([
    campaignMoney(db, [campaign.id]),
    pledgeStats(db, [campaign.id]),
    latestBackersQuery(db, { campaignId: campaign.id }),
    offlineDonationsQuery(db, { campaignId: campaign.id }),
  ]);
  return {
    ...campaign,
    money: money.get(campaign.id),
    stats: stats.get(campaign.id),
    // Public: a person's masked name (in full if they chose), a company's name, or nothing for the anonymous; never an e-mail or amount.
    backers: backers.map((b) => ({
      id: b.id,
      name: publicBackerName({
        nameDisplay: b.anonymous ? "anonymous" : b.show_full_name ? "full" : "masked",
        backerKind: b.backer_kind,
        companyName: b.company_name,
        displayName: b.display_name,
      }),
      company: b.backer_kind === "company",
      message: b.message,
      createdAt: b.created_at,
    })),
    offline,
  };
}

export type PublicCampaign = NonNullable<Awaited<ReturnType<typeof getPublicCampaign>>>;
