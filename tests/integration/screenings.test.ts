import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COURSES_CSV_HEADER, FUNNEL_CSV_HEADER, SELECTED_CSV_HEADER } from "../../app/contests/screening";
import { getScreeningFunnel } from "../../app/contests/screening.server";
import { dictionaries } from "../../app/i18n/messages";
import { verifyStoredLedger } from "../../app/ledger/ledger.server";
import { parseCsv } from "../../app/utils/csv";
import { seoulDate } from "../../app/utils/dates";
import { seedDemoData } from "../../db/seed/seed";
import { certificateProgramme, equipmentCall, SCREENINGS_PUBLISHED } from "../../db/seed/screenings-plan";
import { startApp, type TestApp, type TestClient } from "../support/app";
import { createDemoDatabase, tablesDigest, type TestDatabase } from "../support/db";
import { DEMO_PASSWORD, userId } from "../support/seed";

// The self-sufficiency centre's two screened calls in the demo data (decisions 65, 66): the
// published figures from the product's own functions and the ledger, the public pages and CSV
// without anyone's personal data, and a training programme run by an operator over HTTP with
// what the forms and the database refuse.

let t: TestDatabase;
let app: TestApp;
const ko = dictionaries.ko;

beforeAll(async () => {
  t = await createDemoDatabase();
  app = await startApp(t.db, { now: "2026-11-24T03:00:00Z" });
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

async function contestId(slug: string): Promise<number> {
  return (await t.db.selectFrom("contests").select("id").where("slug", "=", slug).executeTakeFirstOrThrow()).id;
}

async function as(email: string): Promise<TestClient> {
  const client = app.client();
  await client.logIn(email, DEMO_PASSWORD);
  return client;
}

async function page(path: string, client: TestClient = app.client()): Promise<string> {
  const response = await client.get(path);
  expect(response.status, path).toBe(200);
  return response.text();
}

describe("the 기능보강지원사업 call in the demo data", () => {
  it("screened 8 applicants by on-site inspection and selected the 6 the source names", async () => {
    const id = await contestId(equipmentCall.slug);
    const funnel = await getScreeningFunnel(t.db, id);
    expect(funnel.applicants).toBe(SCREENINGS_PUBLISHED.equipment.applicants);
    expect(funnel.steps.map((s) => [s.kind, s.windowFrom, s.windowTo, s.entered, s.passed, s.failed, s.pending])).toEqual([["on_site_inspection", "2018-09-04", "2018-09-14", 8, 6, 2, 0]]);
    expect(funnel.selected).toBe(SCREENINGS_PUBLISHED.equipment.selected);
    const outcomes = await t.db
      .selectFrom("contest_applications as a")
      .innerJoin("enterprises as e", "e.id", "a.enterprise_id")
      .select(["e.name", "a.outcome", "a.rank"])
      .where("a.contest_id", "=", id)
      .execute();
    expect(
      outcomes
        .filter((o) => o.outcome === "selected")
        .map((o) => o.name)
        .sort(),
    ).toEqual([...SCREENINGS_PUBLISHED.equipment.names].sort());
    expect(outcomes.filter((o) => o.outcome === "screened_out")).toHaveLength(2);
    expect(outcomes.every((o) => o.rank === null)).toBe(true);
    // 찬찬찬 and 커피마루 운암점 are the enterprises of the fund's demo loans, not copies of them.
    for (const name of ["찬찬찬", "커피마루 운암점"]) {
      const rows = await t.db.selectFrom("enterprises").select("id").where("name", "=", name).execute();
      expect(rows).toHaveLength(1);
    }
  });

  it("paid every selected enterprise the grant it asked for, approved by two operators, on the public ledger", async () => {
    const id = await contestId(equipmentCall.slug);
    const awards = await t.db
      .selectFrom("grant_awards as g")
      .innerJoin("contest_applications as a", "a.id", "g.application_id")
      .innerJoin("disbursements as d", "d.grant_award_id", "g.id")
      .select(["g.id", "g.amount_won", "a.budget_won", "d.id as disbursement", "d.state", "d.amount_won as paid", "d.ledger_entry_id"])
      .where("g.contest_id", "=", id)
      .execute();
    expect(awards).toHaveLength(6);
    const operators = [await userId(t, "center@hamkke.demo"), await userId(t, "center2@hamkke.demo")].sort();
    for (const award of awards) {
      expect([award.amount_won, award.paid, award.state]).toEqual([award.budget_won, award.budget_won, "paid"]);
      const approvers = await t.db.selectFrom("disbursement_approvals").select("approver_id").where("disbursement_id", "=", award.disbursement).execute();
      expect(approvers.map((a) => a.approver_id).sort()).toEqual(operators);
    }
    const ledger = await sql<{ kind: string; n: number; won: string }>`
      SELECT e.kind, count(DISTINCT e.seq)::int AS n, sum(l.amount_won) FILTER (WHERE l.amount_won > 0)::text AS won
      FROM journal_entries e JOIN journal_lines l ON l.entry_seq = e.seq
      WHERE (e.canonical::jsonb)->'refs'->>'contest' = ${equipmentCall.slug} GROUP BY e.kind ORDER BY e.kind`.execute(t.db);
    const total = equipmentCall.applicants.filter((a) => a.passed).reduce((sum, a) => sum + a.requestedWon, 0);
    expect(ledger.rows).toEqual([
      { kind: "disbursement.paid", n: 6, won: String(total) },
      { kind: "grant.awarded", n: 6, won: String(total) },
    ]);
    expect((await verifyStoredLedger(t.db)).ok).toBe(true);
  });

  it("shows on the contests list, the host's page, its own page and its results, with a CSV of the same figures", async () => {
    expect(await page("/contests")).toContain(equipmentCall.title);
    const host = await page("/hosts/gj-jahwal");
    expect(host).toContain(equipmentCall.title);
    expect(host).toContain(certificateProgramme.title);
    const contest = await page(`/contests/${equipmentCall.slug}`);
    expect(contest).toContain(ko.screening.summary(8, 6));
    for (const name of SCREENINGS_PUBLISHED.equipment.names) expect(contest).toContain(name);
    const results = await page(`/contests/${equipmentCall.slug}/results`);
    expect(results).toContain(ko.screening.summary(8, 6));
    expect(results).toContain('data-testid="ledger-entries"');
    expect(results).toContain("31,400,000원");
    const report = await app.client().get(`/contests/${equipmentCall.slug}/report`);
    expect([report.status, report.headers.get("Location")]).toEqual([302, `/contests/${equipmentCall.slug}/results`]);

    const response = await app.client().get(`/contests/${equipmentCall.slug}/results.csv`);
    expect(response.headers.get("Content-Type")).toContain("text/csv");
    const rows = parseCsv(await response.text());
    const blank = rows.findIndex((r) => r.length === 1 && r[0] === "");
    const [funnelHeader, ...funnel] = rows.slice(0, blank);
    const [selectedHeader, ...selected] = rows.slice(blank + 1).filter((r) => r.some((c) => c !== ""));
    expect(funnelHeader).toEqual([...FUNNEL_CSV_HEADER]);
    expect(funnel.map((r) => [r[0], r[5], r[6]])).toEqual([
      ["application", "8", "8"],
      ["1", "8", "6"],
      ["selection", "6", "6"],
    ]);
    expect(selectedHeader).toEqual([...SELECTED_CSV_HEADER]);
    expect(selected.map((r) => r[0]).sort()).toEqual([...SCREENINGS_PUBLISHED.equipment.names].sort());
    for (const r of selected) expect([r[3], r[4]]).toEqual([r[5], r[5]]);
  });
});

describe("the 자격증 취득 과정 programme in the demo data", () => {
  it("screened 53 people by documents and interview and selected 42", async () => {
    const funnel = await getScreeningFunnel(t.db, await contestId(certificateProgramme.slug));
    expect(funnel.applicants).toBe(SCREENINGS_PUBLISHED.certificates.applicants);
    expect(funnel.steps.map((s) => [s.kind, s.entered, s.passed, s.failed, s.pending])).toEqual([
      ["document_review", 53, 48, 5, 0],
      ["interview", 48, 42, 6, 0],
    ]);
    expect(funnel.selected).toBe(SCREENINGS_PUBLISHED.certificates.selected);
  });

  it("shows the funnel and the courses to the public, and nobody's intake entry, course of a person or screening note", async () => {
    const id = await contestId(certificateProgramme.slug);
    const notes = await t.db
      .selectFrom("contest_screening_results as r")
      .innerJoin("contest_screening_steps as s", "s.id", "r.step_id")
      .select("r.note")
      .distinct()
      .where("s.contest_id", "=", id)
      .where("r.note", "<>", "")
      .execute();
    expect(notes.length).toBeGreaterThan(0);
    for (const path of [`/contests/${certificateProgramme.slug}`, `/contests/${certificateProgramme.slug}/results`]) {
      const html = await page(path);
      expect(html).toContain(ko.screening.peopleSummary(53, 42));
      for (const course of certificateProgramme.courses) expect(html).toContain(course.title);
      for (const { note } of notes) expect(html).not.toContain(note);
      expect(html).not.toContain(ko.screening.intakeNo(1));
    }
    const rows = parseCsv(await (await app.client().get(`/contests/${certificateProgramme.slug}/results.csv`)).text());
    const header = rows.findIndex((r) => r[0] === COURSES_CSV_HEADER[0]);
    expect(rows[header]).toEqual([...COURSES_CSV_HEADER]);
    const courses = rows.slice(header + 1).filter((r) => r.length === 3);
    expect(courses).toHaveLength(certificateProgramme.courses.length);
    expect(courses.reduce((sum, r) => sum + Number(r[1]), 0)).toBe(53);
    expect(courses.reduce((sum, r) => sum + Number(r[2]), 0)).toBe(42);
  });

  it("shows the intake entries and their notes to the centre's operators only", async () => {
    const id = await contestId(certificateProgramme.slug);
    const html = await page(`/staff/contests/${id}/applications`, await as("center@hamkke.demo"));
    expect(html).toContain(ko.screening.intakeNo(53));
    expect(html).toContain("면접에 오지 않았습니다. (데모)");
    expect([403, 404]).toContain((await (await as("operator@hamkke.demo")).get(`/staff/contests/${id}/applications`)).status);
  });
});

describe("the demo seed", () => {
  it("is idempotent for the screened calls", async () => {
    const tables = ["contests", "contest_applications", "contest_courses", "contest_screening_results", "grant_awards", "disbursements", "disbursement_approvals", "journal_entries"];
    const before = await tablesDigest(t.owner, tables);
    await seedDemoData(t.owner, "2026-11-24");
    expect(await tablesDigest(t.owner, tables)).toBe(before);
  });
});

describe("a training programme run by an operator", () => {
  const slug = "gj-jahwal-test-training";
  let id = 0;
  let operator: TestClient;
  const today = seoulDate(new Date("2026-11-24T03:00:00Z"));

  async function expectRedirect(response: Response): Promise<void> {
    const body = response.status === 302 ? "" : await response.text();
    expect(response.status, body.match(/role="alert"[^>]*>[^<]*/g)?.join(" | ")).toBe(302);
  }
  async function expectRefused(response: Response, status: number, message: string): Promise<void> {
    expect(response.status).toBe(status);
    expect(await response.text()).toContain(message);
  }

  it("is created, given courses, steps and intake entries, and refuses bad input with a message", async () => {
    operator = await as("center@hamkke.demo");
    const hostId = (await t.db.selectFrom("host_organisations").select("id").where("key", "=", "gj-jahwal").executeTakeFirstOrThrow()).id;
    await expectRedirect(
      await operator.post("/staff/contests/new", {
        hostId: String(hostId),
        slug,
        title: "시험 양성 과정",
        kind: "training",
        purpose: "",
        fields: "",
        eligibleRegions: "",
        ageMin: "",
        ageMax: "",
        applicationsOpenOn: today,
        applicationsCloseOn: today,
        selectCount: "1",
        juryWeightPct: "100",
        peerWeightPct: "0",
      }),
    );
    id = await contestId(slug);
    const here = `/staff/contests/${id}/applications`;
    await expectRefused(await operator.post(here, { intent: "addCourse", title: "", note: "" }), 422, ko.errors.required);
    await expectRedirect(await operator.post(here, { intent: "addCourse", title: "요양보호사", note: "" }));
    await expectRefused(await operator.post(here, { intent: "addCourse", title: "요양보호사", note: "" }), 409, ko.errors.courseExists);
    const [course] = await t.db.selectFrom("contest_courses").select("id").where("contest_id", "=", id).execute();
    await expectRefused(await operator.post(here, { intent: "registerIntake", courseId: "abc" }), 422, ko.errors.invalidNumber);
    await expectRefused(await operator.post(here, { intent: "registerIntake", courseId: "999999" }), 422, ko.errors.invalidChoice);
    await expectRedirect(await operator.post(here, { intent: "registerIntake", courseId: String(course?.id) }));
    await expectRedirect(await operator.post(here, { intent: "registerIntake", courseId: String(course?.id) }));
    const entries = await t.db.selectFrom("contest_applications").select(["intake_no", "enterprise_id", "status"]).where("contest_id", "=", id).orderBy("intake_no").execute();
    expect(entries).toEqual([
      { intake_no: 1, enterprise_id: null, status: "submitted" },
      { intake_no: 2, enterprise_id: null, status: "submitted" },
    ]);
    await expectRedirect(await operator.post(here, { intent: "addStep", kind: "interview", title: "면접", windowFrom: "", windowTo: "" }));
  });

  it("selects by screening: refused without every decision and while more passed than places, then done once", async () => {
    const here = `/staff/contests/${id}/applications`;
    await expectRefused(await operator.post(here, { intent: "select" }), 409, ko.errors.screeningIncomplete);
    const [step] = await t.db.selectFrom("contest_screening_steps").select("id").where("contest_id", "=", id).execute();
    const entries = await t.db.selectFrom("contest_applications").select("id").where("contest_id", "=", id).orderBy("intake_no").execute();
    for (const entry of entries) await expectRedirect(await operator.post(here, { intent: "screen", stepId: String(step?.id), applicationId: String(entry.id), decision: "pass", note: "" }));
    await expectRefused(await operator.post(here, { intent: "select" }), 409, ko.errors.tooManyPassed);
    await expectRefused(await operator.post(here, { intent: "screen", stepId: String(step?.id), applicationId: String(entries[1]?.id), decision: "fail", note: "" }), 422, ko.errors.required);
    await expectRedirect(await operator.post(here, { intent: "screen", stepId: String(step?.id), applicationId: String(entries[1]?.id), decision: "fail", note: "일정이 맞지 않음" }));
    await expectRedirect(await operator.post(here, { intent: "select" }));
    const outcomes = await t.db.selectFrom("contest_applications").select("outcome").where("contest_id", "=", id).orderBy("intake_no").execute();
    expect(outcomes.map((o) => o.outcome)).toEqual(["selected", "screened_out"]);
    await expectRefused(await operator.post(here, { intent: "select" }), 409, ko.errors.alreadySelected);
    await expectRefused(await operator.post(here, { intent: "registerIntake", courseId: "1" }), 409, ko.errors.alreadySelected);
  });

  it("is held to its shape by the database: no enterprise application, no intake entry elsewhere, no new kind, no unscreened selection", async () => {
    const enterprise = (await t.db.selectFrom("enterprises").select("id").where("name", "=", "찬찬찬").executeTakeFirstOrThrow()).id;
    const equipment = await contestId(equipmentCall.slug);
    const refusedWith = async (constraint: string, statement: Promise<unknown>) => {
      await expect(statement).rejects.toMatchObject({ constraint_name: constraint });
    };
    await refusedWith(
      "contest_applications_applicant_kind",
      t.db.insertInto("contest_applications").values({ contest_id: id, enterprise_id: enterprise, title: "기업 신청", status: "draft" }).execute(),
    );
    const course = (await t.db.selectFrom("contest_courses").select("id").where("contest_id", "=", id).executeTakeFirstOrThrow()).id;
    await refusedWith(
      "contest_applications_applicant_kind",
      t.db.insertInto("contest_applications").values({ contest_id: equipment, intake_no: 99, course_id: course, title: "접수", status: "draft" }).execute(),
    );
    const otherCourse = (
      await t.db
        .selectFrom("contest_courses")
        .select("id")
        .where("contest_id", "=", await contestId(certificateProgramme.slug))
        .executeTakeFirstOrThrow()
    ).id;
    await refusedWith(
      "contest_applications_course_fk",
      t.db.insertInto("contest_applications").values({ contest_id: id, intake_no: 99, course_id: otherCourse, title: "접수", status: "draft" }).execute(),
    );
    await refusedWith("contests_kind_fixed", t.db.updateTable("contests").set({ kind: "grant_call" }).where("id", "=", id).execute());
    const screenedOut = await t.db.selectFrom("contest_applications").select("id").where("contest_id", "=", equipment).where("outcome", "=", "screened_out").executeTakeFirstOrThrow();
    await refusedWith("contest_applications_screened_selection", t.db.updateTable("contest_applications").set({ outcome: "selected" }).where("id", "=", screenedOut.id).execute());
    const intake = await t.db.selectFrom("contest_applications").select("id").where("contest_id", "=", id).where("intake_no", "=", 1).executeTakeFirstOrThrow();
    await refusedWith("contest_applications_final", t.db.updateTable("contest_applications").set({ course_id: course, intake_no: 7 }).where("id", "=", intake.id).execute());
  });
});
