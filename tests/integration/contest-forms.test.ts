import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addScreeningStep, saveApplication } from "../../app/contests/applications.server";
import { assignJuror, createContest, publishContest, replaceCriteria } from "../../app/contests/setup.server";
import { dictionaries } from "../../app/i18n/messages";
import type { ErrorKey } from "../../app/i18n/messages/errors";
import { startApp, type TestApp, type TestClient } from "../support/app";
import { createDemoDatabase, type TestDatabase } from "../support/db";
import { seoulDateAfter } from "../support/dates";
import { DEMO_PASSWORD, enterpriseId, userId } from "../support/seed";

// Bad input on every contest form, in Korean and in English: a clear message in the reader's
// language, a 4xx, and nothing written.

let t: TestDatabase;
let app: TestApp;
/** The app clock's fixed start; stage dates below are days after it. */
const APP_START = new Date("2026-11-24T03:00:00Z");
const ids = { contest: 0, draftContest: 0, coopApp: 0, momApp: 0, playDraft: 0, step: 0, criterion: 0, event: 0, seoguHost: 0, fundHost: 0, jahwal: 0 };

const settings = {
  title: "양식 시험 공모전",
  kind: "crowdfunding",
  purpose: "",
  fields: "",
  eligibleRegions: "",
  ageMin: "19",
  ageMax: "99",
  applicationsOpenOn: "2026-11-01",
  applicationsCloseOn: "2026-11-30",
  selectCount: "1",
  juryWeightPct: "70",
  peerWeightPct: "30",
};

const applicationFields = { title: "프로젝트", summary: "요약", socialValue: "가치", budgetWon: "1000000", representativeBirthDate: "1980-05-05" };

beforeAll(async () => {
  t = await createDemoDatabase();
  app = await startApp(t.db, { now: APP_START.toISOString() });
  const now = app.services.clock.now();
  const operator = await userId(t, "operator@hamkke.demo");
  const gwangsan = (await t.db.selectFrom("host_organisations").select("id").where("key", "=", "gwangsan").executeTakeFirstOrThrow()).id;
  ids.seoguHost = (await t.db.selectFrom("host_organisations").select("id").where("key", "=", "seogu").executeTakeFirstOrThrow()).id;
  ids.fundHost = (await t.db.selectFrom("host_organisations").select("id").where("key", "=", "jb-jahwal").executeTakeFirstOrThrow()).id;
  const parsedSettings = {
    title: settings.title,
    kind: "crowdfunding" as const,
    purpose: "",
    fields: [],
    eligibleRegions: [],
    eligibleTypes: [],
    ageMin: 19,
    ageMax: 99,
    applicationsOpenOn: "2026-11-01",
    applicationsCloseOn: "2026-11-30",
    selectCount: 1,
    juryWeightPct: 70,
    peerWeightPct: 30,
  };
  ids.jahwal = await enterpriseId(t, "커피마루 운암점");
  ids.contest = await createContest(t.db, operator, { ...parsedSettings, hostId: gwangsan, slug: "forms-test" }, now);
  await replaceCriteria(t.db, ids.contest, [{ label: "사업성", weightPct: 100 }]);
  await publishContest(t.db, ids.contest, now);
  ids.draftContest = await createContest(t.db, operator, { ...parsedSettings, hostId: gwangsan, slug: "forms-test-draft" }, now);
  ids.criterion = (await t.db.selectFrom("contest_criteria").select("id").where("contest_id", "=", ids.contest).executeTakeFirstOrThrow()).id;
  const input = { title: "프로젝트", summary: "요약", socialValue: "가치", budgetWon: 1_000_000, residenceDistrict: null, representativeBirthDate: "1980-05-05" };
  const apply = async (email: string, name: string, submit: boolean) =>
    saveApplication(t.db, { contestId: ids.contest, enterpriseId: await enterpriseId(t, name), applicationId: null, userId: await userId(t, email), input, submit, now });
  ids.coopApp = await apply("coop@hamkke.demo", "함께 크는 나무 협동조합", true);
  ids.momApp = await apply("mom@hamkke.demo", "병원아동보호사 협동조합 엄마 손길", true);
  ids.playDraft = await apply("play@hamkke.demo", "누럭놀이단", false);
  await addScreeningStep(t.db, ids.contest, { kind: "document_review", title: "서류 심사", windowFrom: null, windowTo: null });
  ids.step = (await t.db.selectFrom("contest_screening_steps").select("id").where("contest_id", "=", ids.contest).executeTakeFirstOrThrow()).id;
  await assignJuror(t.db, ids.contest, await userId(t, "juror1@hamkke.demo"), operator, now);
  ids.event = (
    await t.db.insertInto("contest_events").values({ contest_id: ids.contest, kind: "briefing", title: "설명회", starts_at: "2026-11-28T05:00:00Z", location: "구청", seats: 10 }).returning("id").executeTakeFirstOrThrow()
  ).id;
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

async function snapshot(): Promise<string> {
  const result = await sql<{ digest: string }>`
    SELECT md5(concat_ws('|',
      (SELECT string_agg(c::text, ',' ORDER BY id) FROM contests c),
      (SELECT string_agg(c::text, ',' ORDER BY id) FROM contest_criteria c),
      (SELECT string_agg(s::text, ',' ORDER BY id) FROM contest_stages s),
      (SELECT string_agg(e::text, ',' ORDER BY id) FROM contest_events e),
      (SELECT string_agg(r::text, ',' ORDER BY event_id, user_id) FROM contest_event_registrations r),
      (SELECT string_agg(a::text, ',' ORDER BY id) FROM contest_applications a),
      (SELECT string_agg(s::text, ',' ORDER BY id) FROM contest_screening_steps s),
      (SELECT string_agg(r::text, ',' ORDER BY step_id, application_id) FROM contest_screening_results r),
      (SELECT string_agg(j::text, ',' ORDER BY contest_id, user_id) FROM contest_jurors j),
      (SELECT string_agg(k::text, ',' ORDER BY application_id, juror_id) FROM contest_conflicts k),
      (SELECT string_agg(s::text, ',' ORDER BY application_id, juror_id, criterion_id) FROM contest_jury_scores s),
      (SELECT string_agg(p::text, ',' ORDER BY application_id, evaluator_application_id, criterion_id) FROM contest_peer_scores p)
    )) AS digest`.execute(t.owner);
  return result.rows[0]?.digest ?? "";
}

interface BadCase {
  label: string;
  path: () => string;
  as: string;
  fields: () => Record<string, string | string[]>;
  expect: ErrorKey[];
}

const staff = () => `/staff/contests/${ids.contest}`;
const score = (value: string, comment = "") => ({ intent: "score", [`score_${ids.criterion}`]: value, [`comment_${ids.criterion}`]: comment });

const cases: BadCase[] = [
  { label: "new contest with nothing", path: () => "/staff/contests/new", as: "operator@hamkke.demo", fields: () => ({}), expect: ["required"] },
  {
    label: "new contest with a bad address, reversed window, weights over 100 and a reversed age band",
    path: () => "/staff/contests/new",
    as: "operator@hamkke.demo",
    fields: () => ({ ...settings, hostId: String(ids.seoguHost), slug: "Bad Slug!", applicationsCloseOn: "2026-10-01", peerWeightPct: "40", ageMin: "40", ageMax: "20" }),
    expect: ["slugFormat", "closeBeforeOpen", "weightsSum", "ageBand"],
  },
  {
    label: "new contest with an unknown enterprise type, a huge title and an overflowing count",
    path: () => "/staff/contests/new",
    as: "operator@hamkke.demo",
    fields: () => ({ ...settings, hostId: String(ids.seoguHost), slug: "another-one", eligibleTypes: ["bank"], title: "가".repeat(5000), selectCount: "99999999999999999999" }),
    expect: ["invalidChoice", "tooLong", "invalidNumber"],
  },
  { label: "new contest at a taken address", path: () => "/staff/contests/new", as: "operator@hamkke.demo", fields: () => ({ ...settings, hostId: String(ids.seoguHost), slug: "gwangsan-2016-1" }), expect: ["slugTaken"] },
  { label: "new contest for a host one does not operate", path: () => "/staff/contests/new", as: "operator@hamkke.demo", fields: () => ({ ...settings, hostId: String(ids.fundHost), slug: "not-mine" }), expect: ["invalidChoice"] },
  { label: "settings with an impossible date", path: staff, as: "operator@hamkke.demo", fields: () => ({ ...settings, intent: "settings", applicationsOpenOn: "2026-02-30" }), expect: ["invalidDate"] },
  { label: "criteria not summing to 100", path: staff, as: "operator@hamkke.demo", fields: () => ({ intent: "criteria", criterionLabel: ["가", "나"], criterionWeight: ["50", "40"] }), expect: ["weightsSum"] },
  { label: "criteria with a non-numeric weight", path: staff, as: "operator@hamkke.demo", fields: () => ({ intent: "criteria", criterionLabel: ["가"], criterionWeight: ["abc"] }), expect: ["invalidWeight"] },
  { label: "criteria with a weight but no name", path: staff, as: "operator@hamkke.demo", fields: () => ({ intent: "criteria", criterionLabel: [""], criterionWeight: ["100"] }), expect: ["required"] },
  { label: "stages with a bad date", path: staff, as: "operator@hamkke.demo", fields: () => ({ intent: "stages", pre_workshop_from: "2025-13-01" }), expect: ["invalidDate"] },
  { label: "a stage ending before it starts", path: staff, as: "operator@hamkke.demo", fields: () => ({ intent: "stages", consulting_from: seoulDateAfter(APP_START, 16), consulting_to: seoulDateAfter(APP_START, 7) }), expect: ["closeBeforeOpen"] },
  { label: "a stage with an end but no start", path: staff, as: "operator@hamkke.demo", fields: () => ({ intent: "stages", consulting_to: seoulDateAfter(APP_START, 7) }), expect: ["required"] },
  { label: "publishing without criteria", path: () => `/staff/contests/${ids.draftContest}`, as: "operator@hamkke.demo", fields: () => ({ intent: "publish" }), expect: ["publishIncomplete"] },
  {
    label: "an event with a bad time, no seats and an unknown kind",
    path: () => `${staff()}/events`,
    as: "operator@hamkke.demo",
    fields: () => ({ kind: "party", title: "행사", startsAt: "tomorrow", location: "구청", seats: "0" }),
    expect: ["invalidChoice", "invalidDateTime", "invalidNumber"],
  },
  { label: "an event with a huge title and no place", path: () => `${staff()}/events`, as: "operator@hamkke.demo", fields: () => ({ kind: "workshop", title: "x".repeat(500), startsAt: "2026-12-01T10:00", location: "", seats: "10" }), expect: ["tooLong", "required"] },
  { label: "registering for an unknown event", path: () => "/contests/forms-test", as: "citizen@hamkke.demo", fields: () => ({ intent: "register", eventId: "999999" }), expect: ["invalidChoice"] },
  {
    label: "applying with a negative budget and an impossible birth date",
    path: () => "/contests/forms-test/apply",
    as: "jahwal@hamkke.demo",
    fields: () => ({ ...applicationFields, enterpriseId: String(ids.jahwal), intent: "draft", budgetWon: "-5", representativeBirthDate: "2017-02-30" }),
    expect: ["invalidAmount", "invalidDate"],
  },
  {
    label: "applying for someone else's enterprise",
    path: () => "/contests/forms-test/apply",
    as: "jahwal@hamkke.demo",
    fields: () => ({ ...applicationFields, intent: "submit", enterpriseId: "1" }),
    expect: ["invalidChoice"],
  },
  {
    label: "a draft with a bad budget, an impossible birth date and no title",
    path: () => `/applications/${ids.playDraft}`,
    as: "play@hamkke.demo",
    fields: () => ({ ...applicationFields, intent: "draft", title: "", budgetWon: "1.5", representativeBirthDate: "2017-02-30" }),
    expect: ["required", "invalidAmount", "invalidDate"],
  },
  {
    label: "submitting an incomplete application",
    path: () => `/applications/${ids.playDraft}`,
    as: "play@hamkke.demo",
    fields: () => ({ ...applicationFields, intent: "submit", summary: "", budgetWon: "" }),
    expect: ["required"],
  },
  { label: "editing a submitted application", path: () => `/applications/${ids.coopApp}`, as: "coop@hamkke.demo", fields: () => ({ ...applicationFields, intent: "draft" }), expect: ["applicationSubmitted"] },
  {
    label: "an on-site inspection without a window",
    path: () => `${staff()}/applications`,
    as: "operator@hamkke.demo",
    fields: () => ({ intent: "addStep", kind: "on_site_inspection", title: "현장 실사" }),
    expect: ["inspectionWindow"],
  },
  {
    label: "a screening step with a reversed window and an unknown kind",
    path: () => `${staff()}/applications`,
    as: "operator@hamkke.demo",
    fields: () => ({ intent: "addStep", kind: "lottery", title: "추첨", windowFrom: seoulDateAfter(APP_START, 16), windowTo: seoulDateAfter(APP_START, 7) }),
    expect: ["invalidChoice", "closeBeforeOpen"],
  },
  {
    label: "failing an application without a reason",
    path: () => `${staff()}/applications`,
    as: "operator@hamkke.demo",
    fields: () => ({ intent: "screen", stepId: String(ids.step), applicationId: String(ids.coopApp), decision: "fail", note: "" }),
    expect: ["required"],
  },
  {
    label: "screening a draft or an unknown application",
    path: () => `${staff()}/applications`,
    as: "operator@hamkke.demo",
    fields: () => ({ intent: "screen", stepId: String(ids.step), applicationId: String(ids.playDraft), decision: "pass", note: "" }),
    expect: ["invalidChoice"],
  },
  { label: "assigning a non-number as juror", path: () => `${staff()}/jury`, as: "operator@hamkke.demo", fields: () => ({ intent: "assign", userId: "abc" }), expect: ["invalidNumber"] },
  { label: "assigning someone who is not a juror", path: () => `${staff()}/jury`, as: "operator@hamkke.demo", fields: () => ({ intent: "assign", userId: "1" }), expect: ["notAJuror"] },
  { label: "selecting before screening is done", path: () => `${staff()}/jury`, as: "operator@hamkke.demo", fields: () => ({ intent: "select" }), expect: ["screeningIncomplete"] },
  { label: "a score above 100", path: () => `/jury/applications/${ids.coopApp}`, as: "juror1@hamkke.demo", fields: () => score("101"), expect: ["invalidScore"] },
  { label: "a missing score and a huge comment", path: () => `/jury/applications/${ids.coopApp}`, as: "juror1@hamkke.demo", fields: () => score("", "x".repeat(3000)), expect: ["required", "tooLong"] },
  { label: "a conflict without a reason", path: () => `/jury/applications/${ids.coopApp}`, as: "juror1@hamkke.demo", fields: () => ({ intent: "conflict", reason: " " }), expect: ["required"] },
  {
    label: "a negative peer score",
    path: () => `/applications/${ids.coopApp}/peer?target=${ids.momApp}`,
    as: "coop@hamkke.demo",
    fields: () => ({ targetId: String(ids.momApp), [`score_${ids.criterion}`]: "-1" }),
    expect: ["invalidScore"],
  },
  {
    label: "a peer score for one's own application",
    path: () => `/applications/${ids.coopApp}/peer`,
    as: "coop@hamkke.demo",
    fields: () => ({ targetId: String(ids.coopApp), [`score_${ids.criterion}`]: "100" }),
    expect: ["cannotScoreOwn"],
  },
];

const clients = new Map<string, TestClient>();
async function clientFor(email: string, locale: "ko" | "en"): Promise<TestClient> {
  const key = `${email}:${locale}`;
  let client = clients.get(key);
  if (!client) {
    client = app.client();
    await client.logIn(email, DEMO_PASSWORD);
    client.useLocale(locale);
    clients.set(key, client);
  }
  return client;
}

describe("bad input on every contest form", () => {
  for (const locale of ["ko", "en"] as const) {
    it.each(cases)(`${locale}: $label → a clear message, nothing written`, async (badCase) => {
      const client = await clientFor(badCase.as, locale);
      const before = await snapshot();
      const response = await client.post(badCase.path(), badCase.fields());
      const html = await response.text();
      expect(response.status, html.match(/role="alert"[^>]*>[^<]*/)?.[0]).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      // Long Korean values once came back with NUL bytes in the page (see app/entry.server.tsx).
      expect(html).not.toContain("\u0000");
      for (const key of badCase.expect) expect(html).toContain(dictionaries[locale].errors[key].replace(/'/g, "&#x27;"));
      expect(await snapshot()).toBe(before);
    });
  }
});
