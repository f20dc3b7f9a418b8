import { sql } from "kysely";
import { AppError } from "../utils/app-error";
import type { Database, DbOrTx, Tx } from "../utils/db.server";
import { isUniqueViolation } from "../utils/pg-errors";
import { windowState } from "./applications.server";
import type { CourseInput } from "./contests";
import { takesPeople } from "./screening";

// Training programmes (decision 66): the centre registers the people who apply through it as
// numbered intake entries for one certificate course each. The platform never holds who they
// are; the screening decisions hang off the entries, and the public sees counts only.

const MAX_COURSES = 30;

/** The contest's row, locked, when it is a training programme still taking changes. */
async function lockTrainingProgramme(trx: Tx, contestId: number) {
  const contest = await trx.selectFrom("contests").select(["id", "kind", "selected_at", "applications_open_on", "applications_close_on"]).where("id", "=", contestId).forUpdate().executeTakeFirst();
  if (!contest) throw new AppError("invalidChoice", 404);
  if (!takesPeople(contest.kind)) throw new AppError("notATrainingProgramme", 409);
  if (contest.selected_at) throw new AppError("alreadySelected", 409);
  return contest;
}

export function listCourses(db: DbOrTx, contestId: number) {
  return db.selectFrom("contest_courses").select(["id", "position", "title", "note"]).where("contest_id", "=", contestId).orderBy("position").execute();
}

export async function addCourse(db: Database, contestId: number, input: CourseInput): Promise<number> {
  return db.transaction().execute((trx) => addCourseIn(trx, contestId, input));
}

/** The same inside the caller's transaction (the demo seed). */
export async function addCourseIn(trx: Tx, contestId: number, input: CourseInput): Promise<number> {
  await lockTrainingProgramme(trx, contestId);
  const last = await trx
    .selectFrom("contest_courses")
    .select(sql<number>`coalesce(max(position), 0)::int`.as("p"))
    .where("contest_id", "=", contestId)
    .executeTakeFirstOrThrow();
  const position = Number(last.p) + 1;
  if (position > MAX_COURSES) throw new AppError("tooMany", 422);
  try {
    const row = await trx.insertInto("contest_courses").values({ contest_id: contestId, position, title: input.title, note: input.note }).returning("id").executeTakeFirstOrThrow();
    return row.id;
  } catch (error) {
    if (isUniqueViolation(error, "contest_courses_contest_id_title_key")) throw new AppError("courseExists", 409, "title");
    throw error;
  }
}

export interface IntakeArgs {
  contestId: number;
  courseId: number;
  userId: number;
  now: Date;
}

export async function registerIntake(db: Database, args: IntakeArgs): Promise<{ id: number; intakeNo: number }> {
  return db.transaction().execute((trx) => registerIntakeIn(trx, args));
}

/**
 * Registers one person's application for a course, inside the application window, under the
 * programme's row lock so intake numbers are gapless 1, 2, 3… The entry is submitted at once:
 * the centre registers what it received, and the database keeps it unchanged from then on.
 */
export async function registerIntakeIn(trx: Tx, args: IntakeArgs): Promise<{ id: number; intakeNo: number }> {
  const contest = await lockTrainingProgramme(trx, args.contestId);
  const window = windowState(contest, args.now);
  if (window !== "open") throw new AppError(window === "notOpen" ? "applicationsNotOpen" : "applicationsClosed", 409);
  const course = await trx.selectFrom("contest_courses").select(["id", "title"]).where("id", "=", args.courseId).where("contest_id", "=", contest.id).executeTakeFirst();
  if (!course) throw new AppError("invalidChoice", 422, "courseId");
  const last = await trx
    .selectFrom("contest_applications")
    .select(sql<number>`coalesce(max(intake_no), 0)::int`.as("n"))
    .where("contest_id", "=", contest.id)
    .executeTakeFirstOrThrow();
  const intakeNo = Number(last.n) + 1;
  const row = await trx
    .insertInto("contest_applications")
    .values({
      contest_id: contest.id,
      intake_no: intakeNo,
      course_id: course.id,
      title: course.title,
      status: "submitted",
      eligible: true,
      submitted_at: args.now,
      submitted_by: args.userId,
      created_by: args.userId,
      created_at: args.now,
      updated_at: args.now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { id: row.id, intakeNo };
}

/** Per course: how many applied and how many were selected (what the public sees). */
export async function courseCounts(db: DbOrTx, contestId: number) {
  const rows = await db
    .selectFrom("contest_courses as k")
    .leftJoin("contest_applications as a", (join) => join.onRef("a.course_id", "=", "k.id").on("a.status", "=", "submitted"))
    .select(["k.id", "k.title", "k.note", sql<number>`count(a.id)::int`.as("applicants"), sql<number>`count(a.id) FILTER (WHERE a.outcome = 'selected')::int`.as("selected")])
    .where("k.contest_id", "=", contestId)
    .groupBy(["k.id", "k.title", "k.note", "k.position"])
    .orderBy("k.position")
    .execute();
  return rows.map((r) => ({ ...r, applicants: Number(r.applicants), selected: Number(r.selected) }));
}
