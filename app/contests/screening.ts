import type { ContestKind, ScreeningStepKind } from "../../db/types";
import { toCsv } from "../utils/csv";

// Calls decided by screening (decision 65): a grant call selects the enterprises, a training
// programme the people (decision 66), who passed every screening step — no scores, no ranking.
// The funnel is what the public sees of it: how many applied, entered and passed each step, and
// were selected, computed from the per-applicant decisions, never typed in.

export const SCREENED_KINDS = ["grant_call", "training"] as const satisfies readonly ContestKind[];

export function selectsByScreening(kind: ContestKind): boolean {
  return (SCREENED_KINDS as readonly ContestKind[]).includes(kind);
}

/** A training programme's applicants are people, recorded as numbered intake entries. */
export function takesPeople(kind: ContestKind): boolean {
  return kind === "training";
}

export interface ScreeningStep {
  id: number;
  kind: ScreeningStepKind;
  title: string;
  windowFrom: string | null;
  windowTo: string | null;
}

export interface ScreeningDecision {
  stepId: number;
  applicationId: number;
  passed: boolean;
}

export interface FunnelStep extends ScreeningStep {
  /** Applications that passed every earlier step. */
  entered: number;
  passed: number;
  failed: number;
  /** Entered but not decided yet. */
  pending: number;
}

export interface ScreeningFunnel {
  applicants: number;
  steps: FunnelStep[];
}

function decisionsByApplication(decisions: readonly ScreeningDecision[]): Map<number, Map<number, boolean>> {
  const byApplication = new Map<number, Map<number, boolean>>();
  for (const d of decisions) {
    const steps = byApplication.get(d.applicationId) ?? new Map<number, boolean>();
    steps.set(d.stepId, d.passed);
    byApplication.set(d.applicationId, steps);
  }
  return byApplication;
}

/** Steps in order; the submitted applications' ids; every recorded decision. */
export function screeningFunnel(steps: readonly ScreeningStep[], applicationIds: readonly number[], decisions: readonly ScreeningDecision[]): ScreeningFunnel {
  const byApplication = decisionsByApplication(decisions);
  let inTheRunning = [...applicationIds];
  const rows = steps.map((step): FunnelStep => {
    const entered = inTheRunning;
    const outcome = (id: number) => byApplication.get(id)?.get(step.id);
    inTheRunning = entered.filter((id) => outcome(id) === true);
    const failed = entered.filter((id) => outcome(id) === false).length;
    return { ...step, entered: entered.length, passed: inTheRunning.length, failed, pending: entered.length - inTheRunning.length - failed };
  });
  return { applicants: applicationIds.length, steps: rows };
}

export type ScreeningSelection = { ok: true; selected: number[]; screenedOut: number[] } | { ok: false; reason: "noSteps" | "incomplete" | "tooManyPassed"; passed: number };

/**
 * Selects every application that passed every step; those that failed one are screened out.
 * Refused when the call has no screening step, while an application still in the running lacks a
 * decision, or when more passed than there are places (the operator decides by screening, the
 * product never picks among equals).
 */
export function selectByScreening(steps: readonly Pick<ScreeningStep, "id">[], applicationIds: readonly number[], decisions: readonly ScreeningDecision[], selectCount: number): ScreeningSelection {
  const byApplication = decisionsByApplication(decisions);
  const failedOne = (id: number) => steps.some((s) => byApplication.get(id)?.get(s.id) === false);
  const screenedOut = applicationIds.filter(failedOne);
  const running = applicationIds.filter((id) => !failedOne(id));
  const passedAll = running.filter((id) => steps.every((s) => byApplication.get(id)?.get(s.id) === true));
  if (steps.length === 0) return { ok: false, reason: "noSteps", passed: 0 };
  if (passedAll.length < running.length) return { ok: false, reason: "incomplete", passed: passedAll.length };
  if (passedAll.length > selectCount) return { ok: false, reason: "tooManyPassed", passed: passedAll.length };
  return { ok: true, selected: passedAll, screenedOut };
}

// ── Open data ────────────────────────────────────────────────────────────────────────────

/** The funnel as rows: the application stage, each step, then selection; each row enters what the previous passed. */
export const FUNNEL_CSV_HEADER = ["stage", "step_kind", "title", "window_from", "window_to", "entered", "passed", "failed", "pending"] as const;
export const SELECTED_CSV_HEADER = ["enterprise", "enterprise_type", "project", "requested_won", "awarded_won", "paid_won"] as const;
export const COURSES_CSV_HEADER = ["course", "applicants", "selected"] as const;

type Cell = string | number | null;

export interface ScreeningCsvInput {
  funnel: ScreeningFunnel & { selected: number; openOn: string | null; closeOn: string | null };
  selected: readonly { id: number; title: string; budget_won: number | null; enterprise_name: string; enterprise_type: string }[];
  awards: readonly { application_id: number; amount_won: number; spentWon: number }[];
  courses: readonly { title: string; applicants: number; selected: number }[];
}

/**
 * Two tables in one file, a blank line between them: the funnel, then the selected enterprises
 * (a grant call, with what each was awarded and paid) or the courses (a training programme).
 */
export function screeningCsv(kind: ContestKind, input: ScreeningCsvInput): string {
  const funnel = toCsv(FUNNEL_CSV_HEADER, funnelCsvRows(input.funnel));
  if (takesPeople(kind))
    return `${funnel}\r\n${toCsv(
      COURSES_CSV_HEADER,
      input.courses.map((c) => [c.title, c.applicants, c.selected]),
    )}`;
  const selected = input.selected.map((row) => {
    const award = input.awards.find((a) => a.application_id === row.id);
    return [row.enterprise_name, row.enterprise_type, row.title, row.budget_won, award?.amount_won ?? 0, award?.spentWon ?? 0];
  });
  return `${funnel}\r\n${toCsv(SELECTED_CSV_HEADER, selected)}`;
}

function funnelCsvRows(funnel: ScreeningCsvInput["funnel"]): Cell[][] {
  const lastPassed = funnel.steps.at(-1)?.passed ?? funnel.applicants;
  return [
    ["application", null, null, funnel.openOn, funnel.closeOn, funnel.applicants, funnel.applicants, 0, 0],
    ...funnel.steps.map((s, i) => [i + 1, s.kind, s.title, s.windowFrom, s.windowTo, s.entered, s.passed, s.failed, s.pending]),
    ["selection", null, null, null, null, lastPassed, funnel.selected, 0, lastPassed - funnel.selected],
  ];
}
