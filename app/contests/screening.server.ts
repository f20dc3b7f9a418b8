import type { ContestKind } from "../../db/types";
import { listContestAwards } from "../grants/awards.server";
import type { DbOrTx } from "../utils/db.server";
import { listScreeningDecisions } from "./applications.server";
import { screeningFunnel, takesPeople, type ScreeningFunnel } from "./screening";
import { listScreeningSteps } from "./setup.server";
import { courseCounts } from "./training.server";

// The public side of a call decided by screening: the funnel from the per-applicant decisions,
// who was selected (enterprises by name; people only as counts per course), and the grants.

export interface PublicFunnel extends ScreeningFunnel {
  selected: number;
  selectedOn: Date | null;
  openOn: string | null;
  closeOn: string | null;
}

export async function getScreeningFunnel(db: DbOrTx, contestId: number): Promise<PublicFunnel> {
  const [contest, applications, steps, decisions] = await Promise.all([
    db.selectFrom("contests").select(["selected_at", "applications_open_on", "applications_close_on"]).where("id", "=", contestId).executeTakeFirstOrThrow(),
    db.selectFrom("contest_applications").select(["id", "outcome"]).where("contest_id", "=", contestId).where("status", "=", "submitted").execute(),
    listScreeningSteps(db, contestId),
    listScreeningDecisions(db, contestId),
  ]);
  const funnel = screeningFunnel(
    steps.map((s) => ({ id: s.id, kind: s.kind, title: s.title, windowFrom: s.window_from, windowTo: s.window_to })),
    applications.map((a) => a.id),
    decisions,
  );
  return {
    ...funnel,
    selected: applications.filter((a) => a.outcome === "selected").length,
    selectedOn: contest.selected_at,
    openOn: contest.applications_open_on,
    closeOn: contest.applications_close_on,
  };
}

/** Selected enterprises, in the order they applied (a screening has no ranking). */
export function listSelectedEnterprises(db: DbOrTx, contestId: number) {
  return db
    .selectFrom("contest_applications as a")
    .innerJoin("enterprises as e", "e.id", "a.enterprise_id")
    .select(["a.id", "a.title", "a.budget_won", "e.id as enterprise_id", "e.name as enterprise_name", "e.type as enterprise_type"])
    .where("a.contest_id", "=", contestId)
    .where("a.outcome", "=", "selected")
    .orderBy("a.submitted_at")
    .orderBy("a.id")
    .execute();
}

/** Everything the public pages show of a call decided by screening. */
export async function getScreeningCallResults(db: DbOrTx, contest: { id: number; kind: ContestKind }) {
  const people = takesPeople(contest.kind);
  const [funnel, selected, courses, awards] = await Promise.all([
    getScreeningFunnel(db, contest.id),
    people ? Promise.resolve([]) : listSelectedEnterprises(db, contest.id),
    people ? courseCounts(db, contest.id) : Promise.resolve([]),
    people ? Promise.resolve([]) : listContestAwards(db, contest.id),
  ]);
  return { funnel, selected, courses, awards };
}

export type ScreeningCallResults = Awaited<ReturnType<typeof getScreeningCallResults>>;
