import type { Transaction } from "kysely";
import { runSelectionInTransaction } from "../../app/contests/jury.server";
import type { DB, EnterpriseType } from "../types";
import { gwangsanProjects } from "./gwangsan-plan";
import { seedCases } from "./seed-cases";

// The two contests of the seeds as the platform would have run them: the Gwangsan 2016
// crowdfunding contest with its 8 selected projects, and the Seo-gu 2017 pitch contest with 9
// teams, jury and peer scores, 5 selected and its grant rules. Idempotent: rows are found by
// their natural keys, and selection runs only while a contest has none.
// Anything the source documents do not say is marked "demo assumption".

type Trx = Transaction<DB>;

const SOCIAL_ECONOMY_TYPES: EnterpriseType[] = ["social_enterprise", "pre_social_enterprise", "village_enterprise", "cooperative", "social_cooperative"];

async function idOf(trx: Trx, table: "enterprises", name: string): Promise<number> {
  const row = await trx.selectFrom(table).select("id").where("name", "=", name).executeTakeFirst();
  if (!row) throw new Error(`seed: ${name} missing`);
  return row.id;
}

async function userIdOf(trx: Trx, email: string): Promise<number> {
  const row = await trx.selectFrom("users").select("id").where("email", "=", email).executeTakeFirst();
  if (!row) throw new Error(`seed: user ${email} missing`);
  return row.id;
}

export interface SeedApplication {
  enterprise: string;
  title: string;
  summary: string;
  socialValue: string;
  budgetWon: number;
  submittedAt: string;
  campaignSlug?: string;
}

export async function upsertApplication(trx: Trx, contestId: number, app: SeedApplication, createdBy: number): Promise<number> {
  const enterpriseId = await idOf(trx, "enterprises", app.enterprise);
  const campaign = app.campaignSlug ? await trx.selectFrom("campaigns").select("id").where("slug", "=", app.campaignSlug).executeTakeFirst() : undefined;
  await trx
    .insertInto("contest_applications")
    .values({
      contest_id: contestId,
      enterprise_id: enterpriseId,
      title: app.title,
      summary: app.summary,
      social_value: app.socialValue,
      budget_won: app.budgetWon,
      status: "submitted",
      eligible: true,
      submitted_at: app.submittedAt,
      campaign_id: campaign?.id ?? null,
      created_by: createdBy,
      created_at: app.submittedAt,
      updated_at: app.submittedAt,
    })
    .onConflict((oc) => oc.columns(["contest_id", "enterprise_id"]).doNothing())
    .execute();
  const row = await trx.selectFrom("contest_applications").select("id").where("contest_id", "=", contestId).where("enterprise_id", "=", enterpriseId).executeTakeFirstOrThrow();
  return row.id;
}

async function seedGwangsan(trx: Trx, adminId: number) {
  const source = seedCases.contests[0];
  if (!source) return;
  const contest = await trx.selectFrom("contests").select(["id", "selected_at"]).where("slug", "=", source.key).executeTakeFirst();
  if (!contest) return;
  // Demo assumption: the source gives the pre-workshop (2015-12-21) and selection (2016-01-14)
  // but not the application window or the rules; these are plausible values between them.
  await trx
    .updateTable("contests")
    .set({ eligible_types: SOCIAL_ECONOMY_TYPES, applications_open_on: "2015-12-01", applications_close_on: "2016-01-08", jury_weight_pct: 100, peer_weight_pct: 0 })
    .where("id", "=", contest.id)
    .where("applications_close_on", "is", null)
    .execute();
  await trx
    .insertInto("contest_stages")
    .values({ contest_id: contest.id, kind: "application", starts_on: "2015-12-01", ends_on: "2016-01-08", note: "" })
    .onConflict((oc) => oc.columns(["contest_id", "kind"]).doNothing())
    .execute();
  const workshop = await trx.selectFrom("contest_events").select("id").where("contest_id", "=", contest.id).where("kind", "=", "workshop").executeTakeFirst();
  if (!workshop) {
    const note = source.stages.find((s) => s.kind === "pre_workshop")?.note ?? "사전 워크숍";
    // Demo assumption: the time, place and seats are not in the source.
    await trx
      .insertInto("contest_events")
      .values({ contest_id: contest.id, kind: "workshop", title: note, starts_at: "2015-12-21T14:00:00+09:00", location: "광산구청 (데모)", seats: 40 })
      .execute();
  }

  const [library, memory] = source.named_projects;
  const applications: SeedApplication[] = [];
  if (library) {
    applications.push({
      enterprise: "태화루예술단",
      title: library.title,
      summary: library.story,
      socialValue: "지역주민 참여로 작은도서관 책장 채우기",
      // Demo assumption: budgets equal the campaigns' (assumed) goals.
      budgetWon: 1_500_000,
      submittedAt: "2016-01-06T10:00:00+09:00",
      campaignSlug: "gwangsan-2016-muyang-library",
    });
  }
  if (memory?.enterprise) {
    applications.push({
      enterprise: memory.enterprise,
      title: memory.title,
      summary: memory.story,
      socialValue: `전시 후원금과 모금액을 ${memory.beneficiary ?? "유가족"}에게 전달`,
      budgetWon: 1_500_000,
      submittedAt: "2016-01-05T15:30:00+09:00",
      campaignSlug: "gwangsan-2016-sharing-memories",
    });
  }
  // The other six are unnamed in the source: demo enterprises of the right types so the totals
  // match (2 social enterprises, 6 cooperatives — 쌍쌍일촌 맥가이버, a social cooperative, is
  // counted as a cooperative: demo assumption). Titles and budgets are demo values.
  const others: [string, string][] = [
    ["㈜푸른세상", "작업복 나눔 프로젝트 (데모)"],
    ["병원아동보호사 협동조합 엄마 손길", "아픈 아이 돌봄 지원 프로젝트 (데모)"],
    ["누럭놀이단", "골목 놀이 교실 프로젝트 (데모)"],
    ["고리", "동네 가게 SNS 배움터 프로젝트 (데모)"],
    ["서창들녁협동조합", "마을 전통카페 로컬푸드 장터 프로젝트 (데모)"],
    ["쌍쌍일촌 맥가이버", "원룸 주거환경 개선 프로젝트 (데모)"],
  ];
  others.forEach(([enterprise, title], i) => {
    const project = gwangsanProjects.find((p) => p.enterprise === enterprise);
    applications.push({
      enterprise,
      title,
      summary: "출처 문서에 이름이 나오지 않는 선정 프로젝트입니다. (데모 데이터)",
      socialValue: "데모 데이터",
      budgetWon: project?.goalWon ?? 1_000_000,
      submittedAt: `2016-01-0${(i % 6) + 2}T11:00:00+09:00`,
      campaignSlug: project?.slug,
    });
  });
  const ids: number[] = [];
  for (const app of applications) ids.push(await upsertApplication(trx, contest.id, app, adminId));
  if (!contest.selected_at) {
    // Historical record: the source names the selection, not scores, so none are invented here.
    await trx.updateTable("contest_applications").set({ outcome: "selected" }).where("id", "in", ids).execute();
    await trx.updateTable("contests").set({ selected_at: "2016-01-14T12:00:00+09:00", selected_by: adminId }).where("id", "=", contest.id).execute();
  }
}

/** Seo-gu 2017: four real Seo-gu cooperatives and five demo community teams (9 teams from 8 dong). */
const SEOGU_DEMO_TEAMS = [
  { name: "치평동 마을공동체 (데모)", district: "광주 서구 치평동" },
  { name: "풍암동 마을공동체 가 (데모)", district: "광주 서구 풍암동" },
  { name: "풍암동 마을공동체 나 (데모)", district: "광주 서구 풍암동" },
  { name: "금호1동 마을공동체 (데모)", district: "광주 서구 금호1동" },
  { name: "양동 마을공동체 (데모)", district: "광주 서구 양동" },
];
const SEOGU_REAL_TEAMS = ["누럭놀이단", "쌍쌍일촌 맥가이버", "고리", "서창들녁협동조합"];

// Demo assumption: scores are invented (0–100 per criterion); the source gives the criteria,
// the two parts of the score and the outcome (5 of 9), not the numbers.
const JURY_SCORES: [number, number][][] = [
  // [공동체성, 사업성] per team, for juror 1 then juror 2
  [[92, 85], [88, 90]],
  [[80, 78], [84, 74]],
  [[75, 88], [79, 86]],
  [[86, 70], [82, 72]],
  [[70, 65], [74, 60]],
  [[88, 80], [90, 78]],
  [[65, 72], [60, 70]],
  [[78, 76], [80, 74]],
  [[72, 60], [68, 64]],
];

async function seedSeogu(trx: Trx, adminId: number, passwordHash: string) {
  const pitch = seedCases.pitch_contest;
  const contest = await trx.selectFrom("contests").select(["id", "host_id", "selected_at"]).where("slug", "=", pitch.key).executeTakeFirst();
  if (!contest) return;
  // Demo assumption: the window (before the 2017-04-11 pitch day), equal criterion weights and
  // a 70/30 jury/peer split ("심사위원 평가 + 상호평가 합계" does not give the weights).
  await trx
    .updateTable("contests")
    .set({
      eligible_regions: ["광주 서구"],
      eligible_types: [...SOCIAL_ECONOMY_TYPES, "nonprofit"],
      applications_open_on: "2017-03-13",
      applications_close_on: "2017-03-31",
      jury_weight_pct: 70,
      peer_weight_pct: 30,
    })
    .where("id", "=", contest.id)
    .where("applications_close_on", "is", null)
    .execute();
  await trx
    .insertInto("contest_stages")
    .values({ contest_id: contest.id, kind: "application", starts_on: "2017-03-13", ends_on: "2017-03-31", note: "" })
    .onConflict((oc) => oc.columns(["contest_id", "kind"]).doNothing())
    .execute();
  const hasCriteria = await trx.selectFrom("contest_criteria").select("id").where("contest_id", "=", contest.id).executeTakeFirst();
  if (!hasCriteria) {
    await trx
      .insertInto("contest_criteria")
      .values(pitch.criteria.map((label, i) => ({ contest_id: contest.id, position: i + 1, label, weight_pct: Math.floor(100 / pitch.criteria.length) + (i < 100 % pitch.criteria.length ? 1 : 0) })))
      .execute();
  }
  const grant = pitch.grant;
  await trx
    .insertInto("contest_grant_rules")
    .values({
      contest_id: contest.id,
      version: 1,
      title: grant.title,
      pool_won: grant.pool,
      cap_per_awardee_won: grant.cap_per_awardee,
      funding_source: grant.source,
      eligible_expenses: grant.eligible_expenses,
      period_from: `${grant.period.from}-01`,
      period_to: "2017-11-30",
      created_by: adminId,
    })
    .onConflict((oc) => oc.columns(["contest_id", "version"]).doNothing())
    .execute();

  // Demo community teams and one demo representative account per team without one (peer scores
  // are given by a member of the evaluating team).
  const teamNames = [...SEOGU_REAL_TEAMS, ...SEOGU_DEMO_TEAMS.map((t) => t.name)];
  for (const team of SEOGU_DEMO_TEAMS) {
    const exists = await trx.selectFrom("enterprises").select("id").where("name", "=", team.name).executeTakeFirst();
    if (exists) continue;
    await trx
      .insertInto("enterprises")
      .values({
        host_id: contest.host_id,
        name: team.name,
        type: "nonprofit",
        representative: "미공개",
        district: team.district,
        business: "마을공동체 사업 (데모)",
        employees: 0,
        vulnerable_employees: 0,
        status: "verified",
        verified_by: adminId,
        verified_at: "2017-03-01T00:00:00+09:00",
      })
      .execute();
  }
  const members: number[] = [];
  for (const [i, name] of teamNames.entries()) {
    const enterpriseId = await idOf(trx, "enterprises", name);
    const owner = await trx.selectFrom("enterprise_members").select("user_id").where("enterprise_id", "=", enterpriseId).where("role", "=", "owner").executeTakeFirst();
    if (owner) {
      members.push(owner.user_id);
      continue;
    }
    const email = `seogu-team${i + 1}@hamkke.demo`;
    await trx
      .insertInto("users")
      .values({ email, display_name: `${name} 대표 (데모)`.slice(0, 60), password_hash: passwordHash })
      .onConflict((oc) => oc.column("email").doNothing())
      .execute();
    const userId = await userIdOf(trx, email);
    await trx
      .insertInto("enterprise_members")
      .values({ enterprise_id: enterpriseId, user_id: userId, role: "owner" })
      .onConflict((oc) => oc.columns(["enterprise_id", "user_id"]).doNothing())
      .execute();
    members.push(userId);
  }

  const applicationIds: number[] = [];
  for (const [i, name] of teamNames.entries()) {
    applicationIds.push(
      await upsertApplication(
        trx,
        contest.id,
        {
          enterprise: name,
          title: `${name.replace(/ \(데모\)$/, "")} 공동체 사업계획`,
          summary: "10분 발표와 5분 질의응답으로 공동체 사업계획을 발표했습니다. (데모 데이터)",
          socialValue: "마을 공동체의 일자리와 돌봄 (데모 데이터)",
          budgetWon: 5_000_000 + i * 500_000,
          submittedAt: `2017-03-${String(20 + i).padStart(2, "0")}T10:00:00+09:00`,
        },
        adminId,
      ),
    );
  }
  if (contest.selected_at) return;

  const criteria = await trx.selectFrom("contest_criteria").select("id").where("contest_id", "=", contest.id).orderBy("position").execute();
  const jurors = [await userIdOf(trx, "juror1@hamkke.demo"), await userIdOf(trx, "juror2@hamkke.demo")];
  const scoredAt = new Date("2017-04-11T16:00:00+09:00");
  for (const juror of jurors) {
    await trx
      .insertInto("contest_jurors")
      .values({ contest_id: contest.id, user_id: juror, assigned_by: adminId, assigned_at: "2017-04-01T09:00:00+09:00" })
      .onConflict((oc) => oc.columns(["contest_id", "user_id"]).doNothing())
      .execute();
  }
  for (const [team, applicationId] of applicationIds.entries()) {
    for (const [j, juror] of jurors.entries()) {
      for (const [c, criterion] of criteria.entries()) {
        const score = JURY_SCORES[team]?.[j]?.[c] ?? 70;
        await trx
          .insertInto("contest_jury_scores")
          .values({ application_id: applicationId, juror_id: juror, criterion_id: criterion.id, score, comment: c === 0 ? "공동체 참여가 돋보입니다. (데모)" : "수익 구조를 더 구체화하세요. (데모)", scored_at: scoredAt })
          .onConflict((oc) => oc.columns(["application_id", "juror_id", "criterion_id"]).doNothing())
          .execute();
      }
    }
    // Peers: every other team, scoring close to the jury's view (demo values).
    for (const [evaluator, evaluatorApplicationId] of applicationIds.entries()) {
      if (evaluator === team) continue;
      for (const [c, criterion] of criteria.entries()) {
        const base = JURY_SCORES[team]?.[0]?.[c] ?? 70;
        const score = Math.max(0, Math.min(100, base + ((evaluator * 7 + team * 3 + c) % 11) - 5));
        await trx
          .insertInto("contest_peer_scores")
          .values({ application_id: applicationId, evaluator_application_id: evaluatorApplicationId, evaluator_user_id: members[evaluator] ?? adminId, criterion_id: criterion.id, score, scored_at: scoredAt })
          .onConflict((oc) => oc.columns(["application_id", "evaluator_application_id", "criterion_id"]).doNothing())
          .execute();
      }
    }
  }
  await runSelectionInTransaction(trx, contest.id, adminId, new Date("2017-04-11T18:00:00+09:00"));
}

export async function seedContestWorkflow(trx: Trx, adminId: number, passwordHash: string): Promise<void> {
  await seedGwangsan(trx, adminId);
  await seedSeogu(trx, adminId, passwordHash);
}
