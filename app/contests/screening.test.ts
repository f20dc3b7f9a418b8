import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { seeded } from "../../tests/support/fast-check";
import { parseCsv } from "../utils/csv";
import {
  COURSES_CSV_HEADER,
  FUNNEL_CSV_HEADER,
  screeningCsv,
  screeningFunnel,
  SELECTED_CSV_HEADER,
  selectByScreening,
  selectsByScreening,
  takesPeople,
  type ScreeningDecision,
  type ScreeningStep,
} from "./screening";

const documents: ScreeningStep = { id: 10, kind: "document_review", title: "서류 심사", windowFrom: null, windowTo: null };
const interview: ScreeningStep = { id: 11, kind: "interview", title: "면접", windowFrom: "2018-03-26", windowTo: "2018-03-30" };
const pass = (applicationId: number, stepId: number): ScreeningDecision => ({ applicationId, stepId, passed: true });
const fail = (applicationId: number, stepId: number): ScreeningDecision => ({ applicationId, stepId, passed: false });

describe("which calls are decided by screening", () => {
  it("are grant calls and training programmes; only training programmes take people", () => {
    expect(["crowdfunding", "pitch", "grant_call", "training"].map((k) => selectsByScreening(k as "pitch"))).toEqual([false, false, true, true]);
    expect(["crowdfunding", "pitch", "grant_call", "training"].map((k) => takesPeople(k as "pitch"))).toEqual([false, false, false, true]);
  });
});

describe("the screening funnel", () => {
  it("counts who entered, passed, failed and waits at each step, in order", () => {
    const decisions = [pass(1, 10), pass(2, 10), fail(3, 10), pass(4, 10), pass(1, 11), fail(2, 11)];
    const funnel = screeningFunnel([documents, interview], [1, 2, 3, 4, 5], decisions);
    expect(funnel.applicants).toBe(5);
    expect(funnel.steps.map(({ entered, passed, failed, pending }) => [entered, passed, failed, pending])).toEqual([
      [5, 3, 1, 1],
      [3, 1, 1, 1],
    ]);
    expect(funnel.steps[1]?.windowFrom).toBe("2018-03-26");
  });

  it("ignores a later step's decision for an application that failed an earlier one", () => {
    const funnel = screeningFunnel([documents, interview], [1], [fail(1, 10), pass(1, 11)]);
    expect(funnel.steps.map((s) => [s.entered, s.passed])).toEqual([
      [1, 0],
      [0, 0],
    ]);
  });

  it("keeps its books for any decisions: each step's entrants are the previous step's passes", () => {
    const arbitrary = fc.record({
      applicants: fc.integer({ min: 0, max: 30 }),
      stepCount: fc.integer({ min: 1, max: 4 }),
      outcomes: fc.array(fc.constantFrom<boolean | null>(true, false, null), { minLength: 120, maxLength: 120 }),
    });
    fc.assert(
      fc.property(arbitrary, ({ applicants, stepCount, outcomes }) => {
        const steps = Array.from({ length: stepCount }, (_, i): ScreeningStep => ({ ...documents, id: i + 1 }));
        const ids = Array.from({ length: applicants }, (_, i) => i + 1);
        const decisions = ids.flatMap((id) =>
          steps.flatMap((s) => {
            const passed = outcomes[(id * stepCount + s.id) % outcomes.length];
            return passed === null || passed === undefined ? [] : [{ applicationId: id, stepId: s.id, passed }];
          }),
        );
        const funnel = screeningFunnel(steps, ids, decisions);
        let previous = applicants;
        for (const step of funnel.steps) {
          expect(step.entered).toBe(previous);
          expect(step.passed + step.failed + step.pending).toBe(step.entered);
          previous = step.passed;
        }
        const selection = selectByScreening(steps, ids, decisions, applicants);
        if (selection.ok) {
          expect(selection.selected).toHaveLength(previous);
          expect(selection.selected.length + selection.screenedOut.length).toBe(applicants);
        }
      }),
      seeded("screening funnel", 200),
    );
  });
});

describe("selection by screening", () => {
  it("selects everyone who passed every step and screens out who failed one", () => {
    const decisions = [pass(1, 10), pass(1, 11), pass(2, 10), fail(2, 11), fail(3, 10), pass(4, 10), pass(4, 11)];
    expect(selectByScreening([documents, interview], [1, 2, 3, 4], decisions, 3)).toEqual({ ok: true, selected: [1, 4], screenedOut: [2, 3] });
  });

  it("is refused while someone in the running has no decision, when more passed than places, or without steps", () => {
    expect(selectByScreening([documents, interview], [1, 2], [pass(1, 10), pass(1, 11), pass(2, 10)], 2)).toEqual({ ok: false, reason: "incomplete", passed: 1 });
    const all = [1, 2, 3].flatMap((id) => [pass(id, 10), pass(id, 11)]);
    expect(selectByScreening([documents, interview], [1, 2, 3], all, 2)).toEqual({ ok: false, reason: "tooManyPassed", passed: 3 });
    expect(selectByScreening([], [1], [], 1)).toEqual({ ok: false, reason: "noSteps", passed: 0 });
  });
});

describe("the screening CSV", () => {
  const funnel = { ...screeningFunnel([documents, interview], [1, 2, 3], [pass(1, 10), pass(1, 11), pass(2, 10), fail(2, 11), fail(3, 10)]), selected: 1, openOn: "2018-03-05", closeOn: "2018-03-16" };

  it("chains the funnel's rows and lists a grant call's selected enterprises with award and payment", () => {
    const csv = screeningCsv("grant_call", {
      funnel,
      selected: [{ id: 1, title: "장비 보강", budget_won: 5_000_000, enterprise_name: "찬찬찬", enterprise_type: "self_sufficiency_enterprise" }],
      awards: [{ application_id: 1, amount_won: 5_000_000, spentWon: 2_000_000 }],
      courses: [],
    });
    const [funnelTable = "", selectedTable = ""] = csv.split("\r\n\r\n");
    const rows = parseCsv(funnelTable);
    expect(rows[0]).toEqual([...FUNNEL_CSV_HEADER]);
    expect(rows.slice(1).map((r) => [r[0], r[5], r[6], r[7], r[8]])).toEqual([
      ["application", "3", "3", "0", "0"],
      ["1", "3", "2", "1", "0"],
      ["2", "2", "1", "1", "0"],
      ["selection", "1", "1", "0", "0"],
    ]);
    expect(parseCsv(selectedTable)).toEqual([[...SELECTED_CSV_HEADER], ["찬찬찬", "self_sufficiency_enterprise", "장비 보강", "5000000", "5000000", "2000000"]]);
  });

  it("gives a training programme's courses as counts, never its applicants", () => {
    const csv = screeningCsv("training", { funnel, selected: [], awards: [], courses: [{ title: "요양보호사", applicants: 3, selected: 1 }] });
    expect(parseCsv(csv.split("\r\n\r\n")[1] ?? "")).toEqual([[...COURSES_CSV_HEADER], ["요양보호사", "3", "1"]]);
  });
});
