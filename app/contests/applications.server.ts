import type { FileStore } from "../files/file-store.server";
import { sql } from "kysely";
import { storeUpload } from "../files/files.server";
import { AppError } from "../utils/app-error";
import type { Database, DbOrTx, Tx } from "../utils/db.server";
import { isCheckViolation, isUniqueViolation } from "../utils/pg-errors";
import { applicationsCloseAt, applicationsOpenAt, type ApplicationInput, type ScreeningStepInput } from "./contests";
import { checkEligibility, reasonCodes, type EligibilityResult, type IneligibilityReason } from "./eligibility";

// Applications by enterprise members, and screening by the host's operators.

export async function getOpenContest(db: DbOrTx, contestId: number) {
  return db
    .selectFrom("contests")
    .select([
      "id",
      "slug",
      "title",
      "host_id",
      "published",
      "eligible_regions",
      "eligible_types",
      "age_min",
      "age_max",
      "applications_open_on",
      "applications_close_on",
      "selected_at",
      "peer_weight_pct",
    ])
    .where("id", "=", contestId)
    .executeTakeFirst();
}

type ContestRules = NonNullable<Awaited<ReturnType<typeof getOpenContest>>>;

export type WindowState = "notOpen" | "open" | "closed";

export function windowState(contest: Pick<ContestRules, "applications_open_on" | "applications_close_on">, now: Date): WindowState {
  if (!contest.applications_open_on || !contest.applications_close_on) return "closed";
  if (now < applicationsOpenAt(contest.applications_open_on)) return "notOpen";
  return now < applicationsCloseAt(contest.applications_close_on) ? "open" : "closed";
}

export function eligibilityFor(contest: ContestRules, enterprise: { type: ContestRules["eligible_types"][number]; district: string }, input: ApplicationInput): EligibilityResult {
  return checkEligibility(
    { regions: contest.eligible_regions, enterpriseTypes: contest.eligible_types, ageMin: contest.age_min, ageMax: contest.age_max },
    { enterpriseType: enterprise.type, workDistrict: enterprise.district, residenceDistrict: input.residenceDistrict, representativeBirthDate: input.representativeBirthDate },
    contest.applications_close_on ?? "9999-12-31",
  );
}

export interface SaveApplicationArgs {
  contestId: number;
  enterpriseId: number;
  /** null to start a new application. */
  applicationId: number | null;
  userId: number;
  input: ApplicationInput;
  submit: boolean;
  now: Date;
}

/** Thrown when a submission is refused for eligibility: the page lists every reason. */
export class IneligibleError extends AppError {
  constructor(readonly reasons: IneligibilityReason[]) {
    super("notEligible", 422);
  }
}

/**
 * Saves a draft (eligibility checked and kept, so the applicant sees it at once) or submits it.
 * A submission is refused outside the window (by the server clock; the database checks the
 * timestamp again) or while ineligible, and then nothing is written.
 */
export async function saveApplication(db: Database, args: SaveApplicationArgs): Promise<number> {
  try {
    return await db.transaction().execute(async (trx) => {
      const contest = await getOpenContest(trx, args.contestId);
      if (!contest || !contest.published) throw new AppError("notAllowed", 404);
      const enterprise = await trx.selectFrom("enterprises").select(["type", "district", "status"]).where("id", "=", args.enterpriseId).executeTakeFirst();
      if (!enterprise) throw new AppError("invalidChoice", 422, "enterpriseId");
      if (enterprise.status !== "verified") throw new AppError("enterpriseNotVerified", 422, "enterpriseId");
      if (args.applicationId !== null) {
        const existing = await trx
          .selectFrom("contest_applications")
          .select(["status", "contest_id", "enterprise_id"])
          .where("id", "=", args.applicationId)
          .forUpdate()
          .executeTakeFirst();
        if (!existing || existing.contest_id !== args.contestId || existing.enterprise_id !== args.enterpriseId) throw new AppError("notAllowed", 404);
        if (existing.status !== "draft") throw new AppError("applicationSubmitted", 409);
      }
      const window = windowState(contest, args.now);
      if (window === "closed") throw new AppError("applicationsClosed", 409);
      if (args.submit && window === "notOpen") throw new AppError("applicationsNotOpen", 409);
      const eligibility = eligibilityFor(contest, enterprise, args.input);
      if (args.submit && !eligibility.eligible) throw new IneligibleError(eligibility.reasons);
      const columns = {
        title: args.input.title,
        summary: args.input.summary,
        social_value: args.input.socialValue,
        budget_won: args.input.budgetWon,
        residence_district: args.input.residenceDistrict,
        representative_birth_date: args.input.representativeBirthDate,
        eligible: eligibility.eligible,
        ineligibility_reasons: reasonCodes(eligibility),
        updated_at: args.now,
        ...(args.submit ? { status: "submitted" as const, submitted_at: args.now, submitted_by: args.userId } : {}),
      };
      if (args.applicationId === null) {
        const row = await trx
          .insertInto("contest_applications")
          .values({ ...columns, contest_id: args.contestId, enterprise_id: args.enterpriseId, created_by: args.userId, created_at: args.now })
          .returning("id")
          .executeTakeFirstOrThrow();
        return row.id;
      }
      await trx.updateTable("contest_applications").set(columns).where("id", "=", args.applicationId).execute();
      return args.applicationId;
    });
  } catch (error) {
    if (isUniqueViolation(error, "contest_applications_contest_id_enterprise_id_key")) throw new AppError("applicationExists", 409, "enterpriseId");
    if (isCheckViolation(error, "contest_applications_window")) throw new AppError("applicationsClosed", 409);
    if (isCheckViolation(error, "contest_applications_final")) throw new AppError("applicationSubmitted", 409);
    throw error;
  }
}

export async function getApplication(db: DbOrTx, applicationId: number) {
  return db
    .selectFrom("contest_applications as a")
    .innerJoin("enterprises as e", "e.id", "a.enterprise_id")
    .innerJoin("contests as c", "c.id", "a.contest_id")
    .select([
      "a.id",
      "a.contest_id",
      // From the joined enterprise, so never null: an intake entry of a training programme has no page here.
      "e.id as enterprise_id",
      "a.title",
      "a.summary",
      "a.social_value",
      "a.budget_won",
      "a.residence_district",
      "a.representative_birth_date",
      "a.status",
      "a.eligible",
      "a.ineligibility_reasons",
      "a.submitted_at",
      "a.outcome",
      "a.rank",
      "a.final_score",
      "a.jury_score",
      "a.peer_score",
      "e.name as enterprise_name",
      "e.type as enterprise_type",
      "e.district as enterprise_district",
      "c.title as contest_title",
      "c.slug as contest_slug",
      "c.host_id",
      "c.selected_at",
      "c.peer_weight_pct",
      "c.applications_close_on",
    ])
    .where("a.id", "=", applicationId)
    .executeTakeFirst();
}

export type ApplicationDetail = NonNullable<Awaited<ReturnType<typeof getApplication>>>;

export async function listMyApplications(db: DbOrTx, enterpriseIds: number[]) {
  if (enterpriseIds.length === 0) return [];
  return db
    .selectFrom("contest_applications as a")
    .innerJoin("contests as c", "c.id", "a.contest_id")
    .innerJoin("enterprises as e", "e.id", "a.enterprise_id")
    .select(["a.id", "a.title", "a.status", "a.outcome", "a.contest_id", "c.title as contest_title", "e.name as enterprise_name"])
    .where("a.enterprise_id", "in", enterpriseIds)
    .orderBy("a.id", "desc")
    .execute();
}

export async function listDocuments(db: DbOrTx, applicationId: number) {
  return db
    .selectFrom("contest_application_documents as d")
    .innerJoin("stored_files as f", "f.id", "d.file_id")
    .select(["d.id", "d.label", "f.public_id", "f.original_name", "f.size_bytes"])
    .where("d.application_id", "=", applicationId)
    .orderBy("d.id")
    .execute();
}

/** A document on a draft; readable by the enterprise and the host's staff (jurors included). */
export async function addDocument(
  db: Database,
  fileStore: FileStore,
  args: { application: ApplicationDetail; file: File; label: string; userId: number },
): Promise<void> {
  if (args.application.status !== "draft") throw new AppError("applicationSubmitted", 409);
  await db.transaction().execute(async (trx) => {
    const stored = await storeUpload(trx, fileStore, args.file, "document", { purpose: "application_document", hostId: args.application.host_id, enterpriseId: args.application.enterprise_id, uploadedBy: args.userId }, "file");
    await trx.insertInto("contest_application_documents").values({ application_id: args.application.id, file_id: stored.id, label: args.label }).execute();
  });
}

// ── Screening ─────────────────────────────────────────────────────────────────────────────

export async function addScreeningStep(db: Database, contestId: number, input: ScreeningStepInput): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.selectFrom("contests").select("id").where("id", "=", contestId).forUpdate().executeTakeFirstOrThrow();
    const last = await trx.selectFrom("contest_screening_steps").select((eb) => eb.fn.max("position").as("p")).where("contest_id", "=", contestId).executeTakeFirst();
    const position = (last?.p ?? 0) + 1;
    if (position > 20) throw new AppError("tooMany", 422);
    await trx
      .insertInto("contest_screening_steps")
      .values({ contest_id: contestId, position, kind: input.kind, title: input.title, window_from: input.windowFrom, window_to: input.windowTo })
      .execute();
  });
}

export interface ScreeningDecision {
  contestId: number;
  stepId: number;
  applicationId: number;
  passed: boolean;
  note: string;
  userId: number;
  now: Date;
}

export async function recordScreeningResult(db: Database, d: ScreeningDecision): Promise<void> {
  await db.transaction().execute((trx) => recordScreeningResultIn(trx, d));
}

/** The same inside the caller's transaction (the demo seed writes its history this way). */
export async function recordScreeningResultIn(trx: Tx, d: ScreeningDecision): Promise<void> {
  const step = await trx.selectFrom("contest_screening_steps").select("id").where("id", "=", d.stepId).where("contest_id", "=", d.contestId).executeTakeFirst();
  if (!step) throw new AppError("invalidChoice", 422, "stepId");
  const application = await trx
    .selectFrom("contest_applications as a")
    .innerJoin("contests as c", "c.id", "a.contest_id")
    .select(["a.status", "c.selected_at"])
    .where("a.id", "=", d.applicationId)
    .where("a.contest_id", "=", d.contestId)
    .executeTakeFirst();
  if (!application || application.status !== "submitted") throw new AppError("invalidChoice", 422, "applicationId");
  if (application.selected_at) throw new AppError("alreadySelected", 409);
  await trx
    .insertInto("contest_screening_results")
    .values({ step_id: d.stepId, application_id: d.applicationId, passed: d.passed, note: d.note, decided_by: d.userId, decided_at: d.now })
    .onConflict((oc) => oc.columns(["step_id", "application_id"]).doUpdateSet({ passed: d.passed, note: d.note, decided_by: d.userId, decided_at: d.now }))
    .execute();
}

/** Every decision of a contest's screening, for the funnel and for selection by screening. */
export async function listScreeningDecisions(db: DbOrTx, contestId: number): Promise<{ stepId: number; applicationId: number; passed: boolean }[]> {
  return db
    .selectFrom("contest_screening_results as r")
    .innerJoin("contest_screening_steps as s", "s.id", "r.step_id")
    .select(["r.step_id as stepId", "r.application_id as applicationId", "r.passed"])
    .where("s.contest_id", "=", contestId)
    .execute();
}

export async function listScreeningResults(db: DbOrTx, contestId: number) {
  return db
    .selectFrom("contest_screening_results as r")
    .innerJoin("contest_screening_steps as s", "s.id", "r.step_id")
    .select(["r.step_id", "r.application_id", "r.passed", "r.note", "r.decided_at", "s.title", "s.kind", "s.position"])
    .where("s.contest_id", "=", contestId)
    .orderBy("s.position")
    .execute();
}

/** The applications chosen by the selection, by rank. */
export async function listSelectedApplications(db: DbOrTx, contestId: number) {
  return db
    .selectFrom("contest_applications")
    .innerJoin("enterprises", "enterprises.id", "contest_applications.enterprise_id")
    .select(["contest_applications.id", "contest_applications.title", "contest_applications.rank", "enterprises.name as enterprise_name"])
    .where("contest_applications.contest_id", "=", contestId)
    .where("contest_applications.outcome", "=", "selected")
    .orderBy("contest_applications.rank")
    .execute();
}

/** An enterprise's application, or a training programme's intake entry (no enterprise, a course). */
export async function listApplicationsForStaff(db: DbOrTx, contestId: number) {
  return db
    .selectFrom("contest_applications as a")
    .leftJoin("enterprises as e", "e.id", "a.enterprise_id")
    .leftJoin("contest_courses as k", "k.id", "a.course_id")
    .select([
      "a.id",
      "a.intake_no",
      "k.title as course_title",
      "a.title",
      "a.status",
      "a.eligible",
      "a.ineligibility_reasons",
      "a.submitted_at",
      "a.budget_won",
      "a.outcome",
      "a.rank",
      "a.final_score",
      "a.jury_score",
      "a.peer_score",
      "e.name as enterprise_name",
      "e.type as enterprise_type",
      (eb) =>
        eb
          .selectFrom("contest_jury_scores as s")
          .select(sql<number>`count(DISTINCT s.juror_id)`.as("n"))
          .whereRef("s.application_id", "=", "a.id")
          .as("jury_sheets"),
      (eb) =>
        eb
          .selectFrom("contest_peer_scores as p")
          .select(sql<number>`count(DISTINCT p.evaluator_application_id)`.as("n"))
          .whereRef("p.application_id", "=", "a.id")
          .as("peer_sheets"),
    ])
    .where("a.contest_id", "=", contestId)
    .orderBy((eb) => eb.fn.coalesce("a.rank", eb.val(1_000_000)))
    .orderBy("a.intake_no")
    .orderBy("a.submitted_at")
    .orderBy("a.id")
    .execute();
}
