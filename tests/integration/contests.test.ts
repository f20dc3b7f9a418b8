import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dictionaries } from "../../app/i18n/messages";
import { seedDemoData } from "../../db/seed/seed";
import { startApp, type TestApp, type TestClient } from "../support/app";
import { createDemoDatabase, type TestDatabase } from "../support/db";
import { DEMO_PASSWORD, enterpriseId, userId } from "../support/seed";
import { parseCsv } from "../../app/utils/csv";
import { seoulDateAfter } from "../support/dates";

// A whole contest on real PostgreSQL over HTTP: set-up, events, applications, screening, jury
// with a conflict, peer evaluation, selection and results; plus what the database refuses.

let t: TestDatabase;
let app: TestApp;
const ko = dictionaries.ko;

beforeAll(async () => {
  t = await createDemoDatabase();
  // The test clock: 2026-11-24 12:00 in Seoul.
  app = await startApp(t.db, { now: "2026-11-24T03:00:00Z" });
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

const clients = new Map<string, TestClient>();
async function as(email: string): Promise<TestClient> {
  let client = clients.get(email);
  if (!client) {
    client = app.client();
    await client.logIn(email, DEMO_PASSWORD);
    clients.set(email, client);
  }
  return client;
}

async function expectRedirect(response: Response, to?: RegExp): Promise<string> {
  const body = response.status === 302 ? "" : await response.text();
  const alerts = body.match(/role="alert"[^>]*>[^<]*|data-testid="error-[^"]*">[^<]*/g) ?? [];
  expect(response.status, alerts.join(" | ")).toBe(302);
  const location = response.headers.get("Location") ?? "";
  if (to) expect(location).toMatch(to);
  return location;
}

async function hostId(key: string): Promise<number> {
  return (await t.db.selectFrom("host_organisations").select("id").where("key", "=", key).executeTakeFirstOrThrow()).id;
}

describe("demo data", () => {
  it("has the Gwangsan 2016 contest with its 8 selected projects: 2 social enterprises, 6 cooperatives", async () => {
    const rows = await t.db
      .selectFrom("contest_applications as a")
      .innerJoin("contests as c", "c.id", "a.contest_id")
      .innerJoin("enterprises as e", "e.id", "a.enterprise_id")
      .select(["e.name", "e.type", "a.outcome", "a.campaign_id"])
      .where("c.slug", "=", "gwangsan-2016-1")
      .execute();
    expect(rows).toHaveLength(8);
    expect(rows.every((r) => r.outcome === "selected")).toBe(true);
    expect(rows.filter((r) => r.type === "social_enterprise")).toHaveLength(2);
    expect(rows.filter((r) => r.type === "cooperative" || r.type === "social_cooperative")).toHaveLength(6);
    expect(rows.filter((r) => r.campaign_id !== null).map((r) => r.name).sort()).toEqual(rows.map((r) => r.name).sort());
  });

  it("has the Seo-gu 2017 pitch contest: 9 teams scored by jury and peers, 5 selected, and its grant rules", async () => {
    const contest = await t.db.selectFrom("contests").select(["id", "selected_at", "jury_weight_pct", "peer_weight_pct"]).where("slug", "=", "seogu-2017").executeTakeFirstOrThrow();
    expect(contest.selected_at).not.toBeNull();
    const apps = await t.db.selectFrom("contest_applications").select(["outcome", "rank", "final_score"]).where("contest_id", "=", contest.id).orderBy("rank").execute();
    expect(apps).toHaveLength(9);
    expect(apps.filter((a) => a.outcome === "selected")).toHaveLength(5);
    expect(apps.map((a) => a.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const scores = apps.map((a) => Number(a.final_score));
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    const peers = await t.db.selectFrom("contest_peer_scores as p").innerJoin("contest_applications as a", "a.id", "p.application_id").select(sql<number>`count(*)`.as("n")).where("a.contest_id", "=", contest.id).executeTakeFirstOrThrow();
    expect(Number(peers.n)).toBe(9 * 8 * 2);
    const grant = await t.db.selectFrom("contest_grant_rules").selectAll().where("contest_id", "=", contest.id).executeTakeFirstOrThrow();
    expect([grant.pool_won, grant.cap_per_awardee_won, grant.funding_source, grant.eligible_expenses]).toEqual([20_000_000, 10_000_000, "구비 100%", ["시설공사", "재료비", "홍보비", "임차비", "경상비"]]);
    const page = await (await app.client().get("/contests/seogu-2017")).text();
    expect(page).toContain(ko.contestWork.rankingTitle);
    expect(page).toContain("20,000,000원");
  });

  it("is idempotent", async () => {
    const count = async () =>
      sql<{ n: string }>`SELECT (SELECT count(*) FROM contest_applications) || '/' || (SELECT count(*) FROM contest_jury_scores) || '/' || (SELECT count(*) FROM contest_peer_scores) || '/' || (SELECT count(*) FROM contest_events) || '/' || (SELECT count(*) FROM users) AS n`
        .execute(t.owner)
        .then((r) => r.rows[0]?.n);
    const before = await count();
    await seedDemoData(t.owner, "2026-11-24");
    expect(await count()).toBe(before);
  });
});

describe("a whole contest, from the call for projects to selection", () => {
  let contestId = 0;
  let coopApp = 0;
  let momApp = 0;
  const slug = "gwangsan-2026-test";

  it("is set up and published by an operator of the host", async () => {
    const operator = await as("operator@hamkke.demo");
    const created = await operator.post("/staff/contests/new", {
      hostId: String(await hostId("gwangsan")),
      slug,
      title: "2026 광산구 사회적경제 크라우드펀딩 공모전",
      kind: "crowdfunding",
      purpose: "주민과 함께하는 착한 프로젝트",
      fields: "돌봄, 문화예술",
      eligibleRegions: "광주 광산구",
      eligibleTypes: ["social_enterprise", "cooperative"],
      ageMin: "",
      ageMax: "",
      applicationsOpenOn: "2026-11-01",
      applicationsCloseOn: "2026-11-30",
      selectCount: "1",
      juryWeightPct: "70",
      peerWeightPct: "30",
    });
    contestId = Number((await expectRedirect(created, /\/staff\/contests\/\d+/)).match(/(\d+)/)?.[1]);
    // Publishing without criteria is refused.
    const early = await operator.post(`/staff/contests/${contestId}`, { intent: "publish" });
    expect(early.status).toBe(422);
    expect(await early.text()).toContain(ko.errors.publishIncomplete);
    await expectRedirect(await operator.post(`/staff/contests/${contestId}`, { intent: "criteria", criterionLabel: ["공동체성", "사업성", ""], criterionWeight: ["60", "40", ""] }));
    await expectRedirect(
      await operator.post(`/staff/contests/${contestId}`, { intent: "stages", pre_workshop_from: seoulDateAfter(app.services.clock.now(), -14), pre_workshop_note: "크라우드펀딩 강의", campaign_window_from: seoulDateAfter(app.services.clock.now(), 41), campaign_window_to: seoulDateAfter(app.services.clock.now(), 94) }),
    );
    await expectRedirect(await operator.post(`/staff/contests/${contestId}`, { intent: "publish" }), /notice=contestPublished/);
    const page = await (await app.client().get(`/contests/${slug}`)).text();
    expect(page).toContain("2026 광산구 사회적경제 크라우드펀딩 공모전");
    expect(page).toContain(ko.common.stageKinds.pre_workshop);
    expect(page).toContain(ko.common.stageKinds.application);
    expect(page).toContain("광주 광산구");
  });

  it("lets any operator of the host manage it, and refuses jurors and applicants", async () => {
    expect((await (await as("operator2@hamkke.demo")).get(`/staff/contests/${contestId}`)).status).toBe(200);
    expect((await (await as("juror1@hamkke.demo")).get(`/staff/contests/${contestId}`)).status).toBe(403);
    expect((await (await as("juror1@hamkke.demo")).post(`/staff/contests/${contestId}`, { intent: "publish" })).status).toBe(403);
    const applicant = app.client();
    await applicant.logIn("coop@hamkke.demo", DEMO_PASSWORD);
    expect((await applicant.get(`/staff/contests/${contestId}/jury`)).status).toBe(403);
  });

  it("takes event registrations up to the seat limit, never more, even all at once", async () => {
    const operator = await as("operator@hamkke.demo");
    await expectRedirect(await operator.post(`/staff/contests/${contestId}/events`, { kind: "briefing", title: "공모 설명회", startsAt: "2026-11-28T14:00", location: "광산구청 대회의실", seats: "3" }));
    const event = await t.db.selectFrom("contest_events").select("id").where("contest_id", "=", contestId).executeTakeFirstOrThrow();
    const people = ["coop", "mom", "play", "jahwal", "citizen", "company"].map((p) => `${p}@hamkke.demo`);
    const clientsFor = await Promise.all(people.map((p) => as(p)));
    const responses = await Promise.all(clientsFor.map((c) => c.post(`/contests/${slug}`, { intent: "register", eventId: String(event.id) })));
    expect(responses.filter((r) => r.status === 302)).toHaveLength(3);
    const refused = responses.filter((r) => r.status !== 302);
    expect(refused.every((r) => r.status === 409)).toBe(true);
    expect(await refused[0]?.text()).toContain(ko.errors.eventFull);
    const row = await t.db.selectFrom("contest_events").select("seats_taken").where("id", "=", event.id).executeTakeFirstOrThrow();
    expect(row.seats_taken).toBe(3);
    const registered = await t.db.selectFrom("contest_event_registrations").select("user_id").where("event_id", "=", event.id).execute();
    expect(registered).toHaveLength(3);
  });

  it("checks eligibility with a clear reason and keeps drafts", async () => {
    const play = await as("play@hamkke.demo");
    const seoguCoop = await enterpriseId(t, "누럭놀이단");
    const refused = await play.post(`/contests/${slug}/apply`, {
      enterpriseId: String(seoguCoop),
      intent: "submit",
      title: "서구에서 광산구로",
      summary: "요약",
      socialValue: "가치",
      budgetWon: "1,000,000",
    });
    expect(refused.status).toBe(422);
    const html = await refused.text();
    expect(html).toContain(ko.errors.notEligible);
    expect(html).toContain(ko.contestWork.reasons.region("광주 광산구"));
    expect(await t.db.selectFrom("contest_applications").select("id").where("contest_id", "=", contestId).execute()).toEqual([]);

    const coop = await as("coop@hamkke.demo");
    const draft = await coop.post(`/contests/${slug}/apply`, { enterpriseId: String(await enterpriseId(t, "함께 크는 나무 협동조합")), intent: "draft", title: "기억의 공방", summary: "", socialValue: "", budgetWon: "" });
    coopApp = Number((await expectRedirect(draft, /notice=draftSaved/)).match(/applications\/(\d+)/)?.[1]);
    // Documents go with the draft: checked by their bytes, readable by the host's jurors.
    const upload = async (name: string, bytes: Uint8Array<ArrayBuffer>) => {
      const body = new FormData();
      body.set("csrf", await coop.csrfToken());
      body.set("intent", "upload");
      body.set("label", "사업계획서");
      body.set("file", new File([bytes], name));
      const cookie = [...coop.cookies.entries()].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("; ");
      return fetch(`${app.url}/applications/${coopApp}`, { method: "POST", body, redirect: "manual", headers: { Cookie: cookie, Origin: app.url } });
    };
    const fake = await upload("plan.pdf", new TextEncoder().encode("<script>alert(1)</script>"));
    expect(fake.status).toBe(422);
    expect(await fake.text()).toContain(ko.errors.fileTypeNotAllowed);
    await expectRedirect(await upload("plan.pdf", new TextEncoder().encode("%PDF-1.4\n%demo\n")));
    const documents = await t.db.selectFrom("contest_application_documents").select("label").where("application_id", "=", coopApp).execute();
    expect(documents).toEqual([{ label: "사업계획서" }]);
    // Submitting needs the whole application.
    const incomplete = await coop.post(`/applications/${coopApp}`, { intent: "submit", title: "기억의 공방", summary: "", socialValue: "", budgetWon: "" });
    expect(incomplete.status).toBe(422);
    expect(await incomplete.text()).toContain(ko.errors.required);
    await expectRedirect(
      await coop.post(`/applications/${coopApp}`, { intent: "submit", title: "기억의 공방", summary: "가죽 공예 전시", socialValue: "세월호 유가족과 함께", budgetWon: "2,000,000원" }),
      /notice=applicationSubmitted/,
    );
    // Submitted is final.
    const edit = await coop.post(`/applications/${coopApp}`, { intent: "draft", title: "바꾼 제목", summary: "x", socialValue: "x", budgetWon: "1" });
    expect(edit.status).toBe(409);
    const mom = await as("mom@hamkke.demo");
    app.services.clock.set("2026-11-24T04:00:00Z");
    const momSubmitted = await mom.post(`/contests/${slug}/apply`, {
      enterpriseId: String(await enterpriseId(t, "병원아동보호사 협동조합 엄마 손길")),
      intent: "submit",
      title: "워킹맘 일손 돕기",
      summary: "병원 아동 보호",
      socialValue: "돌봄 공백 해소",
      budgetWon: "3000000",
    });
    momApp = Number((await expectRedirect(momSubmitted)).match(/applications\/(\d+)/)?.[1]);
    // Other people cannot see an application.
    expect((await (await as("play@hamkke.demo")).get(`/applications/${coopApp}`)).status).toBe(404);
  });

  it("screens applications step by step, and applicants see their status", async () => {
    const operator = await as("operator@hamkke.demo");
    await expectRedirect(await operator.post(`/staff/contests/${contestId}/applications`, { intent: "addStep", kind: "document_review", title: "서류 심사" }));
    const noWindow = await operator.post(`/staff/contests/${contestId}/applications`, { intent: "addStep", kind: "on_site_inspection", title: "현장 실사" });
    expect(noWindow.status).toBe(422);
    expect(await noWindow.text()).toContain(ko.errors.inspectionWindow);
    await expectRedirect(await operator.post(`/staff/contests/${contestId}/applications`, { intent: "addStep", kind: "on_site_inspection", title: "현장 실사", windowFrom: seoulDateAfter(app.services.clock.now(), 7), windowTo: seoulDateAfter(app.services.clock.now(), 16) }));
    const steps = await t.db.selectFrom("contest_screening_steps").select("id").where("contest_id", "=", contestId).orderBy("position").execute();
    // Selection needs every result first.
    const early = await operator.post(`/staff/contests/${contestId}/jury`, { intent: "select" });
    expect(early.status).toBe(409);
    expect(await early.text()).toContain(ko.errors.screeningIncomplete);
    for (const step of steps) {
      for (const applicationId of [coopApp, momApp]) {
        await expectRedirect(await operator.post(`/staff/contests/${contestId}/applications`, { intent: "screen", stepId: String(step.id), applicationId: String(applicationId), decision: "pass", note: "적합" }));
      }
    }
    const status = await (await as("coop@hamkke.demo")).get(`/applications/${coopApp}`);
    const html = await status.text();
    expect(html).toContain("현장 실사");
    expect(html).toContain(ko.contestWork.passed);
  });

  it("scores with a jury (one juror declares a conflict) and peers, hiding each juror's scores from the others", async () => {
    const operator = await as("operator@hamkke.demo");
    for (const email of ["juror1@hamkke.demo", "juror2@hamkke.demo"]) {
      await expectRedirect(await operator.post(`/staff/contests/${contestId}/jury`, { intent: "assign", userId: String(await userId(t, email)) }));
    }
    const notJuror = await operator.post(`/staff/contests/${contestId}/jury`, { intent: "assign", userId: String(await userId(t, "citizen@hamkke.demo")) });
    expect(notJuror.status).toBe(422);
    expect(await notJuror.text()).toContain(ko.errors.notAJuror);

    const criteria = await t.db.selectFrom("contest_criteria").select("id").where("contest_id", "=", contestId).orderBy("position").execute();
    const sheet = (a: number, b: number, comment: string) => ({ intent: "score", [`score_${criteria[0]?.id}`]: String(a), [`comment_${criteria[0]?.id}`]: comment, [`score_${criteria[1]?.id}`]: String(b), [`comment_${criteria[1]?.id}`]: "" });
    const juror1 = await as("juror1@hamkke.demo");
    const juror2 = await as("juror2@hamkke.demo");
    await expectRedirect(await juror1.post(`/jury/applications/${coopApp}`, sheet(90, 80, "비밀 의견 하나")));
    await expectRedirect(await juror1.post(`/jury/applications/${momApp}`, sheet(70, 90, "둘")));

    // Juror 2 sees neither juror 1's scores nor comments.
    const seen = await (await juror2.get(`/jury/applications/${coopApp}`)).text();
    expect(seen).not.toContain("비밀 의견 하나");
    expect(seen).not.toContain('value="90"');

    await expectRedirect(await juror2.post(`/jury/applications/${coopApp}`, { intent: "conflict", reason: "조합원으로 활동한 적이 있음" }), /notice=conflictDeclared/);
    const conflicted = await juror2.post(`/jury/applications/${coopApp}`, sheet(100, 100, ""));
    expect(conflicted.status).toBe(403);
    expect(await conflicted.text()).toContain(ko.errors.conflictDeclared);
    await expectRedirect(await juror2.post(`/jury/applications/${momApp}`, sheet(80, 80, "좋습니다")));
    expect(await t.db.selectFrom("contest_jury_scores").select("score").where("application_id", "=", coopApp).where("juror_id", "=", await userId(t, "juror2@hamkke.demo")).execute()).toEqual([]);

    // A juror not on this jury, and anyone else, cannot open the sheet.
    expect((await (await as("operator@hamkke.demo")).get(`/jury/applications/${coopApp}`)).status).toBe(404);

    const peer = (target: number, a: number, b: number) => ({ targetId: String(target), [`score_${criteria[0]?.id}`]: String(a), [`score_${criteria[1]?.id}`]: String(b) });
    const coop = await as("coop@hamkke.demo");
    const own = await coop.post(`/applications/${coopApp}/peer`, peer(coopApp, 100, 100));
    expect(own.status).toBe(403);
    expect(await own.text()).toContain(ko.errors.cannotScoreOwn);
    await expectRedirect(await coop.post(`/applications/${coopApp}/peer`, peer(momApp, 60, 60)));
    await expectRedirect(await (await as("mom@hamkke.demo")).post(`/applications/${momApp}/peer`, peer(coopApp, 95, 95)));
    expect((await (await as("play@hamkke.demo")).post(`/applications/${coopApp}/peer`, peer(momApp, 1, 1))).status).toBe(404);
  });

  it("selects the top N by the formula, publishes the ranking and shows each applicant their scores", async () => {
    const applicantBefore = await (await as("coop@hamkke.demo")).get(`/applications/${coopApp}`);
    expect(await applicantBefore.text()).toContain(ko.contestWork.resultsWaiting);
    const operator = await as("operator@hamkke.demo");
    await expectRedirect(await operator.post(`/staff/contests/${contestId}/jury`, { intent: "select" }), /notice=selectionDone/);
    // coop: jury 0.6×90+0.4×80 = 86, peer 0.6×95+0.4×95 = 95 → 0.7×86 + 0.3×95 = 88.7
    // mom: jury mean of 78 and 80 = 79, peer 60 → 0.7×79 + 0.3×60 = 73.3
    const ranked = await t.db.selectFrom("contest_applications").select(["id", "rank", "outcome", "final_score", "jury_score", "peer_score"]).where("contest_id", "=", contestId).orderBy("rank").execute();
    expect(ranked.map((r) => [r.id, r.rank, r.outcome, Number(r.final_score), Number(r.jury_score), Number(r.peer_score)])).toEqual([
      [coopApp, 1, "selected", 88.7, 86, 95],
      [momApp, 2, "not_selected", 73.3, 79, 60],
    ]);
    const again = await operator.post(`/staff/contests/${contestId}/jury`, { intent: "select" });
    expect(again.status).toBe(409);

    const applicant = await (await (await as("mom@hamkke.demo")).get(`/applications/${momApp}`)).text();
    expect(applicant).toContain(ko.contestWork.juror(1));
    expect(applicant).toContain(ko.contestWork.juror(2));
    expect(applicant).toContain("좋습니다");
    expect(applicant).not.toContain("박심사");
    const ranking = await (await app.client().get(`/contests/${slug}`)).text();
    expect(ranking).toContain("88.7");
    expect(ranking).toContain(ko.contestWork.outcomes.selected);

    const csv = await operator.get(`/staff/contests/${contestId}/scores.csv`);
    expect(csv.headers.get("Content-Type")).toContain("text/csv");
    const text = await csv.text();
    const cells = parseCsv(text).flat();
    expect(cells).toContain("비밀 의견 하나");
    expect(cells).toContain("88.7");
    expect((await (await as("juror1@hamkke.demo")).get(`/staff/contests/${contestId}/scores.csv`)).status).toBe(403);
  });

  it("refuses scores after selection, in the database too", async () => {
    const juror = await userId(t, "juror1@hamkke.demo");
    const criterion = await t.db.selectFrom("contest_criteria").select("id").where("contest_id", "=", contestId).executeTakeFirstOrThrow();
    await expect(sql`UPDATE contest_jury_scores SET score = 1 WHERE application_id = ${coopApp} AND juror_id = ${juror} AND criterion_id = ${criterion.id}`.execute(t.db)).rejects.toThrow(/cannot be scored now/);
    await expect(sql`DELETE FROM contest_jury_scores WHERE application_id = ${coopApp}`.execute(t.db)).rejects.toThrow(/final after selection/);
    await expect(sql`UPDATE contests SET peer_weight_pct = 0, jury_weight_pct = 100 WHERE id = ${contestId}`.execute(t.db)).rejects.toThrow(/already selected/);
  });
});

describe("deadlines", () => {
  it("refuses a submission after the deadline by the server clock, writing nothing", async () => {
    const operator = await as("operator@hamkke.demo");
    const created = await operator.post("/staff/contests/new", {
      hostId: String(await hostId("seogu")),
      slug: "seogu-2026-deadline",
      title: "마감 시험 공모전",
      kind: "pitch",
      applicationsOpenOn: "2026-11-01",
      applicationsCloseOn: "2026-11-24",
      selectCount: "2",
      juryWeightPct: "100",
      peerWeightPct: "0",
    });
    const id = Number((await expectRedirect(created)).match(/(\d+)/)?.[1]);
    await expectRedirect(await operator.post(`/staff/contests/${id}`, { intent: "criteria", criterionLabel: ["사업성"], criterionWeight: ["100"] }));
    await expectRedirect(await operator.post(`/staff/contests/${id}`, { intent: "publish" }));
    const play = await as("play@hamkke.demo");
    const fields = { enterpriseId: String(await enterpriseId(t, "누럭놀이단")), title: "마감 직전", summary: "요약", socialValue: "가치", budgetWon: "100000" };
    // 23:59:59 in Seoul on the closing day is still in time; a draft is kept.
    app.services.clock.set("2026-11-24T14:59:59Z");
    const draft = await play.post("/contests/seogu-2026-deadline/apply", { ...fields, intent: "draft" });
    const applicationId = Number((await expectRedirect(draft)).match(/applications\/(\d+)/)?.[1]);
    app.services.clock.set("2026-11-24T15:00:00Z");
    const late = await play.post(`/applications/${applicationId}`, { ...fields, intent: "submit" });
    expect(late.status).toBe(409);
    expect(await late.text()).toContain(ko.errors.applicationsClosed);
    const row = await t.db.selectFrom("contest_applications").select(["status", "submitted_at"]).where("id", "=", applicationId).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: "draft", submitted_at: null });
    // The database refuses a late timestamp even if the application were bypassed.
    await expect(sql`UPDATE contest_applications SET status = 'submitted', eligible = true, submitted_at = '2026-11-24T15:00:00Z' WHERE id = ${applicationId}`.execute(t.db)).rejects.toThrow(/outside the window/);
    await expect(sql`UPDATE contest_applications SET status = 'submitted', eligible = false, submitted_at = '2026-11-24T14:00:00Z' WHERE id = ${applicationId}`.execute(t.db)).rejects.toThrow(/submitted_eligible/);
    app.services.clock.set("2026-11-24T03:00:00Z");
  });

  it("closes event registration at the end of the day before, in the database too", async () => {
    const contest = await t.db.selectFrom("contests").select("id").where("slug", "=", "gwangsan-2026-test").executeTakeFirstOrThrow();
    const event = await t.db
      .insertInto("contest_events")
      .values({ contest_id: contest.id, kind: "workshop", title: "당일 워크숍", starts_at: "2026-11-25T10:00:00+09:00", location: "온라인", seats: 10 })
      .returning("id")
      .executeTakeFirstOrThrow();
    const citizen = await userId(t, "citizen@hamkke.demo");
    await expect(sql`INSERT INTO contest_event_registrations (event_id, user_id, registered_at) VALUES (${event.id}, ${citizen}, '2026-11-25T00:00:00+09:00')`.execute(t.db)).rejects.toThrow(/closed the day before/);
    app.services.clock.set("2026-11-24T15:30:00Z");
    const late = await (await as("citizen@hamkke.demo")).post("/contests/gwangsan-2026-test", { intent: "register", eventId: String(event.id) });
    expect(late.status).toBe(409);
    expect(await late.text()).toContain(ko.errors.registrationClosed);
    app.services.clock.set("2026-11-24T03:00:00Z");
    await expectRedirect(await (await as("citizen@hamkke.demo")).post("/contests/gwangsan-2026-test", { intent: "register", eventId: String(event.id) }));
  });
});

describe("what the database refuses, by direct SQL as the app role", () => {
  let contestId = 0;
  let appA = 0;
  let appB = 0;
  let criterion = 0;
  let juror1 = 0;
  let juror2 = 0;
  let coopOwner = 0;
  let momOwner = 0;

  beforeAll(async () => {
    const host = await hostId("gwangsan");
    const contest = await t.owner
      .insertInto("contests")
      .values({ slug: "db-rules-test", host_id: host, title: "DB 규칙", select_count: 1, applications_open_on: "2026-11-01", applications_close_on: "2026-11-30", jury_weight_pct: 70, peer_weight_pct: 30 })
      .returning("id")
      .executeTakeFirstOrThrow();
    contestId = contest.id;
    criterion = (await t.owner.insertInto("contest_criteria").values({ contest_id: contestId, position: 1, label: "사업성", weight_pct: 100 }).returning("id").executeTakeFirstOrThrow()).id;
    const submit = async (name: string) =>
      (
        await t.owner
          .insertInto("contest_applications")
          .values({ contest_id: contestId, enterprise_id: await enterpriseId(t, name), title: name, summary: "s", social_value: "v", budget_won: 1000, status: "submitted", eligible: true, submitted_at: "2026-11-20T00:00:00Z" })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id;
    appA = await submit("함께 크는 나무 협동조합");
    appB = await submit("병원아동보호사 협동조합 엄마 손길");
    juror1 = await userId(t, "juror1@hamkke.demo");
    juror2 = await userId(t, "juror2@hamkke.demo");
    coopOwner = await userId(t, "coop@hamkke.demo");
    momOwner = await userId(t, "mom@hamkke.demo");
    await t.owner.insertInto("contest_jurors").values({ contest_id: contestId, user_id: juror1, assigned_by: juror1, assigned_at: "2026-11-21T00:00:00Z" }).execute();
  });

  const score = (application: number, juror: number) =>
    sql`INSERT INTO contest_jury_scores (application_id, juror_id, criterion_id, score, scored_at) VALUES (${application}, ${juror}, ${criterion}, 50, now())`.execute(t.db);
  const peer = (application: number, evaluator: number, user: number) =>
    sql`INSERT INTO contest_peer_scores (application_id, evaluator_application_id, evaluator_user_id, criterion_id, score, scored_at) VALUES (${application}, ${evaluator}, ${user}, ${criterion}, 50, now())`.execute(t.db);

  it("a conflicted juror cannot score, and a juror who scored cannot quietly declare a conflict", async () => {
    await sql`INSERT INTO contest_conflicts (application_id, juror_id, reason, declared_at) VALUES (${appA}, ${juror1}, '가족', now())`.execute(t.db);
    await expect(score(appA, juror1)).rejects.toThrow(/declared a conflict/);
    await score(appB, juror1);
    await expect(sql`INSERT INTO contest_conflicts (application_id, juror_id, reason, declared_at) VALUES (${appB}, ${juror1}, '뒤늦게', now())`.execute(t.db)).rejects.toThrow(/already scored/);
  });

  it("a juror not on this jury cannot score", async () => {
    await expect(score(appA, juror2)).rejects.toThrow(/not on the jury/);
    await expect(sql`INSERT INTO contest_jurors (contest_id, user_id, assigned_by, assigned_at) VALUES (${contestId}, ${coopOwner}, ${juror1}, now())`.execute(t.db)).rejects.toThrow(/not a juror/);
  });

  it("an applicant cannot peer-score itself, nor through a member of the evaluated enterprise", async () => {
    await expect(peer(appA, appA, coopOwner)).rejects.toThrow(/cannot peer-score|contest_peer_scores_not_self/);
    await expect(peer(appB, appA, momOwner)).rejects.toThrow(/cannot peer-score/);
    await peer(appB, appA, coopOwner);
  });

  it("criteria freeze once scoring started", async () => {
    await expect(sql`UPDATE contest_criteria SET weight_pct = 50 WHERE id = ${criterion}`.execute(t.db)).rejects.toThrow(/frozen/);
  });

  it("never over-books an event, whatever the concurrency", async () => {
    const event = await t.db
      .insertInto("contest_events")
      .values({ contest_id: contestId, kind: "workshop", title: "동시 신청", starts_at: `${seoulDateAfter(app.services.clock.now(), 16)}T10:00:00+09:00`, location: "온라인", seats: 5 })
      .returning("id")
      .executeTakeFirstOrThrow();
    const users = await t.db.selectFrom("users").select("id").orderBy("id").limit(20).execute();
    const results = await Promise.allSettled(users.map((u) => sql`INSERT INTO contest_event_registrations (event_id, user_id, registered_at) VALUES (${event.id}, ${u.id}, '2026-11-24T00:00:00Z')`.execute(t.db)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(5);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(rejected.every((r) => /contest_events_not_overbooked/.test(String((r.reason as { constraint_name?: string }).constraint_name ?? r.reason)))).toBe(true);
    const row = await t.db.selectFrom("contest_events").select("seats_taken").where("id", "=", event.id).executeTakeFirstOrThrow();
    expect(row.seats_taken).toBe(5);
    await expect(sql`UPDATE contest_events SET seats_taken = 0 WHERE id = ${event.id}`.execute(t.db)).rejects.toThrow(/kept by registrations/);
    await expect(sql`UPDATE contest_events SET seats = 4 WHERE id = ${event.id}`.execute(t.db)).rejects.toThrow(/not_overbooked/);
  });

  it("a contest cannot be published without criteria summing to 100", async () => {
    const host = await hostId("seogu");
    const bare = await t.db.insertInto("contests").values({ slug: "bare-contest", host_id: host, title: "기준 없음", select_count: 1, applications_open_on: "2026-11-01", applications_close_on: "2026-11-30" }).returning("id").executeTakeFirstOrThrow();
    await expect(sql`UPDATE contests SET published = true WHERE id = ${bare.id}`.execute(t.db)).rejects.toThrow(/criteria weights sum to 0/);
  });
});
