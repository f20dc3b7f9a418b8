import type { DbOrTx } from "../utils/db.server";

/** Every published contest, newest first; only one host's with `hostId`. */
export async function listPublishedContests(db: DbOrTx, hostId?: number) {
  const contests = await db
    .selectFrom("contests")
    .innerJoin("host_organisations", "host_organisations.id", "contests.host_id")
    .select(["contests.id", "contests.slug", "contests.kind", "contests.title", "contests.purpose", "contests.select_count", "host_organisations.name as host_name", "host_organisations.key as host_key"])
    .where("contests.published", "=", true)
    .$if(hostId !== undefined, (qb) => qb.where("contests.host_id", "=", hostId ?? 0))
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
    .select(["contests.id", "contests.slug", "contests.kind", "contests.title", "contests.purpose", "contests.select_count", "host_organisations.name as host_name", "host_organisations.key as host_key"])
    .where("contests.slug", "=", slug)
    .where("contests.published", "=", true)
    .executeTakeFirst();
  if (!contest) return null;
  return { ...contest, stages: await listStages(db, [contest.id]) };
}

/** What the public page adds to the timeline: who may apply, when, events, grant rules. */
export async function getPublicContestDetails(db: DbOrTx, contestId: number) {
  const [rules, events, grant] = await Promise.all([
    db
      .selectFrom("contests")
      .select(["fields", "eligible_regions", "eligible_types", "age_min", "age_max", "applications_open_on", "applications_close_on", "selected_at", "jury_weight_pct", "peer_weight_pct"])
      .where("id", "=", contestId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("contest_events")
      .select(["id", "kind", "title", "starts_at", "location", "seats", "seats_taken"])
      .where("contest_id", "=", contestId)
      .orderBy("starts_at")
      .execute(),
    db
      .selectFrom("contest_grant_rules")
      .select(["title", "version", "pool_won", "cap_per_awardee_won", "funding_source", "eligible_expenses", "period_from", "period_to"])
      .where("contest_id", "=", contestId)
      .where("is_current", "=", true)
      .executeTakeFirst(),
  ]);
  return { rules, events, grant: grant ?? null };
}

export async function listUserEventRegistrations(db: DbOrTx, userId: number, eventIds: number[]): Promise<number[]> {
  if (eventIds.length === 0) return [];
  const rows = await db.selectFrom("contest_event_registrations").select("event_id").where("user_id", "=", userId).where("event_id", "in", eventIds).execute();
  return rows.map((r) => r.event_id);
}

export async function listApplicationsOfEnterprises(db: DbOrTx, contestId: number, enterpriseIds: number[]) {
  if (enterpriseIds.length === 0) return [];
  return db
    .selectFrom("contest_applications")
    .select(["id", "enterprise_id", "status"])
    .where("contest_id", "=", contestId)
    .where("enterprise_id", "in", enterpriseIds)
    .execute();
}
