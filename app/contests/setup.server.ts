import { sql } from "kysely";
import { AppError } from "../utils/app-error";
import type { Database, DbOrTx } from "../utils/db.server";
import { isCheckViolation, isUniqueViolation, pgErrorCode } from "../utils/pg-errors";
import { EDITABLE_STAGES, type ContestSettingsInput, type EventInput, type NewContestInput, type StageInput } from "./contests";

// Contest set-up by an operator of the host: settings, criteria, stages, events, publishing.

export async function listContestsForHosts(db: DbOrTx, hostIds: number[]) {
  if (hostIds.length === 0) return [];
  return db
    .selectFrom("contests")
    .innerJoin("host_organisations", "host_organisations.id", "contests.host_id")
    .select([
      "contests.id",
      "contests.slug",
      "contests.title",
      "contests.kind",
      "contests.published",
      "contests.applications_close_on",
      "contests.selected_at",
      "host_organisations.name as host_name",
      (eb) =>
        eb
          .selectFrom("contest_applications")
          .select(eb.fn.countAll<number>().as("n"))
          .whereRef("contest_applications.contest_id", "=", "contests.id")
          .where("contest_applications.status", "=", "submitted")
          .as("submitted_count"),
    ])
    .where("contests.host_id", "in", hostIds)
    .orderBy("contests.id", "desc")
    .execute();
}

function settingsColumns(input: ContestSettingsInput) {
  return {
    title: input.title,
    kind: input.kind,
    purpose: input.purpose,
    fields: input.fields,
    eligible_regions: input.eligibleRegions,
    eligible_types: input.eligibleTypes,
    age_min: input.ageMin,
    age_max: input.ageMax,
    applications_open_on: input.applicationsOpenOn,
    applications_close_on: input.applicationsCloseOn,
    select_count: input.selectCount,
    jury_weight_pct: input.juryWeightPct,
    peer_weight_pct: input.peerWeightPct,
  };
}

/** The application window is also the "application" stage of the public timeline. */
async function syncApplicationStage(db: DbOrTx, contestId: number, input: ContestSettingsInput) {
  await db
    .insertInto("contest_stages")
    .values({ contest_id: contestId, kind: "application", starts_on: input.applicationsOpenOn, ends_on: input.applicationsCloseOn, note: "" })
    .onConflict((oc) => oc.columns(["contest_id", "kind"]).doUpdateSet({ starts_on: input.applicationsOpenOn, ends_on: input.applicationsCloseOn }))
    .execute();
}

export async function createContest(db: Database, userId: number, input: NewContestInput, now: Date): Promise<number> {
  try {
    return await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto("contests")
        .values({ ...settingsColumns(input), slug: input.slug, host_id: input.hostId, created_by: userId, created_at: now, updated_at: now })
        .returning("id")
        .executeTakeFirstOrThrow();
      await syncApplicationStage(trx, row.id, input);
      return row.id;
    });
  } catch (error) {
    if (isUniqueViolation(error, "contests_slug_key")) throw new AppError("slugTaken", 409, "slug");
    throw error;
  }
}

export async function updateContestSettings(db: Database, contestId: number, input: ContestSettingsInput, now: Date): Promise<void> {
  try {
    await db.transaction().execute(async (trx) => {
      await trx.updateTable("contests").set({ ...settingsColumns(input), updated_at: now }).where("id", "=", contestId).execute();
      await syncApplicationStage(trx, contestId, input);
    });
  } catch (error) {
    if (isCheckViolation(error, "contests_selection_final")) throw new AppError("alreadySelected", 409);
    if (isCheckViolation(error, "contests_kind_fixed")) throw new AppError("kindFixed", 409, "kind");
    throw error;
  }
}

export async function getContestForStaff(db: DbOrTx, contestId: number) {
  const contest = await db
    .selectFrom("contests")
    .innerJoin("host_organisations", "host_organisations.id", "contests.host_id")
    .selectAll("contests")
    .select("host_organisations.name as host_name")
    .where("contests.id", "=", contestId)
    .executeTakeFirst();
  if (!contest) return null;
  const [criteria, stages, events, steps] = await Promise.all([
    listCriteria(db, contestId),
    db.selectFrom("contest_stages").select(["kind", "starts_on", "ends_on", "note"]).where("contest_id", "=", contestId).orderBy("starts_on").execute(),
    listEvents(db, contestId),
    listScreeningSteps(db, contestId),
  ]);
  return { ...contest, criteria, stages, events, steps };
}

export type StaffContest = NonNullable<Awaited<ReturnType<typeof getContestForStaff>>>;

export function listCriteria(db: DbOrTx, contestId: number) {
  return db.selectFrom("contest_criteria").select(["id", "position", "label", "weight_pct"]).where("contest_id", "=", contestId).orderBy("position").execute();
}

export function listScreeningSteps(db: DbOrTx, contestId: number) {
  return db
    .selectFrom("contest_screening_steps")
    .select(["id", "position", "kind", "title", "window_from", "window_to"])
    .where("contest_id", "=", contestId)
    .orderBy("position")
    .execute();
}

export function listEvents(db: DbOrTx, contestId: number) {
  return db
    .selectFrom("contest_events")
    .select(["id", "kind", "title", "starts_at", "location", "seats", "seats_taken"])
    .where("contest_id", "=", contestId)
    .orderBy("starts_at")
    .execute();
}

/** Replaces the criteria; refused once scoring has started (the database freezes them). */
export async function replaceCriteria(db: Database, contestId: number, rows: { label: string; weightPct: number }[]): Promise<void> {
  try {
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom("contest_criteria").where("contest_id", "=", contestId).execute();
      await trx
        .insertInto("contest_criteria")
        .values(rows.map((r, i) => ({ contest_id: contestId, position: i + 1, label: r.label, weight_pct: r.weightPct })))
        .execute();
    });
  } catch (error) {
    // A criterion that scores point at cannot go either (the trigger says so first; the key is the backstop).
    if (isCheckViolation(error, "contest_criteria_frozen") || pgErrorCode(error) === "23503") throw new AppError("criteriaFrozen", 409);
    throw error;
  }
}

/** Sets the dated stages shown on the public timeline (the application stage follows the window). */
export async function saveStages(db: Database, contestId: number, stages: StageInput[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("contest_stages").where("contest_id", "=", contestId).where("kind", "in", [...EDITABLE_STAGES]).execute();
    if (stages.length > 0) {
      await trx
        .insertInto("contest_stages")
        .values(stages.map((s) => ({ contest_id: contestId, kind: s.kind, starts_on: s.startsOn, ends_on: s.endsOn, note: s.note })))
        .execute();
    }
  });
}

export async function publishContest(db: Database, contestId: number, now: Date): Promise<void> {
  try {
    await db.updateTable("contests").set({ published: true, updated_at: now }).where("id", "=", contestId).execute();
  } catch (error) {
    if (isCheckViolation(error, "contests_published_complete") || isCheckViolation(error, "contests_criteria_sum")) throw new AppError("publishIncomplete", 422);
    throw error;
  }
}

export async function createEvent(db: DbOrTx, contestId: number, input: EventInput): Promise<number> {
  const row = await db
    .insertInto("contest_events")
    .values({ contest_id: contestId, kind: input.kind, title: input.title, starts_at: input.startsAt, location: input.location, seats: input.seats })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function listRegistrations(db: DbOrTx, contestId: number) {
  return db
    .selectFrom("contest_event_registrations")
    .innerJoin("contest_events", "contest_events.id", "contest_event_registrations.event_id")
    .innerJoin("users", "users.id", "contest_event_registrations.user_id")
    .select(["contest_events.id as event_id", "users.display_name", "users.email", "contest_event_registrations.registered_at"])
    .where("contest_events.contest_id", "=", contestId)
    .orderBy("contest_event_registrations.registered_at")
    .execute();
}

/**
 * Takes a seat. The database refuses a full event (seats_taken ≤ seats, kept under the event's
 * row lock) and a registration on or after the event's day, so concurrent requests never over-book.
 */
export async function registerForEvent(db: DbOrTx, eventId: number, userId: number, now: Date): Promise<void> {
  try {
    await db.insertInto("contest_event_registrations").values({ event_id: eventId, user_id: userId, registered_at: now }).execute();
  } catch (error) {
    if (isCheckViolation(error, "contest_events_not_overbooked")) throw new AppError("eventFull", 409);
    if (isCheckViolation(error, "contest_event_registrations_deadline")) throw new AppError("registrationClosed", 409);
    if (isUniqueViolation(error)) throw new AppError("alreadyRegistered", 409);
    throw error;
  }
}

export async function cancelRegistration(db: DbOrTx, eventId: number, userId: number): Promise<void> {
  await db.deleteFrom("contest_event_registrations").where("event_id", "=", eventId).where("user_id", "=", userId).execute();
}

export async function findEvent(db: DbOrTx, eventId: number) {
  return db.selectFrom("contest_events").select(["id", "contest_id", "starts_at"]).where("id", "=", eventId).executeTakeFirst();
}

/** Jurors of the host who could sit on this contest's jury, and who does. */
export async function listJuryCandidates(db: DbOrTx, contestId: number, hostId: number) {
  return db
    .selectFrom("staff_roles")
    .innerJoin("users", "users.id", "staff_roles.user_id")
    .leftJoin("contest_jurors", (join) => join.onRef("contest_jurors.user_id", "=", "users.id").on("contest_jurors.contest_id", "=", contestId))
    .select(["users.id", "users.display_name", "users.email", sql<boolean>`contest_jurors.user_id IS NOT NULL`.as("assigned")])
    .where("staff_roles.host_id", "=", hostId)
    .where("staff_roles.role", "=", "juror")
    .orderBy("users.display_name")
    .execute();
}

export async function assignJuror(db: DbOrTx, contestId: number, userId: number, assignedBy: number, now: Date): Promise<void> {
  try {
    await db
      .insertInto("contest_jurors")
      .values({ contest_id: contestId, user_id: userId, assigned_by: assignedBy, assigned_at: now })
      .onConflict((oc) => oc.columns(["contest_id", "user_id"]).doNothing())
      .execute();
  } catch (error) {
    if (isCheckViolation(error, "contest_jurors_role") || pgErrorCode(error) === "23503") throw new AppError("notAJuror", 422);
    throw error;
  }
}
