import { describe, expect, it } from "vitest";
import { screeningFunnel, selectByScreening, type ScreeningDecision } from "../../app/contests/screening";
import { seoulDate } from "../../app/utils/dates";
import { certificateApplicants, certificateProgramme, equipmentCall, SCREENINGS_PUBLISHED } from "./screenings-plan";

// The plans run through the product's own screening functions must give the source's figures.

describe("the 기능보강지원사업 demo call", () => {
  const applicants = equipmentCall.applicants;
  const decisions: ScreeningDecision[] = applicants.map((a, i) => ({ stepId: 1, applicationId: i + 1, passed: a.passed }));

  it("adds up to the published outcome: 8 applicants, on-site inspection, the 6 named enterprises selected", () => {
    expect(applicants).toHaveLength(SCREENINGS_PUBLISHED.equipment.applicants);
    const funnel = screeningFunnel(
      [{ id: 1, kind: "on_site_inspection", title: "현장 실사", windowFrom: null, windowTo: null }],
      applicants.map((_, i) => i + 1),
      decisions,
    );
    expect(funnel.applicants).toBe(8);
    expect(funnel.steps.map((s) => [s.entered, s.passed, s.failed, s.pending])).toEqual([[8, 6, 2, 0]]);
    const selection = selectByScreening(
      [{ id: 1 }],
      applicants.map((_, i) => i + 1),
      decisions,
      SCREENINGS_PUBLISHED.equipment.selected,
    );
    if (!selection.ok) throw new Error(`selection refused: ${selection.reason}`);
    expect(selection.selected.map((id) => applicants[id - 1]?.enterprise).sort()).toEqual([...SCREENINGS_PUBLISHED.equipment.names].sort());
  });

  it("inspects everyone between 9/4 and 9/14, after applications inside the window, with a note for every failure", () => {
    expect([equipmentCall.inspection.from, equipmentCall.inspection.to]).toEqual(["2018-09-04", "2018-09-14"]);
    for (const a of applicants) {
      const inspected = seoulDate(new Date(a.inspectedAt));
      expect(inspected >= equipmentCall.inspection.from && inspected <= equipmentCall.inspection.to).toBe(true);
      const submitted = seoulDate(new Date(a.submittedAt));
      expect(submitted >= equipmentCall.applicationsOpenOn && submitted <= equipmentCall.applicationsCloseOn).toBe(true);
      if (!a.passed) expect(a.note.length).toBeGreaterThan(0);
      expect(a.passed).toBe("payment" in a);
    }
  });

  it("gives each selected enterprise what it asked for, within the grant's cap and pool, paid inside the grant period", () => {
    const selected = applicants.filter((a) => a.passed);
    const { grant } = equipmentCall;
    for (const a of selected) {
      expect(Number.isSafeInteger(a.requestedWon) && a.requestedWon > 0 && a.requestedWon <= grant.capPerAwardeeWon).toBe(true);
      const payment = "payment" in a ? a.payment : undefined;
      if (!payment) throw new Error(`${a.enterprise} has no payment`);
      const requested = seoulDate(new Date(payment.requestedAt));
      expect(requested >= grant.periodFrom && requested <= grant.periodTo).toBe(true);
      expect(new Date(payment.approvedAt).getTime()).toBeGreaterThan(new Date(payment.requestedAt).getTime());
      expect(new Date(payment.requestedAt).getTime()).toBeGreaterThan(new Date(grant.awardedAt).getTime());
    }
    expect(selected.reduce((sum, a) => sum + a.requestedWon, 0)).toBeLessThanOrEqual(grant.poolWon);
  });
});

describe("the 자격증 취득 과정 demo programme", () => {
  const applicants = certificateApplicants();
  const ids = applicants.map((a) => a.intakeNo);
  const decisions: ScreeningDecision[] = applicants.flatMap((a) => [
    { stepId: 1, applicationId: a.intakeNo, passed: a.documents.passed },
    ...(a.interview ? [{ stepId: 2, applicationId: a.intakeNo, passed: a.interview.passed }] : []),
  ]);
  const steps = certificateProgramme.steps.map((s, i) => ({ id: i + 1, kind: s.kind, title: s.title, windowFrom: s.from, windowTo: s.to }));

  it("adds up to the published outcome: 53 applicants screened by documents and interview, 42 selected", () => {
    expect(applicants).toHaveLength(SCREENINGS_PUBLISHED.certificates.applicants);
    expect(ids).toEqual(Array.from({ length: 53 }, (_, i) => i + 1));
    const funnel = screeningFunnel(steps, ids, decisions);
    expect(funnel.steps.map((s) => [s.kind, s.entered, s.passed, s.failed, s.pending])).toEqual([
      ["document_review", 53, 48, 5, 0],
      ["interview", 48, 42, 6, 0],
    ]);
    const selection = selectByScreening(steps, ids, decisions, SCREENINGS_PUBLISHED.certificates.selected);
    if (!selection.ok) throw new Error(`selection refused: ${selection.reason}`);
    expect(selection.selected).toHaveLength(42);
    expect(selection.screenedOut).toHaveLength(11);
  });

  it("registers every application for one of the courses inside the window, and notes every failure", () => {
    const courses = new Set(certificateProgramme.courses.map((c) => c.title));
    expect(new Set(applicants.map((a) => a.course))).toEqual(courses);
    for (const a of applicants) {
      const registered = seoulDate(new Date(a.registeredAt));
      expect(registered >= certificateProgramme.applicationsOpenOn && registered <= certificateProgramme.applicationsCloseOn).toBe(true);
      for (const step of [a.documents, a.interview]) if (step && !step.passed) expect(step.note.length).toBeGreaterThan(0);
    }
  });
});
