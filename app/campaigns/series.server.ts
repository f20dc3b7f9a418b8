import type { DbOrTx } from "../utils/db.server";

/** A series of campaigns for one cause, with the enterprise running it. */
export async function getSeriesBySlug(db: DbOrTx, slug: string) {
  return db
    .selectFrom("campaign_series")
    .innerJoin("enterprises", "enterprises.id", "campaign_series.enterprise_id")
    .select(["campaign_series.id", "campaign_series.cause", "campaign_series.description", "enterprises.id as enterprise_id", "enterprises.name as enterprise_name"])
    .where("campaign_series.slug", "=", slug)
    .executeTakeFirst();
}
