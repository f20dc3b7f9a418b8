import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reviewCampaign, submitForReview } from "../../app/campaigns/campaigns.server";
import { assignConsultant, createRoundDrafts } from "../../app/contests/round.server";
import { requestGrantDisbursement } from "../../app/disbursements/disbursements.server";
import { recordGrantAward } from "../../app/grants/awards.server";
import { dictionaries } from "../../app/i18n/messages";
import type { ErrorKey } from "../../app/i18n/messages/errors";
import { formatDate } from "../../app/utils/dates";
import { seoulDateAfter } from "../support/dates";
import { startApp, type TestApp, type TestClient } from "../support/app";
import { createDemoDatabase, type TestDatabase } from "../support/db";
import { createSelectedContest } from "../support/round";
import { DEMO_PASSWORD, userId } from "../support/seed";

// Every new form of the round after selection (drafts, consultants, consulting comments, grant
// rules, awards, grant disbursements) with bad input, in Korean and in English: a 4xx, a clear
// message, nothing written. And who may see and do what.

let t: TestDatabase;
let app: TestApp;
const ids = {
  round: 0,
  noWindow: 0,
  pitch: 0,
  noRules: 0,
  coopCampaign: "",
  momCampaign: "",
  momCampaignId: 0,
  approvedCampaign: "",
  otherCampaignId: 0,
  award: 0,
  awardNotStarted: 0,
  awardEnded: 0,
  playApp: 0,
  goriApp: 0,
  notSelectedApp: 0,
  consultant: 0,
};

beforeAll(async () => {
  t = await createDemoDatabase();
  app = await startApp(t.db, { now: "2026-11-24T03:00:00Z" });
  const services = app.services;
  const now = services.clock.now();
  const operator = await userId(t, "operator@hamkke.demo");
  const consultant = await userId(t, "consultant@hamkke.demo");
  const round = await createSelectedContest(t.owner, {
    slug: "http-round",
    hostKey: "gwangsan",
    enterprises: ["함께 크는 나무 협동조합", "병원아동보호사 협동조합 엄마 손길", "태화루예술단"],
    selected: 3,
    campaignWindow: { from: seoulDateAfter(now, 16), to: seoulDateAfter(now, 68) },
  });
  ids.round = round.id;
  await createRoundDrafts(t.db, { contestId: round.id, operatorId: operator, now });
  const campaigns = await t.db.selectFrom("campaigns").select(["id", "slug"]).where("contest_id", "=", round.id).orderBy("id").execute();
  const [coop, mom, approved] = campaigns;
  ids.coopCampaign = coop!.slug;
  ids.momCampaign = mom!.slug;
  ids.momCampaignId = mom!.id;
  ids.consultant = consultant;
  ids.approvedCampaign = approved!.slug;
  for (const campaign of [coop!, approved!]) await assignConsultant(t.db, { contestId: round.id, campaignId: campaign.id, consultantId: consultant, operatorId: operator, now });
  await submitForReview(t.db, approved!.id, now);
  await reviewCampaign(services, { campaignId: approved!.id, reviewerId: operator, decision: "approve", comment: "" });
  ids.otherCampaignId = (await t.db.selectFrom("campaigns").select("id").where("slug", "=", "gwangsan-demo-consulting").executeTakeFirstOrThrow()).id;
  ids.noWindow = (await createSelectedContest(t.owner, { slug: "http-no-window", hostKey: "gwangsan", enterprises: ["고리"], selected: 1, campaignWindow: null })).id;

  const expenses = ["시설공사", "재료비", "홍보비", "임차비", "경상비"];
  const pitch = await createSelectedContest(t.owner, {
    slug: "http-pitch",
    hostKey: "seogu",
    kind: "pitch",
    enterprises: ["누럭놀이단", "고리", "서창들녁협동조합"],
    selected: 2,
    grantRules: { pool: 15_000_000, cap: 10_000_000, expenses },
    published: true,
  });
  ids.pitch = pitch.id;
  [ids.playApp, ids.goriApp, ids.notSelectedApp] = pitch.applications as [number, number, number];
  ids.award = (
    await recordGrantAward(t.db, {
      contestId: pitch.id,
      award: { applicationId: ids.playApp, amountWon: 10_000_000, lines: [{ category: "시설공사", amountWon: 6_000_000 }, { category: "홍보비", amountWon: 4_000_000 }] },
      awardedBy: operator,
      now,
    })
  ).id;
  // An open request the public must not see.
  await requestGrantDisbursement(services, {
    grantAwardId: ids.award,
    expenseCategory: "시설공사",
    requestedBy: await userId(t, "play@hamkke.demo"),
    kind: "expense",
    amount: 500_000,
    payee: "비공개 업체",
    description: "검토 중인 요청",
    idempotencyKey: "http-open-request",
    receipts: [],
  });
  ids.noRules = (await createSelectedContest(t.owner, { slug: "http-no-rules", hostKey: "seogu", kind: "pitch", enterprises: ["고리"], selected: 1 })).id;
  // Two more grants to 누럭놀이단 whose periods do not include the app's today (its clock: 2026-11-24 in Seoul).
  for (const [slug, period, key] of [
    ["http-pitch-later", { from: seoulDateAfter(now, 7), to: seoulDateAfter(now, 37) }, "awardNotStarted"],
    ["http-pitch-over", { from: seoulDateAfter(now, -54), to: seoulDateAfter(now, -1) }, "awardEnded"],
  ] as const) {
    const contest = await createSelectedContest(t.owner, { slug, hostKey: "seogu", kind: "pitch", enterprises: ["누럭놀이단"], selected: 1, grantRules: { pool: 1_000_000, cap: 1_000_000, expenses, period }, published: true });
    const lines = [{ category: "홍보비", amountWon: 1_000_000 }];
    ids[key] = (await recordGrantAward(t.db, { contestId: contest.id, award: { applicationId: contest.applications[0]!, amountWon: 1_000_000, lines }, awardedBy: operator, now })).id;
  }
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

async function snapshot(): Promise<string> {
  const result = await sql<{ digest: string }>`
    SELECT md5(concat_ws('|',
      (SELECT string_agg(c::text, ',' ORDER BY id) FROM campaigns c),
      (SELECT string_agg(b::text, ',' ORDER BY id) FROM budget_lines b),
      (SELECT string_agg(a::text, ',' ORDER BY id) FROM contest_applications a),
      (SELECT string_agg(k::text, ',' ORDER BY campaign_id, consultant_id) FROM campaign_consultants k),
      (SELECT string_agg(u::text, ',' ORDER BY id) FROM campaign_consultant_unassignments u),
      (SELECT string_agg(k::text, ',' ORDER BY id) FROM campaign_consultations k),
      (SELECT string_agg(r::text, ',' ORDER BY id) FROM contest_grant_rules r),
      (SELECT string_agg(g::text, ',' ORDER BY id) FROM grant_awards g),
      (SELECT string_agg(l::text, ',' ORDER BY award_id, expense_category) FROM grant_award_lines l),
      (SELECT string_agg(d::text, ',' ORDER BY id) FROM disbursements d),
      (SELECT string_agg(a::text, ',' ORDER BY disbursement_id, approver_id) FROM disbursement_approvals a),
      (SELECT count(*)::text FROM journal_entries),
      (SELECT count(*)::text FROM email_outbox)
    )) AS digest`.execute(t.owner);
  return result.rows[0]?.digest ?? "";
}

interface BadCase {
  label: string;
  path: () => string;
  as: string;
  fields: () => Record<string, string | string[]>;
  expect: ErrorKey[];
  status?: number;
}

const roundPage = () => `/staff/contests/${ids.round}/round`;
const grantsPage = () => `/staff/contests/${ids.pitch}/grants`;
const rules = { intent: "rules", title: "지원금", pool: "20,000,000", cap: "10,000,000", fundingSource: "구비 100%", expenses: "시설공사, 재료비", periodFrom: "", periodTo: "" };
const request = { intent: "request", expenseCategory: "홍보비", amount: "100,000", payee: "인쇄소", description: "전단", idempotencyKey: "http-request-key-1" };

const cases: BadCase[] = [
  { label: "drafts for a contest without a campaign window", path: () => `/staff/contests/${ids.noWindow}/round`, as: "operator@hamkke.demo", fields: () => ({ intent: "drafts" }), expect: ["roundWindowMissing"], status: 409 },
  { label: "assigning a consultant that is not a number", path: roundPage, as: "operator@hamkke.demo", fields: () => ({ intent: "assign", campaignId: "1", consultantId: "abc" }), expect: ["invalidNumber"] },
  {
    label: "assigning to a campaign id that is not one",
    path: roundPage,
    as: "operator@hamkke.demo",
    fields: () => ({ intent: "assign", campaignId: "0", consultantId: "1" }),
    expect: ["invalidNumber"],
  },
  { label: "assigning to a campaign of another contest", path: roundPage, as: "operator@hamkke.demo", fields: () => ({ intent: "assign", campaignId: String(ids.otherCampaignId), consultantId: "1" }), expect: ["invalidChoice"], status: 404 },
  {
    label: "unassigning a consultant who is not assigned to the campaign",
    path: roundPage,
    as: "operator@hamkke.demo",
    fields: () => ({ intent: "unassign", campaignId: String(ids.momCampaignId), consultantId: String(ids.consultant) }),
    expect: ["consultantNotAssigned"],
    status: 409,
  },
  { label: "unassigning with ids that are not numbers", path: roundPage, as: "operator@hamkke.demo", fields: () => ({ intent: "unassign", campaignId: "x", consultantId: "-1" }), expect: ["invalidNumber"] },
  {
    label: "unassigning from a campaign of another contest",
    path: roundPage,
    as: "operator@hamkke.demo",
    fields: () => ({ intent: "unassign", campaignId: String(ids.otherCampaignId), consultantId: String(ids.consultant) }),
    expect: ["invalidChoice"],
    status: 404,
  },
  { label: "a comment with an unknown topic and no text", path: () => `/consulting/${ids.coopCampaign}`, as: "consultant@hamkke.demo", fields: () => ({ topic: "price", body: "  " }), expect: ["invalidChoice", "required"] },
  { label: "a comment too long", path: () => `/consulting/${ids.coopCampaign}`, as: "consultant@hamkke.demo", fields: () => ({ topic: "content", body: "가".repeat(5001), requestsChanges: "on" }), expect: ["tooLong"] },
  { label: "a comment on an approved campaign", path: () => `/consulting/${ids.approvedCampaign}`, as: "consultant@hamkke.demo", fields: () => ({ topic: "rewards", body: "늦은 의견", requestsChanges: "on" }), expect: ["consultingClosed"], status: 409 },
  { label: "an award without a team and with a negative amount", path: grantsPage, as: "operator@hamkke.demo", fields: () => ({ intent: "award", applicationId: "", line_0: "-1" }), expect: ["required", "invalidAmount"] },
  { label: "an award with nothing in it", path: grantsPage, as: "operator@hamkke.demo", fields: () => ({ intent: "award", applicationId: String(ids.goriApp) }), expect: ["grantLinesRequired"] },
  { label: "an award above the cap", path: grantsPage, as: "operator@hamkke.demo", fields: () => ({ intent: "award", applicationId: String(ids.goriApp), line_1: "6,000,000", line_3: "5,000,000" }), expect: ["grantAboveCap"] },
  { label: "an award above what is left of the pool", path: grantsPage, as: "operator@hamkke.demo", fields: () => ({ intent: "award", applicationId: String(ids.goriApp), line_1: "5,000,001" }), expect: ["grantAbovePool"] },
  { label: "an award to a team not selected", path: grantsPage, as: "operator@hamkke.demo", fields: () => ({ intent: "award", applicationId: String(ids.notSelectedApp), line_1: "1,000,000" }), expect: ["grantNotSelected"] },
  { label: "a second, different award to the same team", path: grantsPage, as: "operator@hamkke.demo", fields: () => ({ intent: "award", applicationId: String(ids.playApp), line_1: "1,000,000" }), expect: ["grantAlreadyAwarded"], status: 409 },
  { label: "an award before any rules", path: () => `/staff/contests/${ids.noRules}/grants`, as: "operator@hamkke.demo", fields: () => ({ intent: "award", applicationId: "1", line_0: "1" }), expect: ["grantRulesMissing"], status: 409 },
  { label: "rules with a cap above the pool", path: () => `/staff/contests/${ids.noRules}/grants`, as: "operator@hamkke.demo", fields: () => ({ ...rules, cap: "30,000,000", expenses: " " }), expect: ["grantCapAbovePool", "required"] },
  {
    label: "rules with a category twice and a reversed period",
    path: () => `/staff/contests/${ids.noRules}/grants`,
    as: "operator@hamkke.demo",
    fields: () => ({ ...rules, expenses: "재료비, 재료비", periodFrom: "2017-11-30", periodTo: "2017-09-01" }),
    expect: ["grantDuplicateExpense"],
  },
  { label: "rules changed after awards", path: grantsPage, as: "operator@hamkke.demo", fields: () => rules, expect: ["grantRulesLocked"], status: 409 },
  { label: "a grant request above what is left of the category", path: () => `/grants/${ids.award}`, as: "play@hamkke.demo", fields: () => ({ ...request, amount: "4,000,001" }), expect: ["grantCategoryOverspent"], status: 409 },
  { label: "a grant request for a category of no plan", path: () => `/grants/${ids.award}`, as: "play@hamkke.demo", fields: () => ({ ...request, expenseCategory: "인건비" }), expect: ["invalidChoice"] },
  { label: "a grant request without payee, description or a real amount", path: () => `/grants/${ids.award}`, as: "play@hamkke.demo", fields: () => ({ ...request, amount: "1.5", payee: "", description: "" }), expect: ["invalidAmount", "required"] },
  { label: "a grant request before the grant period starts", path: () => `/grants/${ids.awardNotStarted}`, as: "play@hamkke.demo", fields: () => request, expect: ["grantPeriodNotStarted"], status: 409 },
  { label: "a grant request after the grant period ended", path: () => `/grants/${ids.awardEnded}`, as: "play@hamkke.demo", fields: () => request, expect: ["grantPeriodEnded"], status: 409 },
  { label: "rejecting a grant request without a reason", path: () => `/grants/${ids.award}`, as: "operator@hamkke.demo", fields: () => ({ intent: "decide", disbursementId: "1", decision: "reject", reason: "" }), expect: ["required"] },
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

describe("bad input on the round's forms", () => {
  for (const locale of ["ko", "en"] as const) {
    it.each(cases)(`${locale}: $label → a clear message, nothing written`, async (badCase) => {
      const client = await clientFor(badCase.as, locale);
      const before = await snapshot();
      const response = await client.post(badCase.path(), badCase.fields());
      const html = await response.text();
      expect(response.status, html.match(/role="alert"[^>]*>[^<]*/)?.[0]).toBe(badCase.status ?? 422);
      expect(html).not.toContain("\u0000");
      for (const key of badCase.expect) expect(html).toContain(dictionaries[locale].errors[key].replace(/'/g, "&#x27;"));
      expect(await snapshot()).toBe(before);
    });
  }

  it("an operator assigned as consultant is refused with a message on the field", async () => {
    const client = await clientFor("operator@hamkke.demo", "en");
    const campaign = await t.db.selectFrom("campaigns").select("id").where("slug", "=", ids.momCampaign).executeTakeFirstOrThrow();
    const before = await snapshot();
    const response = await client.post(roundPage(), { intent: "assign", campaignId: String(campaign.id), consultantId: String(await userId(t, "operator@hamkke.demo")) });
    expect(response.status).toBe(422);
    expect(await response.text()).toContain(dictionaries.en.errors.notConsultant);
    expect(await snapshot()).toBe(before);
  });
});

describe("who may see and do what", () => {
  const anonymous = () => app.client();

  it("keeps the operator's round and grant pages to operators of the contest's host", async () => {
    for (const email of ["coop@hamkke.demo", "consultant@hamkke.demo", "fund1@hamkke.demo", "juror1@hamkke.demo"]) {
      const client = await clientFor(email, "ko");
      expect((await client.get(roundPage())).status, email).toBe(403);
      expect((await client.get(grantsPage())).status, email).toBe(403);
    }
    // An operator of Gwangsan only is not an operator of Seo-gu's contest.
    const admin = await userId(t, "admin@hamkke.demo");
    await t.owner.insertInto("users").values({ email: "gwangsan-only@hamkke.demo", display_name: "광산 운영자", password_hash: (await t.owner.selectFrom("users").select("password_hash").where("email", "=", "operator@hamkke.demo").executeTakeFirstOrThrow()).password_hash }).execute();
    const gwangsan = await t.owner.selectFrom("host_organisations").select("id").where("key", "=", "gwangsan").executeTakeFirstOrThrow();
    await t.owner.insertInto("staff_roles").values({ user_id: await userId(t, "gwangsan-only@hamkke.demo"), host_id: gwangsan.id, role: "operator", granted_by: admin }).execute();
    const gwangsanOnly = await clientFor("gwangsan-only@hamkke.demo", "ko");
    expect((await gwangsanOnly.get(grantsPage())).status).toBe(403);
    expect((await gwangsanOnly.get(roundPage())).status).toBe(200);
    const before = await snapshot();
    expect((await (await clientFor("consultant@hamkke.demo", "ko")).post(roundPage(), { intent: "drafts" })).status).toBe(403);
    expect((await gwangsanOnly.post(grantsPage(), { intent: "award", applicationId: String(ids.goriApp), line_0: "1000" })).status).toBe(403);
    // The award decision of a Seo-gu grant by a Gwangsan-only operator is refused too.
    const open = await t.db.selectFrom("disbursements").select("id").where("idempotency_key", "=", "http-open-request").executeTakeFirstOrThrow();
    expect((await gwangsanOnly.post(`/grants/${ids.award}`, { intent: "decide", disbursementId: String(open.id), decision: "approve" })).status).toBe(403);
    expect(await snapshot()).toBe(before);
    expect((await anonymous().get(roundPage())).status).toBe(302);
  });

  it("shows a campaign to consult only to a consultant assigned to it", async () => {
    const consultant = await clientFor("consultant@hamkke.demo", "ko");
    expect((await consultant.get("/consulting")).status).toBe(200);
    const list = await (await consultant.get("/consulting")).text();
    expect(list).toContain("함께 크는 나무 협동조합 프로젝트");
    expect(list).not.toContain("병원아동보호사 협동조합 엄마 손길 프로젝트");
    expect((await consultant.get(`/consulting/${ids.coopCampaign}`)).status).toBe(200);
    expect((await consultant.get(`/consulting/${ids.momCampaign}`)).status).toBe(404);
    expect((await consultant.get("/consulting/no-such-campaign")).status).toBe(404);
    const before = await snapshot();
    expect((await consultant.post(`/consulting/${ids.momCampaign}`, { topic: "content", body: "배정 안 된 캠페인" })).status).toBe(404);
    // The enterprise, its operator and other users are not consultants.
    for (const email of ["coop@hamkke.demo", "operator@hamkke.demo", "citizen@hamkke.demo"]) {
      const client = await clientFor(email, "ko");
      expect((await client.get("/consulting")).status, email).toBe(403);
      expect((await client.get(`/consulting/${ids.coopCampaign}`)).status, email).toBe(404);
      expect((await client.post(`/consulting/${ids.coopCampaign}`, { topic: "content", body: "의견" })).status, email).toBe(404);
    }
    expect(await snapshot()).toBe(before);
    // Another enterprise cannot open the draft's editor (where the comments are).
    expect((await (await clientFor("mom@hamkke.demo", "ko")).get(`/campaigns/${ids.coopCampaign}/edit`)).status).toBe(403);
  });

  it("lets only the awardee request grant money, only the host's operators decide, and shows the public paid payments only", async () => {
    const before = await snapshot();
    const fields = { ...request, idempotencyKey: "http-request-key-2" };
    expect((await (await clientFor("coop@hamkke.demo", "ko")).post(`/grants/${ids.award}`, fields)).status).toBe(403);
    expect((await (await clientFor("operator@hamkke.demo", "ko")).post(`/grants/${ids.award}`, fields)).status).toBe(403);
    const open = await t.db.selectFrom("disbursements").select("id").where("idempotency_key", "=", "http-open-request").executeTakeFirstOrThrow();
    expect((await (await clientFor("play@hamkke.demo", "ko")).post(`/grants/${ids.award}`, { intent: "decide", disbursementId: String(open.id), decision: "approve" })).status).toBe(403);
    expect(await snapshot()).toBe(before);

    expect((await anonymous().get("/grants/999999")).status).toBe(404);
    expect((await anonymous().get("/grants/abc")).status).toBe(404);
    const page = await (await anonymous().get(`/grants/${ids.award}`)).text();
    expect(page).toContain("누럭놀이단");
    expect(page).toContain("10,000,000원");
    expect(page).not.toContain("검토 중인 요청");
    const insider = await (await (await clientFor("play@hamkke.demo", "ko")).get(`/grants/${ids.award}`)).text();
    expect(insider).toContain("검토 중인 요청");
    const contest = await (await anonymous().get("/contests/http-pitch")).text();
    expect(contest).toContain(dictionaries.ko.round.publicAwardsTitle);
    expect(contest).toContain(`/grants/${ids.award}`);
  });
});

describe("the grant period on the awardee's page", () => {
  it("offers the request form inside the period and says why not outside it", async () => {
    const client = await clientFor("play@hamkke.demo", "ko");
    const r = dictionaries.ko.round;
    const open = await (await client.get(`/grants/${ids.award}`)).text();
    expect(open).toContain('name="expenseCategory"');
    expect(open).not.toContain('data-testid="grant-period-closed"');
    const later = await (await client.get(`/grants/${ids.awardNotStarted}`)).text();
    expect(later).toContain(r.periodNotStarted(formatDate(seoulDateAfter(app.services.clock.now(), 7), "ko")));
    expect(later).not.toContain('name="expenseCategory"');
    const over = await (await client.get(`/grants/${ids.awardEnded}`)).text();
    expect(over).toContain(r.periodEnded(formatDate(seoulDateAfter(app.services.clock.now(), -1), "ko")));
    expect(over).not.toContain('name="expenseCategory"');
    const english = await (await (await clientFor("play@hamkke.demo", "en")).get(`/grants/${ids.awardEnded}`)).text();
    expect(english).toContain("The grant period ended on");
  });
});

describe("unassigning a consultant over HTTP", () => {
  it("takes the campaign away from the consultant, keeps their comments, and a new assignment gives it back", async () => {
    const consultant = await clientFor("consultant@hamkke.demo", "ko");
    const operator = await clientFor("operator@hamkke.demo", "ko");
    const coop = await t.db.selectFrom("campaigns").select("id").where("slug", "=", ids.coopCampaign).executeTakeFirstOrThrow();
    const posted = await consultant.post(`/consulting/${ids.coopCampaign}`, { topic: "direction", body: "배정 해제 전에 남기는 방향 의견" });
    expect(posted.status).toBe(302);

    // Only the host's operators may unassign.
    const before = await snapshot();
    for (const email of ["consultant@hamkke.demo", "coop@hamkke.demo"]) {
      expect((await (await clientFor(email, "ko")).post(roundPage(), { intent: "unassign", campaignId: String(coop.id), consultantId: String(ids.consultant) })).status, email).toBe(403);
    }
    expect(await snapshot()).toBe(before);

    const unassigned = await operator.post(roundPage(), { intent: "unassign", campaignId: String(coop.id), consultantId: String(ids.consultant) });
    expect(unassigned.status).toBe(302);
    expect(unassigned.headers.get("location")).toContain("notice=consultantUnassigned");
    expect(await t.db.selectFrom("campaign_consultant_unassignments").select(["consultant_id", "unassigned_by"]).where("campaign_id", "=", coop.id).execute()).toEqual([
      { consultant_id: ids.consultant, unassigned_by: await userId(t, "operator@hamkke.demo") },
    ]);
    const row = (await (await operator.get(roundPage())).text()).match(/data-testid="round-row-[^"]*"[\s\S]*?<\/tr>/g)?.find((html) => html.includes("함께 크는 나무 협동조합 프로젝트"));
    expect(row).toContain(dictionaries.ko.round.noConsultant);

    // The consultant no longer sees the campaign, nor can comment on it.
    const afterUnassign = await snapshot();
    expect(await (await consultant.get("/consulting")).text()).not.toContain("함께 크는 나무 협동조합 프로젝트");
    expect((await consultant.get(`/consulting/${ids.coopCampaign}`)).status).toBe(404);
    expect((await consultant.post(`/consulting/${ids.coopCampaign}`, { topic: "content", body: "해제 후 의견" })).status).toBe(404);
    expect(await snapshot()).toBe(afterUnassign);
    // What they wrote stays where the enterprise and the operator read it.
    const editor = await (await (await clientFor("coop@hamkke.demo", "ko")).get(`/campaigns/${ids.coopCampaign}/edit`)).text();
    expect(editor).toContain("배정 해제 전에 남기는 방향 의견");

    // Reassigned, the consultant has the campaign back.
    expect((await operator.post(roundPage(), { intent: "assign", campaignId: String(coop.id), consultantId: String(ids.consultant) })).status).toBe(302);
    expect((await consultant.get(`/consulting/${ids.coopCampaign}`)).status).toBe(200);
  });
});
