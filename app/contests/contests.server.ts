import type { DbOrTx } from "../utils/db.server";

export async function listPublishedContests(db: DbOrTx) {
  const contests = await db
    .selectFrom("contests")
    .innerJoin("host_organisations", "host_organisations.id", "contests.host_id")
    .select(["contests.id", "contests.slug", "contests.kind", "contests.title", "contests.purpose", "contests.select_count", "host_organisations.name as host_name"])
    .where("contests.published", "=", true)
    .orderBy("contests.id", "desc")
    .execute();
  const stages = await listStages(
    db,
    contests.map((c) => c.id),
  );
  return contests.map((c) => ({ ...c, stages: stages.filter((s) => s.contest_id === c.id) }));
}

export async function listStages(db: DbOrTx, contestIds: number[]) {
  if (contestIds.length === 0) return [];
  return db
    .selectFrom("contest_stages")
    .select(["contest_id", "kind", "starts_on", "ends_on", "note"])
    .where("contest_id", "in", contestIds)
    .orderBy("starts_on")
    .execute();
}

export async function getPublishedContest(db: DbOrTx, slug: string) {
  const contest = await db
    .selectFrom("contests")
    .innerJoin("host_organisations", "host_organisations.id", "contests.host_id")
    .select(["contests.id", "contests.slug", "contests.kind", "contests.title", "contests.purpose", "contests.select_count", "host_organisations.name as host_name"])
    .where("contests.slug", "=", slug)
    .where("contests.published", "=", true)
    .executeTakeFirst();
  if (!contest) return null;
  return { ...contest, stages: await listStages(db, [contest.id]) };
}
