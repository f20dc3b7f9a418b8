import { sql } from "kysely";
import { AppError } from "../utils/app-error";
import type { Database, DbOrTx, Tx } from "../utils/db.server";
import { isCheckViolation } from "../utils/pg-errors";
import type { ScoreInput } from "./contests";
import { rankApplications, type Candidate, type ScoreSheet } from "./scoring";
import { selectByScreening, selectsByScreening } from "./screening";
import { listScreeningDecisions } from "./applications.server";
import { CSV_BOM, toCsv } from "../utils/csv";

// Jury scores, conflicts of interest, peer evaluation, selection and the published results.
// The database refuses a conflicted or unassigned juror, a self peer-score and any change
// after selection; the queries here make sure nobody reads another juror's scores before it.

function translateScoreError(error: unknown): never {
  if (isCheckViolation(error, "contest_jury_scores_conflict")) throw new AppError("conflictDeclared", 403);
  if (isCheckViolation(error, "contest_jury_scores_assigned")) throw new AppError("notAllowed", 403);
  if (isCheckViolation(error, "contest_peer_scores_not_self")) throw new AppError("cannotScoreOwn", 403);
  if (isCheckViolation(error, "contest_scores_open")) throw new AppError("scoringClosed", 409);
  if (isCheckViolation(error, "contest_conflicts_after_scoring")) throw new AppError("scoringClosed", 409);
  throw error;
}

export async function listJurorContests(db: DbOrTx, userId: number) {
  return db
    .selectFrom("contest_jurors as j")
    .innerJoin("contests as c", "c.id", "j.contest_id")
    .innerJoin("host_organisations as h", "h.id", "c.host_id")
    .select(["c.id", "c.title", "c.slug", "c.selected_at", "h.name as host_name"])
    .where("j.user_id", "=", userId)
    .orderBy("c.id", "desc")
    .execute();
}

export async function isAssignedJuror(db: DbOrTx, contestId: number, userId: number): Promise<boolean> {
  const row = await db.selectFrom("contest_jurors").select("user_id").where("contest_id", "=", contestId).where("user_id", "=", userId).executeTakeFirst();
  return row !== undefined;
}

/** How the jury's and the peers' scores weigh in the final score, in percent. */
export async function getScoreWeights(db: DbOrTx, contestId: number) {
  return db.selectFrom("contests").select(["jury_weight_pct", "peer_weight_pct"]).where("id", "=", contestId).executeTakeFirstOrThrow();
}

/** Submitted applications still in the running: none of their screening steps failed. */
function inTheRunning(db: DbOrTx, contestId: number) {
  return db
    .selectFrom("contest_applications as a")
    .innerJoin("enterprises as e", "e.id", "a.enterprise_id")
    .where("a.contest_id", "=", contestId)
    .where("a.status", "=", "submitted")
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom("contest_screening_results as r").select("r.step_id").whereRef("r.application_id", "=", "a.id").where("r.passed", "=", false))),
    );
}

/** What one juror sees: the applications, whether they scored or declared a conflict. Never others' scores. */
export async function listApplicationsForJuror(db: DbOrTx, contestId: number, jurorId: number) {
  return inTheRunning(db, contestId)
    .select([
      "a.id",
      "a.title",
      "a.summary",
      "e.name as enterprise_name",
      (eb) => eb.exists(eb.selectFrom("contest_jury_scores as s").select("s.score").whereRef("s.application_id", "=", "a.id").where("s.juror_id", "=", jurorId)).as("scored"),
      (eb) => eb.exists(eb.selectFrom("contest_conflicts as k").select("k.reason").whereRef("k.application_id", "=", "a.id").where("k.juror_id", "=", jurorId)).as("conflict"),
    ])
    .orderBy("a.submitted_at")
    .execute();
}

export async function isInTheRunning(db: DbOrTx, contestId: number, applicationId: number): Promise<boolean> {
  const row = await inTheRunning(db, contestId).select("a.id").where("a.id", "=", applicationId).executeTakeFirst();
  return row !== undefined;
}

export async function getJurorSheet(db: DbOrTx, applicationId: number, jurorId: number) {
  const [scores, conflict] = await Promise.all([
    db.selectFrom("contest_jury_scores").select(["criterion_id", "score", "comment"]).where("application_id", "=", applicationId).where("juror_id", "=", jurorId).execute(),
    db.selectFrom("contest_conflicts").select(["reason", "declared_at"]).where("application_id", "=", applicationId).where("juror_id", "=", jurorId).executeTakeFirst(),
  ]);
  return { scores, conflict: conflict ?? null };
}

export async function saveJuryScores(db: Database, args: { applicationId: number; jurorId: number; scores: ScoreInput; now: Date }): Promise<void> {
  try {
    await db.transaction().execute(async (trx) => {
      for (const s of args.scores) {
        await trx
          .insertInto("contest_jury_scores")
          .values({ application_id: args.applicationId, juror_id: args.jurorId, criterion_id: s.criterionId, score: s.score, comment: s.comment, scored_at: args.now })
          .onConflict((oc) => oc.columns(["application_id", "juror_id", "criterion_id"]).doUpdateSet({ score: s.score, comment: s.comment, scored_at: args.now }))
          .execute();
      }
    });
  } catch (error) {
    translateScoreError(error);
  }
}

/** A conflicted juror steps aside: the scores they gave this application are withdrawn with it. */
export async function declareConflict(db: Database, args: { applicationId: number; jurorId: number; reason: string; now: Date }): Promise<void> {
  try {
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom("contest_jury_scores").where("application_id", "=", args.applicationId).where("juror_id", "=", args.jurorId).execute();
      await trx
        .insertInto("contest_conflicts")
        .values({ application_id: args.applicationId, juror_id: args.jurorId, reason: args.reason, declared_at: args.now })
        .onConflict((oc) => oc.columns(["application_id", "juror_id"]).doUpdateSet({ reason: args.reason }))
        .execute();
    });
  } catch (error) {
    translateScoreError(error);
  }
}

// ── Peer evaluation ───────────────────────────────────────────────────────────────────────

/** The other applications an applicant evaluates, and whether it already did. */
export async function listPeerTargets(db: DbOrTx, contestId: number, evaluatorApplicationId: number) {
  return inTheRunning(db, contestId)
    .select([
      "a.id",
      "a.title",
      "a.summary",
      "e.name as enterprise_name",
      (eb) =>
        eb
          .exists(eb.selectFrom("contest_peer_scores as p").select("p.score").whereRef("p.application_id", "=", "a.id").where("p.evaluator_application_id", "=", evaluatorApplicationId))
          .as("scored"),
    ])
    .where("a.id", "<>", evaluatorApplicationId)
    .orderBy("a.submitted_at")
    .execute();
}

export async function getPeerSheet(db: DbOrTx, applicationId: number, evaluatorApplicationId: number) {
  return db
    .selectFrom("contest_peer_scores")
    .select(["criterion_id", "score", "comment"])
    .where("application_id", "=", applicationId)
    .where("evaluator_application_id", "=", evaluatorApplicationId)
    .execute();
}

export async function savePeerScores(
  db: Database,
  args: { applicationId: number; evaluatorApplicationId: number; userId: number; scores: ScoreInput; now: Date },
): Promise<void> {
  if (args.applicationId === args.evaluatorApplicationId) throw new AppError("cannotScoreOwn", 403);
  try {
    await db.transaction().execute(async (trx) => {
      for (const s of args.scores) {
        await trx
          .insertInto("contest_peer_scores")
          .values({
            application_id: args.applicationId,
            evaluator_application_id: args.evaluatorApplicationId,
            evaluator_user_id: args.userId,
            criterion_id: s.criterionId,
            score: s.score,
            comment: s.comment,
            scored_at: args.now,
          })
          .onConflict((oc) =>
            oc.columns(["application_id", "evaluator_application_id", "criterion_id"]).doUpdateSet({ score: s.score, comment: s.comment, scored_at: args.now, evaluator_user_id: args.userId }),
          )
          .execute();
      }
    });
  } catch (error) {
    translateScoreError(error);
  }
}

// ── Selection ─────────────────────────────────────────────────────────────────────────────

function sheetsBy<K extends string>(rows: ({ application_id: number; criterion_id: number; score: number } & Record<K, number>)[], key: K): Map<number, ScoreSheet[]> {
  const grouped = new Map<number, Map<number, ScoreSheet>>();
  for (const row of rows) {
    const byEvaluator = grouped.get(row.application_id) ?? new Map<number, ScoreSheet>();
    const sheet = byEvaluator.get(row[key]) ?? {};
    sheet[row.criterion_id] = row.score;
    byEvaluator.set(row[key], sheet);
    grouped.set(row.application_id, byEvaluator);
  }
  return new Map([...grouped].map(([id, sheets]) => [id, [...sheets.values()]]));
}

export type SelectionOutcome = { selected: number; ranked: number; screenedOut: number };

/**
 * Ranks the applications still in the running, selects the top N and publishes the ranking.
 * Once: the contest row is locked, and the database freezes scores and weights after it.
 */
export function runSelection(db: Database, contestId: number, userId: number, now: Date): Promise<SelectionOutcome> {
  return db.transaction().execute((trx) => runSelectionInTransaction(trx, contestId, userId, now));
}

/** The same, inside the caller's transaction (the demo seed). */
export async function runSelectionInTransaction(trx: Tx, contestId: number, userId: number, now: Date): Promise<SelectionOutcome> {
  const contest = await trx
    .selectFrom("contests")
    .select(["id", "kind", "select_count", "jury_weight_pct", "peer_weight_pct", "selected_at"])
    .where("id", "=", contestId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  if (contest.selected_at) throw new AppError("alreadySelected", 409);
  if (!contest.select_count) throw new AppError("publishIncomplete", 422);
  if (selectsByScreening(contest.kind)) return selectScreenedInTransaction(trx, contestId, contest.select_count, userId, now);
  const criteria = (await trx.selectFrom("contest_criteria").select(["id", "weight_pct"]).where("contest_id", "=", contestId).execute()).map((c) => ({ id: c.id, weightPct: c.weight_pct }));
  if (criteria.reduce((s, c) => s + c.weightPct, 0) !== 100) throw new AppError("publishIncomplete", 422);

  const submitted = await trx.selectFrom("contest_applications").select(["id", "submitted_at"]).where("contest_id", "=", contestId).where("status", "=", "submitted").execute();
  const steps = await trx.selectFrom("contest_screening_steps").select("id").where("contest_id", "=", contestId).execute();
  const results = await trx
    .selectFrom("contest_screening_results as r")
    .innerJoin("contest_screening_steps as s", "s.id", "r.step_id")
    .select(["r.application_id", "r.passed"])
    .where("s.contest_id", "=", contestId)
    .execute();
  const failed = new Set(results.filter((r) => !r.passed).map((r) => r.application_id));
  const passedCount = new Map<number, number>();
  for (const r of results) if (r.passed) passedCount.set(r.application_id, (passedCount.get(r.application_id) ?? 0) + 1);
  const running = submitted.filter((a) => !failed.has(a.id));
  if (running.some((a) => (passedCount.get(a.id) ?? 0) < steps.length)) throw new AppError("screeningIncomplete", 409);

  const ids = running.map((a) => a.id);
  const [juryRows, peerRows] =
    ids.length === 0
      ? [[], []]
      : await Promise.all([
          trx.selectFrom("contest_jury_scores").select(["application_id", "juror_id", "criterion_id", "score"]).where("application_id", "in", ids).execute(),
          trx.selectFrom("contest_peer_scores").select(["application_id", "evaluator_application_id", "criterion_id", "score"]).where("application_id", "in", ids).execute(),
        ]);
  const jury = sheetsBy(juryRows, "juror_id");
  const peer = sheetsBy(peerRows, "evaluator_application_id");
  const candidates: Candidate[] = running.map((a) => ({
    applicationId: a.id,
    submittedAtMs: a.submitted_at ? new Date(a.submitted_at).getTime() : 0,
    jurySheets: jury.get(a.id) ?? [],
    peerSheets: peer.get(a.id) ?? [],
  }));
  const result = rankApplications(criteria, { juryPct: contest.jury_weight_pct, peerPct: contest.peer_weight_pct }, candidates, contest.select_count);
  if (!result.ok) throw new AppError("scoresMissing", 409);

  for (const r of result.ranking) {
    await trx
      .updateTable("contest_applications")
      .set({ outcome: r.selected ? "selected" : "not_selected", rank: r.rank, final_score: r.finalScore, jury_score: r.juryScore, peer_score: r.peerScore, updated_at: now })
      .where("id", "=", r.applicationId)
      .execute();
  }
  if (failed.size > 0) {
    await trx.updateTable("contest_applications").set({ outcome: "screened_out", updated_at: now }).where("id", "in", [...failed]).where("contest_id", "=", contestId).execute();
  }
  await trx.updateTable("contests").set({ selected_at: now, selected_by: userId, updated_at: now }).where("id", "=", contestId).execute();
  return { selected: result.ranking.filter((r) => r.selected).length, ranked: result.ranking.length, screenedOut: failed.size };
}

const SCREENING_REFUSALS = { noSteps: "screeningStepsMissing", incomplete: "screeningIncomplete", tooManyPassed: "tooManyPassed" } as const;

/** A call decided by screening: everyone who passed every step is selected (decision 65). */
async function selectScreenedInTransaction(trx: Tx, contestId: number, selectCount: number, userId: number, now: Date): Promise<SelectionOutcome> {
  const [submitted, steps, decisions] = await Promise.all([
    trx.selectFrom("contest_applications").select("id").where("contest_id", "=", contestId).where("status", "=", "submitted").orderBy("id").execute(),
    trx.selectFrom("contest_screening_steps").select("id").where("contest_id", "=", contestId).execute(),
    listScreeningDecisions(trx, contestId),
  ]);
  const choice = selectByScreening(
    steps,
    submitted.map((a) => a.id),
    decisions,
    selectCount,
  );
  if (!choice.ok) throw new AppError(SCREENING_REFUSALS[choice.reason], 409);
  if (choice.selected.length > 0) await trx.updateTable("contest_applications").set({ outcome: "selected", updated_at: now }).where("id", "in", choice.selected).execute();
  if (choice.screenedOut.length > 0) await trx.updateTable("contest_applications").set({ outcome: "screened_out", updated_at: now }).where("id", "in", choice.screenedOut).execute();
  await trx.updateTable("contests").set({ selected_at: now, selected_by: userId, updated_at: now }).where("id", "=", contestId).execute();
  return { selected: choice.selected.length, ranked: 0, screenedOut: choice.screenedOut.length };
}

/** The published ranking (only once selection has run). */
export async function listRanking(db: DbOrTx, contestId: number) {
  return db
    .selectFrom("contest_applications as a")
    .innerJoin("enterprises as e", "e.id", "a.enterprise_id")
    .select(["a.id", "a.rank", "a.title", "a.outcome", "a.final_score", "a.jury_score", "a.peer_score", "e.name as enterprise_name", "e.type as enterprise_type"])
    .where("a.contest_id", "=", contestId)
    .where("a.rank", "is not", null)
    .orderBy("a.rank")
    .execute();
}

/**
 * An applicant's own scores and comments, after selection: each juror's sheet (jurors shown as
 * "Juror 1, 2…", never by name) and each peer's, per criterion.
 */
export async function getApplicantResults(db: DbOrTx, applicationId: number) {
  const [jury, peer] = await Promise.all([
    db
      .selectFrom("contest_jury_scores")
      .select(["juror_id as evaluator", "criterion_id", "score", "comment"])
      .where("application_id", "=", applicationId)
      .orderBy("juror_id")
      .orderBy("criterion_id")
      .execute(),
    db
      .selectFrom("contest_peer_scores")
      .select(["evaluator_application_id as evaluator", "criterion_id", "score", "comment"])
      .where("application_id", "=", applicationId)
      .orderBy(sql`md5(evaluator_application_id::text)`)
      .orderBy("criterion_id")
      .execute(),
  ]);
  const anonymise = (rows: typeof jury) => {
    const order = [...new Set(rows.map((r) => r.evaluator))];
    return order.map((evaluator, i) => ({ ordinal: i + 1, scores: rows.filter((r) => r.evaluator === evaluator).map(({ criterion_id, score, comment }) => ({ criterion_id, score, comment })) }));
  };
  return { jury: anonymise(jury), peer: anonymise(peer) };
}

/** The operator's score sheet: one row per application × evaluator × criterion, then the totals. */
export async function scoreSheetCsv(db: DbOrTx, contestId: number): Promise<string> {
  const rows = await db
    .selectFrom("contest_jury_scores as s")
    .innerJoin("contest_applications as a", "a.id", "s.application_id")
    .innerJoin("enterprises as e", "e.id", "a.enterprise_id")
    .innerJoin("users as u", "u.id", "s.juror_id")
    .innerJoin("contest_criteria as c", "c.id", "s.criterion_id")
    .select(["a.id", "a.title", "e.name as enterprise", sql<string>`'jury'`.as("kind"), "u.display_name as evaluator", "c.label", "c.weight_pct", "s.score", "s.comment"])
    .where("a.contest_id", "=", contestId)
    .unionAll(
      db
        .selectFrom("contest_peer_scores as s")
        .innerJoin("contest_applications as a", "a.id", "s.application_id")
        .innerJoin("enterprises as e", "e.id", "a.enterprise_id")
        .innerJoin("contest_applications as ea", "ea.id", "s.evaluator_application_id")
        .innerJoin("enterprises as ee", "ee.id", "ea.enterprise_id")
        .innerJoin("contest_criteria as c", "c.id", "s.criterion_id")
        .select(["a.id", "a.title", "e.name as enterprise", sql<string>`'peer'`.as("kind"), "ee.name as evaluator", "c.label", "c.weight_pct", "s.score", "s.comment"])
        .where("a.contest_id", "=", contestId),
    )
    .orderBy("id")
    .orderBy("kind")
    .orderBy("evaluator")
    .orderBy("label")
    .execute();
  const ranking = await db
    .selectFrom("contest_applications as a")
    .innerJoin("enterprises as e", "e.id", "a.enterprise_id")
    .select(["a.id", "a.title", "e.name as enterprise", "a.rank", "a.outcome", "a.jury_score", "a.peer_score", "a.final_score"])
    .where("a.contest_id", "=", contestId)
    .where("a.status", "=", "submitted")
    .orderBy((eb) => eb.fn.coalesce("a.rank", eb.val(1_000_000)))
    .orderBy("a.id")
    .execute();
  const score = (value: string | null) => (value === null ? null : Number(value));
  const scores = toCsv(
    ["application_id", "title", "enterprise", "kind", "evaluator", "criterion", "weight_pct", "score", "comment"],
    rows.map((r) => [r.id, r.title, r.enterprise, r.kind, r.evaluator, r.label, r.weight_pct, r.score, r.comment]),
  );
  const totals = toCsv(
    ["application_id", "title", "enterprise", "rank", "outcome", "jury_score", "peer_score", "final_score"],
    ranking.map((r) => [r.id, r.title, r.enterprise, r.rank, r.outcome, score(r.jury_score), score(r.peer_score), score(r.final_score)]),
  );
  // Two tables in one file, a blank line between them.
  return `${CSV_BOM}${scores}\r\n${totals}`;
}
