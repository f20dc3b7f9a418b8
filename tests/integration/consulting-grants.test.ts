import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reviewCampaign, submitForReview, updateCampaignBasics } from "../../app/campaigns/campaigns.server";
import { goLiveDueCampaigns } from "../../app/campaigns/settlement.server";
import { postConsultation } from "../../app/consulting/consulting.server";
import { assignConsultant, createRoundDrafts, unassignConsultant } from "../../app/contests/round.server";
import { approveDisbursement, requestGrantDisbursement } from "../../app/disbursements/disbursements.server";
import { getGrantAward, listContestAwards, recordGrantAward } from "../../app/grants/awards.server";
import { contestGrantSource, grantCategorySpent, grantEscrow } from "../../app/ledger/accounts";
import { getBalance, getLedgerHead, verifyStoredLedger } from "../../app/ledger/ledger.server";
import { createDatabase } from "../../app/utils/db.server";
import { drainLedger } from "../../app/ledger/sequencer.server";
import { createDemoDatabase, type TestDatabase } from "../support/db";
import { createSelectedContest, type SelectedContest } from "../support/round";
import { seedDemo, userId } from "../support/seed";
import { createTestServices, type TestServices } from "../support/services";
import { seoulDateAfter } from "../support/dates";

// The round after selection on real PostgreSQL: drafts from the selected applications,
// consultants (and the database's refusals of anyone else), the review and the joint go-live;
// grant awards within the cap and the pool, and grant money spent under four eyes.

let t: TestDatabase;
let services: TestServices;
let round: SelectedContest;
let pitch: SelectedContest;
const ROUND_ENTERPRISES = ["함께 크는 나무 협동조합", "병원아동보호사 협동조합 엄마 손길", "태화루예술단", "㈜푸른세상"];
const PITCH_ENTERPRISES = ["누럭놀이단", "고리", "서창들녁협동조합", "쌍쌍일촌 맥가이버"];
const EXPENSES = ["시설공사", "재료비", "홍보비", "임차비", "경상비"];
// The injected clock's start, and the round's campaign window after it.
const CLOCK_START = new Date("2026-11-24T03:00:00Z");
const WINDOW = { from: seoulDateAfter(CLOCK_START, 16), to: seoulDateAfter(CLOCK_START, 68) };
const WINDOW_OPENS = new Date(`${WINDOW.from}T00:00:00+09:00`);

beforeAll(async () => {
  t = await createDemoDatabase();
  services = createTestServices(t.db, CLOCK_START.toISOString());
  round = await createSelectedContest(t.owner, { slug: "round-test", hostKey: "gwangsan", enterprises: ROUND_ENTERPRISES, selected: 3, campaignWindow: WINDOW });
  pitch = await createSelectedContest(t.owner, {
    slug: "pitch-test",
    hostKey: "seogu",
    kind: "pitch",
    enterprises: PITCH_ENTERPRISES,
    selected: 3,
    grantRules: { pool: 20_000_000, cap: 10_000_000, expenses: EXPENSES },
  });
});
afterAll(async () => {
  await t?.drop();
});

async function campaignsOf(contestId: number) {
  return t.db.selectFrom("campaigns").selectAll().where("contest_id", "=", contestId).orderBy("id").execute();
}

describe("campaign drafts of the round", () => {
  it("are created once per selected application, even when the action runs twice at the same moment", async () => {
    const operator = await userId(t, "operator@hamkke.demo");
    const pools = [createDatabase(t.url, { max: 2 }), createDatabase(t.url, { max: 2 })];
    try {
      const results = await Promise.all(pools.map((pool) => createRoundDrafts(pool, { contestId: round.id, operatorId: operator, now: services.clock.now() })));
      expect(results.map((r) => r.created).sort()).toEqual([0, 3]);
    } finally {
      await Promise.all(pools.map((p) => p.destroy()));
    }
    expect(await createRoundDrafts(t.db, { contestId: round.id, operatorId: operator, now: services.clock.now() })).toEqual({ created: 0, existing: 3 });
    const campaigns = await campaignsOf(round.id);
    expect(campaigns).toHaveLength(3);
    for (const campaign of campaigns) {
      expect(campaign).toMatchObject({ state: "draft", starts_on: WINDOW.from, ends_on: WINDOW.to });
      const lines = await t.db.selectFrom("budget_lines").select("amount_won").where("campaign_id", "=", campaign.id).execute();
      expect(lines.reduce((s, l) => s + l.amount_won, 0)).toBe(campaign.goal_won);
    }
    // The enterprise edits its draft, but the round's window stays, so all open together.
    const edited = campaigns[2]!;
    await updateCampaignBasics(
      t.db,
      edited.id,
      { title: "고친 제목", summary: "", story: "", goal: edited.goal_won, fundingModel: "all_or_nothing", startsOn: seoulDateAfter(CLOCK_START, 7), endsOn: seoulDateAfter(CLOCK_START, 37) },
      services.clock.now(),
    );
    expect(await t.db.selectFrom("campaigns").select(["title", "starts_on", "ends_on"]).where("id", "=", edited.id).executeTakeFirstOrThrow()).toEqual({
      title: "고친 제목",
      starts_on: WINDOW.from,
      ends_on: WINDOW.to,
    });
    const applications = await t.db.selectFrom("contest_applications").select(["id", "campaign_id", "title", "budget_won"]).where("contest_id", "=", round.id).orderBy("id").execute();
    // The three selected applications point at their drafts, prefilled from them; the fourth has none.
    expect(applications.map((a) => a.campaign_id !== null)).toEqual([true, true, true, false]);
    for (const application of applications.slice(0, 3)) {
      const draft = campaigns.find((c) => c.id === application.campaign_id);
      expect(draft).toMatchObject({ title: application.title, goal_won: application.budget_won });
    }
  });

  it("need a campaign window and a finished selection", async () => {
    const operator = await userId(t, "operator@hamkke.demo");
    const noWindow = await createSelectedContest(t.owner, { slug: "round-no-window", hostKey: "gwangsan", enterprises: ["고리"], selected: 1, campaignWindow: null });
    await expect(createRoundDrafts(t.db, { contestId: noWindow.id, operatorId: operator, now: services.clock.now() })).rejects.toMatchObject({ code: "roundWindowMissing" });
    const unselected = await t.owner
      .insertInto("contests")
      .values({ slug: "round-unselected", host_id: round.hostId, title: "미선정", created_by: operator })
      .returning("id")
      .executeTakeFirstOrThrow();
    await expect(createRoundDrafts(t.db, { contestId: unselected.id, operatorId: operator, now: services.clock.now() })).rejects.toMatchObject({ code: "roundNotSelected" });
    expect(await campaignsOf(noWindow.id)).toEqual([]);
  });
});

describe("consultants", () => {
  it("are refused by the database unless they hold the role at the host, and may comment only where assigned", async () => {
    const [first, second] = await campaignsOf(round.id);
    const consultant = await userId(t, "consultant@hamkke.demo");
    const operator = await userId(t, "operator@hamkke.demo");
    // Direct SQL as the app role: an operator is not a consultant.
    await expect(sql`INSERT INTO campaign_consultants (campaign_id, consultant_id, assigned_by) VALUES (${first!.id}, ${operator}, ${operator})`.execute(t.db)).rejects.toThrow(/not a consultant/);
    await expect(assignConsultant(t.db, { contestId: round.id, campaignId: first!.id, consultantId: operator, operatorId: operator, now: services.clock.now() })).rejects.toMatchObject({ code: "notConsultant", field: "consultantId" });
    // A consultant of Gwangsan is not one of Seo-gu's.
    const seoguCampaign = await t.owner
      .insertInto("campaigns")
      .values({ slug: "seogu-consulting-test", enterprise_id: (await t.db.selectFrom("enterprises").select("id").where("name", "=", "누럭놀이단").executeTakeFirstOrThrow()).id, title: "서구 캠페인", goal_won: 100_000, starts_on: WINDOW.from, ends_on: seoulDateAfter(CLOCK_START, 47) })
      .returning("id")
      .executeTakeFirstOrThrow();
    await expect(sql`INSERT INTO campaign_consultants (campaign_id, consultant_id, assigned_by) VALUES (${seoguCampaign.id}, ${consultant}, ${operator})`.execute(t.db)).rejects.toThrow(/not a consultant/);

    await assignConsultant(t.db, { contestId: round.id, campaignId: first!.id, consultantId: consultant, operatorId: operator, now: services.clock.now() });
    // Twice is a no-op.
    await assignConsultant(t.db, { contestId: round.id, campaignId: first!.id, consultantId: consultant, operatorId: operator, now: services.clock.now() });
    expect(await t.db.selectFrom("campaign_consultants").select("consultant_id").where("campaign_id", "=", first!.id).execute()).toEqual([{ consultant_id: consultant }]);

    // Assigned to the first campaign only: comments on the second are refused, also as direct SQL.
    await expect(sql`INSERT INTO campaign_consultations (campaign_id, author_id, topic, body) VALUES (${second!.id}, ${consultant}, 'content', '의견')`.execute(t.db)).rejects.toThrow(/only a consultant assigned/);
    await expect(postConsultation(services, { campaignId: second!.id, consultantId: consultant, topic: "content", body: "의견", requestsChanges: false })).rejects.toMatchObject({ code: "notAssignedConsultant", status: 403 });
    // Nor may anyone else write as if they were a consultant.
    await expect(sql`INSERT INTO campaign_consultations (campaign_id, author_id, topic, body) VALUES (${first!.id}, ${operator}, 'content', '의견')`.execute(t.db)).rejects.toThrow(/only a consultant assigned/);
    await sql`INSERT INTO campaign_consultations (campaign_id, author_id, topic, body) VALUES (${first!.id}, ${consultant}, 'direction', '방향이 좋습니다')`.execute(t.db);
    // Comments are the record: the app role can neither change nor delete them.
    await expect(sql`UPDATE campaign_consultations SET body = '고침' WHERE campaign_id = ${first!.id}`.execute(t.db)).rejects.toThrow(/permission denied/);
    await expect(sql`DELETE FROM campaign_consultations WHERE campaign_id = ${first!.id}`.execute(t.db)).rejects.toThrow(/permission denied/);
  });

  it("send a submitted campaign back with a change request; revised, resubmitted and approved, the round opens together at the window start", async () => {
    const [first, second, third] = await campaignsOf(round.id);
    const consultant = await userId(t, "consultant@hamkke.demo");
    const operator = await userId(t, "operator@hamkke.demo");
    await submitForReview(t.db, first!.id, services.clock.now());
    await postConsultation(services, { campaignId: first!.id, consultantId: consultant, topic: "rewards", body: "1만 원 리워드를 추가하세요", requestsChanges: true });
    expect((await t.db.selectFrom("campaigns").select("state").where("id", "=", first!.id).executeTakeFirstOrThrow()).state).toBe("changes_requested");
    const mail = await t.db
      .selectFrom("email_outbox")
      .select(["to_address", "subject"])
      .where("template", "=", "consultationChangesRequested")
      .where(sql<string>`props->>'campaignTitle'`, "=", first!.title)
      .execute();
    expect(mail).toEqual([{ to_address: "coop@hamkke.demo", subject: `[컨설팅] ${first!.title} 캠페인 수정 요청` }]);

    await submitForReview(t.db, first!.id, services.clock.now());
    await reviewCampaign(services, { campaignId: first!.id, reviewerId: operator, decision: "approve", comment: "" });
    await submitForReview(t.db, second!.id, services.clock.now());
    await reviewCampaign(services, { campaignId: second!.id, reviewerId: operator, decision: "approve", comment: "" });
    // Consulting ends with approval.
    await expect(postConsultation(services, { campaignId: first!.id, consultantId: consultant, topic: "other", body: "늦은 의견", requestsChanges: false })).rejects.toMatchObject({ code: "consultingClosed" });

    // The day before the window nothing opens; at the window start both approved campaigns open at the same instant.
    services.clock.set(new Date(WINDOW_OPENS.getTime() - 3_600_000));
    expect(await goLiveDueCampaigns(services)).toBe(0);
    services.clock.set(WINDOW_OPENS);
    expect(await goLiveDueCampaigns(services)).toBe(2);
    const states = await t.db.selectFrom("campaigns").select(["id", "state", "went_live_at"]).where("contest_id", "=", round.id).orderBy("id").execute();
    expect(states.map((s) => s.state)).toEqual(["live", "live", "draft"]);
    expect(states[0]!.went_live_at?.getTime()).toBe(states[1]!.went_live_at?.getTime());
    expect(third!.state).toBe("draft");
    services.clock.set(CLOCK_START);
  });
});

describe("unassigning a consultant", () => {
  it("ends the assignment on the record, keeps the comments and shuts the consultant out, also as direct SQL", async () => {
    // The third draft is still open for consulting (the first two went live above).
    const [, , second] = await campaignsOf(round.id);
    const consultant = await userId(t, "consultant@hamkke.demo");
    const operator = await userId(t, "operator@hamkke.demo");
    const assignedAt = services.clock.now();
    await assignConsultant(t.db, { contestId: round.id, campaignId: second!.id, consultantId: consultant, operatorId: operator, now: assignedAt });
    await postConsultation(services, { campaignId: second!.id, consultantId: consultant, topic: "content", body: "배정 해제 전에 남긴 의견", requestsChanges: false });

    // Only an operator of the campaign's host can end it; the app role cannot delete assignments itself.
    await expect(unassignConsultant(t.db, { contestId: round.id, campaignId: second!.id, consultantId: consultant, operatorId: await userId(t, "fund1@hamkke.demo"), now: services.clock.now() })).rejects.toMatchObject({ code: "notAllowed" });
    await expect(sql`DELETE FROM campaign_consultants WHERE campaign_id = ${second!.id}`.execute(t.db)).rejects.toThrow(/permission denied/);
    expect(await t.db.selectFrom("campaign_consultants").select("consultant_id").where("campaign_id", "=", second!.id).execute()).toEqual([{ consultant_id: consultant }]);

    const unassignedAt = new Date(assignedAt.getTime() + 3_600_000);
    await unassignConsultant(t.db, { contestId: round.id, campaignId: second!.id, consultantId: consultant, operatorId: operator, now: unassignedAt });
    expect(await t.db.selectFrom("campaign_consultants").select("consultant_id").where("campaign_id", "=", second!.id).execute()).toEqual([]);
    const record = await t.db.selectFrom("campaign_consultant_unassignments").selectAll().where("campaign_id", "=", second!.id).execute();
    expect(record).toEqual([{ id: expect.any(Number), campaign_id: second!.id, consultant_id: consultant, assigned_by: operator, assigned_at: assignedAt, unassigned_by: operator, unassigned_at: unassignedAt }]);
    await expect(sql`UPDATE campaign_consultant_unassignments SET unassigned_by = ${consultant}`.execute(t.db)).rejects.toThrow(/permission denied/);
    await expect(sql`DELETE FROM campaign_consultant_unassignments`.execute(t.db)).rejects.toThrow(/permission denied/);

    // The comment stays; a new one is refused by the product and by the database.
    const comments = await t.db.selectFrom("campaign_consultations").select("body").where("campaign_id", "=", second!.id).execute();
    expect(comments).toEqual([{ body: "배정 해제 전에 남긴 의견" }]);
    await expect(postConsultation(services, { campaignId: second!.id, consultantId: consultant, topic: "content", body: "해제 후 의견", requestsChanges: false })).rejects.toMatchObject({ code: "notAssignedConsultant" });
    await expect(sql`INSERT INTO campaign_consultations (campaign_id, author_id, topic, body) VALUES (${second!.id}, ${consultant}, 'content', '직접 입력')`.execute(t.db)).rejects.toThrow(/only a consultant assigned/);

    // A second unassignment (a double click, another operator) is refused and writes nothing.
    await expect(unassignConsultant(t.db, { contestId: round.id, campaignId: second!.id, consultantId: consultant, operatorId: operator, now: services.clock.now() })).rejects.toMatchObject({ code: "consultantNotAssigned", status: 409 });
    expect(await t.db.selectFrom("campaign_consultant_unassignments").select("id").where("campaign_id", "=", second!.id).execute()).toHaveLength(1);
    // A campaign of another contest is not this contest's to change.
    const [first] = await campaignsOf(round.id);
    await expect(unassignConsultant(t.db, { contestId: pitch.id, campaignId: first!.id, consultantId: consultant, operatorId: operator, now: services.clock.now() })).rejects.toMatchObject({ code: "invalidChoice", status: 404 });

    // Assigned again (the same person or a replacement), they may comment again.
    await assignConsultant(t.db, { contestId: round.id, campaignId: second!.id, consultantId: consultant, operatorId: operator, now: services.clock.now() });
    await postConsultation(services, { campaignId: second!.id, consultantId: consultant, topic: "other", body: "다시 배정된 뒤의 의견", requestsChanges: false });
    expect(await t.db.selectFrom("campaign_consultations").select("id").where("campaign_id", "=", second!.id).execute()).toHaveLength(2);
  });

  it("leaves a consultant whose role was revoked unable to comment, even while still assigned", async () => {
    const [, , second] = await campaignsOf(round.id);
    const consultant = await userId(t, "consultant@hamkke.demo");
    const gwangsan = round.hostId;
    const role = await t.owner.selectFrom("staff_roles").selectAll().where("user_id", "=", consultant).where("host_id", "=", gwangsan).where("role", "=", "consultant").executeTakeFirstOrThrow();
    await t.owner.deleteFrom("staff_roles").where("user_id", "=", consultant).where("host_id", "=", gwangsan).where("role", "=", "consultant").execute();
    try {
      await expect(sql`INSERT INTO campaign_consultations (campaign_id, author_id, topic, body) VALUES (${second!.id}, ${consultant}, 'content', '역할 없이')`.execute(t.db)).rejects.toThrow(/only a consultant assigned/);
    } finally {
      await t.owner.insertInto("staff_roles").values(role).execute();
    }
  });
});

describe("grant awards", () => {
  const award = (applicationId: number, split: Record<string, number>) => {
    const lines = Object.entries(split).map(([category, amountWon]) => ({ category, amountWon }));
    return { applicationId, amountWon: lines.reduce((s, l) => s + l.amountWon, 0), lines };
  };

  it("are refused by the database above the cap, above the pool or for an application not selected", async () => {
    const operator = await userId(t, "operator@hamkke.demo");
    const rules = await t.db.selectFrom("contest_grant_rules").select("id").where("contest_id", "=", pitch.id).executeTakeFirstOrThrow();
    const [a, b, c] = pitch.applications;
    const notSelected = pitch.applications[3]!;
    const enterprise = async (applicationId: number) => (await t.db.selectFrom("contest_applications").select("enterprise_id").where("id", "=", applicationId).executeTakeFirstOrThrow()).enterprise_id;
    const insert = async (applicationId: number, amount: number) =>
      sql`INSERT INTO grant_awards (contest_id, application_id, enterprise_id, rules_id, amount_won, awarded_by, ledger_entry_id)
          VALUES (${pitch.id}, ${applicationId}, ${await enterprise(applicationId)}, ${rules.id}, ${amount}, ${operator}, 1)`.execute(t.db);
    await expect(insert(a!, 10_000_001)).rejects.toThrow(/above the cap/);
    await expect(insert(notSelected, 1_000_000)).rejects.toThrow(/only a selected application/);
    // Through the product: 10,000,000 + 8,000,000 of the 20,000,000 pool.
    await recordGrantAward(t.db, { contestId: pitch.id, award: award(a!, { 시설공사: 6_000_000, 홍보비: 4_000_000 }), awardedBy: operator, now: services.clock.now() });
    await recordGrantAward(t.db, { contestId: pitch.id, award: award(b!, { 임차비: 5_000_000, 경상비: 3_000_000 }), awardedBy: operator, now: services.clock.now() });
    await expect(insert(c!, 2_000_001)).rejects.toThrow(/above the grant pool/);
    const head = await getLedgerHead(t.db);
    await expect(recordGrantAward(t.db, { contestId: pitch.id, award: award(c!, { 재료비: 2_000_001 }), awardedBy: operator, now: services.clock.now() })).rejects.toMatchObject({ code: "grantAbovePool" });
    await expect(recordGrantAward(t.db, { contestId: pitch.id, award: award(notSelected, { 재료비: 100_000 }), awardedBy: operator, now: services.clock.now() })).rejects.toMatchObject({ code: "grantNotSelected" });
    await expect(recordGrantAward(t.db, { contestId: pitch.id, award: award(c!, { 인건비: 100_000 }), awardedBy: operator, now: services.clock.now() })).rejects.toMatchObject({ code: "invalidChoice" });
    expect(await getLedgerHead(t.db)).toEqual(head);
    // The app role cannot rewrite an award.
    await expect(sql`UPDATE grant_awards SET amount_won = 1 WHERE contest_id = ${pitch.id}`.execute(t.db)).rejects.toThrow(/permission denied/);
  });

  it("are recorded once in the ledger when the same award is made twice at the same moment", async () => {
    const operator = await userId(t, "operator@hamkke.demo");
    const c = pitch.applications[2]!;
    const pools = [createDatabase(t.url, { max: 2 }), createDatabase(t.url, { max: 2 })];
    try {
      const results = await Promise.all(
        pools.map((pool) => recordGrantAward(pool, { contestId: pitch.id, award: award(c, { 재료비: 1_500_000, 홍보비: 500_000 }), awardedBy: operator, now: services.clock.now() })),
      );
      expect(results.map((r) => r.created).sort()).toEqual([false, true]);
      expect(new Set(results.map((r) => r.id)).size).toBe(1);
    } finally {
      await Promise.all(pools.map((p) => p.destroy()));
    }
    const awards = await listContestAwards(t.db, pitch.id);
    expect(awards.map((x) => x.amount_won)).toEqual([10_000_000, 8_000_000, 2_000_000]);
    expect(await getBalance(t.db, contestGrantSource(pitch.id).code)).toBe(-20_000_000);
    for (const x of awards) expect(await getBalance(t.db, grantEscrow(x.id).code)).toBe(x.amount_won);
    const keys = pitch.applications.map((id) => `grant:application:${id}:awarded`);
    const entries = await t.db.selectFrom("journal_entries").select("kind").where("idempotency_key", "in", keys).execute();
    expect(entries).toEqual([{ kind: "grant.awarded" }, { kind: "grant.awarded" }, { kind: "grant.awarded" }]);
    expect((await verifyStoredLedger(t.db)).ok).toBe(true);
  });
});

describe("grant disbursements", () => {
  let awardId = 0;
  let keys = 0;
  const key = () => `grant-disbursement-test-${++keys}`;
  const request = async (category: string, amount: number, by = "play@hamkke.demo") =>
    requestGrantDisbursement(services, {
      grantAwardId: awardId,
      expenseCategory: category,
      requestedBy: await userId(t, by),
      kind: "expense",
      amount,
      payee: "서구 인테리어 협동조합",
      description: "공동체 공간 보수",
      idempotencyKey: key(),
      receipts: [new File([new TextEncoder().encode("%PDF-1.4 receipt")], "영수증.pdf")],
    });

  beforeAll(async () => {
    // 누럭놀이단 (play@) got 시설공사 6,000,000 and 홍보비 4,000,000.
    awardId = (await t.db.selectFrom("grant_awards").select("id").where("application_id", "=", pitch.applications[0]!).executeTakeFirstOrThrow()).id;
  });

  it("pay under four eyes from the award's escrow to its category, into the ledger", async () => {
    const small = await request("홍보비", 800_000);
    expect(await approveDisbursement(services, { disbursementId: small.id, approverId: await userId(t, "operator@hamkke.demo") })).toEqual({ paid: true });
    const big = await request("시설공사", 3_000_000);
    const first = await userId(t, "operator@hamkke.demo");
    expect(await approveDisbursement(services, { disbursementId: big.id, approverId: first })).toEqual({ paid: false });
    await expect(approveDisbursement(services, { disbursementId: big.id, approverId: first })).rejects.toMatchObject({ code: "alreadyApproved" });
    expect(await approveDisbursement(services, { disbursementId: big.id, approverId: await userId(t, "operator2@hamkke.demo") })).toEqual({ paid: true });
    expect(await getBalance(t.db, grantEscrow(awardId).code)).toBe(10_000_000 - 3_800_000);
    expect(await getBalance(t.db, grantCategorySpent(awardId, "시설공사").code)).toBe(3_000_000);
    const detail = await getGrantAward(t.db, awardId);
    expect(detail?.lines).toEqual([
      { category: "시설공사", plannedWon: 6_000_000, spentWon: 3_000_000 },
      { category: "홍보비", plannedWon: 4_000_000, spentWon: 800_000 },
    ]);
    const mail = await t.db
      .selectFrom("email_outbox")
      .select("to_address")
      .where("template", "=", "disbursementDecided")
      .where(sql<string>`props->>'campaignTitle'`, "=", "pitch-test 공모전")
      .execute();
    expect(mail).toEqual([{ to_address: "play@hamkke.demo" }, { to_address: "play@hamkke.demo" }]);
  });

  it("refuse the maker, members of the awardee and operators of another host, also as direct SQL", async () => {
    const { id } = await request("시설공사", 1_200_000);
    const maker = await userId(t, "play@hamkke.demo");
    await expect(approveDisbursement(services, { disbursementId: id, approverId: maker })).rejects.toMatchObject({ code: "makerCannotApprove" });
    await expect(sql`INSERT INTO disbursement_approvals (disbursement_id, approver_id) VALUES (${id}, ${maker})`.execute(t.db)).rejects.toThrow(/maker cannot approve/);
    // operator@ is an operator of Seo-gu too; the fund administrator is not.
    await expect(approveDisbursement(services, { disbursementId: id, approverId: await userId(t, "fund1@hamkke.demo") })).rejects.toMatchObject({ code: "notAllowed" });
    await sql`INSERT INTO disbursement_approvals (disbursement_id, approver_id) VALUES (${id}, ${await userId(t, "operator@hamkke.demo")})`.execute(t.db);
    await expect(sql`UPDATE disbursements SET state = 'paid', ledger_entry_id = 1, paid_at = now() WHERE id = ${id}`.execute(t.db)).rejects.toThrow(/needs 2 approval/);
  });

  it("never spend more than a category's plan, counting open requests, even when requests race", async () => {
    // 시설공사: 6,000,000 planned, 3,000,000 paid, 1,200,000 open → 1,800,000 left.
    await expect(request("시설공사", 1_800_001)).rejects.toMatchObject({ code: "grantCategoryOverspent", field: "amount" });
    await expect(request("인건비", 1_000)).rejects.toMatchObject({ code: "invalidChoice", field: "expenseCategory" });
    const requester = await userId(t, "play@hamkke.demo");
    const direct = (amount: number, category = "시설공사") =>
      sql`INSERT INTO disbursements (grant_award_id, expense_category, payee, description, amount_won, requested_by, idempotency_key)
          VALUES (${awardId}, ${category}, '업체', '직접 입력', ${amount}, ${requester}, ${key()})`.execute(t.db);
    await expect(direct(1_800_001)).rejects.toThrow(/would exceed its plan/);
    await expect(direct(1_000, "인건비")).rejects.toThrow(/is not part of grant award/);
    const pools = [createDatabase(t.url, { max: 2 }), createDatabase(t.url, { max: 2 })];
    try {
      const results = await Promise.allSettled(
        pools.map(async (pool) =>
          requestGrantDisbursement(
            { ...services, db: pool },
            { grantAwardId: awardId, expenseCategory: "시설공사", requestedBy: requester, kind: "expense", amount: 1_000_000, payee: "업체", description: "경쟁 요청", idempotencyKey: key(), receipts: [] },
          ),
        ),
      );
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect(results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason)).toMatchObject([{ code: "grantCategoryOverspent" }]);
    } finally {
      await Promise.all(pools.map((p) => p.destroy()));
    }
    const open = await t.db
      .selectFrom("disbursements")
      .select(sql<number>`sum(amount_won)::bigint`.as("total"))
      .where("grant_award_id", "=", awardId)
      .where("expense_category", "=", "시설공사")
      .where("state", "in", ["requested", "paid"])
      .executeTakeFirstOrThrow();
    expect(Number(open.total)).toBeLessThanOrEqual(6_000_000);
    expect((await verifyStoredLedger(t.db)).ok).toBe(true);
  });
});

describe("the grant period", () => {
  it("lets the awardee request money only from its first to its last Seoul day, by the app clock, and the database refuses the rest", async () => {
    const operator = await userId(t, "operator@hamkke.demo");
    const requester = await userId(t, "play@hamkke.demo");
    // The period runs from the 8th to the 38th Seoul day after the clock's start; instants are its edges in Seoul.
    const period = { from: seoulDateAfter(CLOCK_START, 7), to: seoulDateAfter(CLOCK_START, 37) };
    const seoulMidnight = (date: string) => new Date(`${date}T00:00:00+09:00`);
    const firstInstant = seoulMidnight(period.from);
    const endInstant = seoulMidnight(seoulDateAfter(CLOCK_START, 38));
    const secondBefore = (at: Date) => new Date(at.getTime() - 1000);
    const periodPitch = await createSelectedContest(t.owner, {
      slug: "pitch-period-test",
      hostKey: "seogu",
      kind: "pitch",
      enterprises: ["누럭놀이단"],
      selected: 1,
      grantRules: { pool: 5_000_000, cap: 5_000_000, expenses: EXPENSES, period },
    });
    const clock = createTestServices(t.db, CLOCK_START.toISOString());
    const { id: awardId } = await recordGrantAward(t.db, {
      contestId: periodPitch.id,
      award: { applicationId: periodPitch.applications[0]!, amountWon: 5_000_000, lines: [{ category: "재료비", amountWon: 5_000_000 }] },
      awardedBy: operator,
      now: clock.clock.now(),
    });
    let keys = 0;
    const requestAt = (at: Date) => {
      clock.clock.set(at);
      return requestGrantDisbursement(clock, {
        grantAwardId: awardId,
        expenseCategory: "재료비",
        requestedBy: requester,
        kind: "expense",
        amount: 100_000,
        payee: "재료상",
        description: "공방 재료",
        idempotencyKey: `grant-period-test-${++keys}`,
        receipts: [],
      });
    };
    const count = async () => (await t.db.selectFrom("disbursements").select("id").where("grant_award_id", "=", awardId).execute()).length;

    await expect(requestAt(CLOCK_START)).rejects.toMatchObject({ code: "grantPeriodNotStarted", status: 409 });
    // 23:59:59 in Seoul on the day before the period is still before it, though UTC has reached the first day.
    await expect(requestAt(secondBefore(firstInstant))).rejects.toMatchObject({ code: "grantPeriodNotStarted" });
    expect(await count()).toBe(0);
    await requestAt(firstInstant);
    await requestAt(secondBefore(endInstant));
    expect(await count()).toBe(2);
    await expect(requestAt(endInstant)).rejects.toMatchObject({ code: "grantPeriodEnded", status: 409 });
    expect(await count()).toBe(2);

    // The database dates a request by its created_at and refuses one outside the period, or moved later.
    const direct = (createdAt: Date) =>
      sql`INSERT INTO disbursements (grant_award_id, expense_category, payee, description, amount_won, requested_by, idempotency_key, created_at)
          VALUES (${awardId}, '재료비', '업체', '직접 입력', 1000, ${requester}, ${`grant-period-direct-${++keys}`}, ${createdAt})`.execute(t.db);
    await expect(direct(secondBefore(firstInstant))).rejects.toThrow(new RegExp(`is spent from ${period.from}`));
    await expect(direct(endInstant)).rejects.toThrow(new RegExp(`was spent until ${period.to}`));
    await direct(seoulMidnight(seoulDateAfter(CLOCK_START, 21)));
    await expect(sql`UPDATE disbursements SET created_at = ${seoulMidnight(seoulDateAfter(CLOCK_START, 42))} WHERE grant_award_id = ${awardId}`.execute(t.db)).rejects.toThrow(/are fixed/);
    expect(await count()).toBe(3);
    // Rules without a period (the other pitch contest's) take requests on any day.
    const unlimited = (await t.db.selectFrom("grant_awards").select("id").where("application_id", "=", pitch.applications[0]!).executeTakeFirstOrThrow()).id;
    clock.clock.set(new Date(CLOCK_START.getTime() + 5 * 365 * 86_400_000));
    await requestGrantDisbursement(clock, { grantAwardId: unlimited, expenseCategory: "홍보비", requestedBy: requester, kind: "expense", amount: 1_000, payee: "인쇄소", description: "전단", idempotencyKey: "grant-period-unlimited", receipts: [] });
  });
});

describe("the demo seed", () => {
  it("awards the five selected Seo-gu teams within the pool and the cap, with paid demo disbursements, and runs again without change", async () => {
    const contest = await t.db.selectFrom("contests").select("id").where("slug", "=", "seogu-2017").executeTakeFirstOrThrow();
    const awards = await listContestAwards(t.db, contest.id);
    expect(awards).toHaveLength(5);
    expect(awards.reduce((s, a) => s + a.amount_won, 0)).toBeLessThanOrEqual(20_000_000);
    expect(Math.max(...awards.map((a) => a.amount_won))).toBeLessThanOrEqual(10_000_000);
    expect(awards.reduce((s, a) => s + a.spentWon, 0)).toBeGreaterThan(0);
    const consulting = await t.db.selectFrom("campaigns").select(["id", "state"]).where("slug", "=", "gwangsan-demo-consulting").executeTakeFirstOrThrow();
    expect(consulting.state).toBe("changes_requested");
    await drainLedger(t.db);
    const head = await getLedgerHead(t.db);
    await seedDemo(t);
    expect(await getLedgerHead(t.db)).toEqual(head);
    expect((await verifyStoredLedger(t.db)).ok).toBe(true);
  });
});
