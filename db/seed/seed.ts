import { createPostgresFileStore, type FileStore } from "../../app/files/file-store.server";
import { sql, type Kysely, type Transaction } from "kysely";
import { hashPassword, verifyPassword } from "../../app/auth/password.server";
import { drainLedger } from "../../app/ledger/sequencer.server";
import { seoulDate } from "../../app/utils/dates";
import type { ContestStageKind, DB, EnterpriseType, StaffRole } from "../types";
import { seedCampaigns, upsertDemoBackers } from "./campaigns";
import { seedContestWorkflow } from "./contest-seed";
import { seedFundDemo } from "./fund-demo";
import { seedMatchingDemo } from "./matching-seed";
import { seedGwangsanAftermath } from "./gwangsan-aftermath";
import { seedGrantsAndConsulting } from "./grants-seed";
import { seedCases, type SeedEnterprise } from "./seed-cases";
import { seedScreenings } from "./screenings-seed";

// Demo data from the real cases. Idempotent: every row is found by a natural key first, so
// running it again (each `npm start`) changes nothing.

export const DEMO_PASSWORD = "hamkke-demo-2026";

export interface DemoAccount {
  role: string;
  email: string;
}

interface DemoUser {
  email: string;
  name: string;
  label: string;
  admin?: boolean;
  roles?: { host: string; role: StaffRole }[];
  owns?: string[];
}

const demoUsers: DemoUser[] = [
  { email: "admin@hamkke.demo", name: "플랫폼 관리자", label: "platform admin", admin: true },
  {
    email: "operator@hamkke.demo",
    name: "김운영 (광산구)",
    label: "operator (광산구, 서구)",
    roles: [
      { host: "gwangsan", role: "operator" },
      { host: "seogu", role: "operator" },
    ],
  },
  {
    email: "operator2@hamkke.demo",
    name: "이운영 (광산구)",
    label: "second operator (광산구, 서구)",
    roles: [
      { host: "gwangsan", role: "operator" },
      { host: "seogu", role: "operator" },
    ],
  },
  {
    email: "center@hamkke.demo",
    name: "박자활 (광주광역자활센터)",
    label: "operator (광주광역자활센터)",
    roles: [{ host: "gj-jahwal", role: "operator" }],
  },
  {
    email: "center2@hamkke.demo",
    name: "송자활 (광주광역자활센터)",
    label: "second operator (광주광역자활센터)",
    roles: [{ host: "gj-jahwal", role: "operator" }],
  },
  { email: "juror1@hamkke.demo", name: "박심사", label: "juror (광산구, 서구)", roles: [{ host: "gwangsan", role: "juror" }, { host: "seogu", role: "juror" }] },
  { email: "juror2@hamkke.demo", name: "최심사", label: "juror (광산구, 서구)", roles: [{ host: "gwangsan", role: "juror" }, { host: "seogu", role: "juror" }] },
  { email: "consultant@hamkke.demo", name: "정펀드매니저", label: "consultant (광산구)", roles: [{ host: "gwangsan", role: "consultant" }] },
  { email: "fund1@hamkke.demo", name: "윤기금 (전북)", label: "fund administrator (전북)", roles: [{ host: "jb-jahwal", role: "fund_admin" }] },
  { email: "fund2@hamkke.demo", name: "한기금 (전북)", label: "fund administrator (전북)", roles: [{ host: "jb-jahwal", role: "fund_admin" }] },
  {
    email: "auditor@hamkke.demo",
    name: "감사 담당",
    label: "auditor (all hosts)",
    roles: seedCases.hosts.map((h) => ({ host: h.key, role: "auditor" as const })),
  },
  { email: "coop@hamkke.demo", name: "함께 크는 나무 대표", label: "enterprise owner (cooperative)", owns: ["함께 크는 나무 협동조합"] },
  { email: "mom@hamkke.demo", name: "엄마 손길 대표", label: "enterprise owner (child-care)", owns: ["병원아동보호사 협동조합 엄마 손길"] },
  { email: "play@hamkke.demo", name: "누럭놀이단 대표", label: "enterprise owner (Seo-gu coop)", owns: ["누럭놀이단"] },
  { email: "jahwal@hamkke.demo", name: "커피마루 대표", label: "self-sufficiency enterprise", owns: ["커피마루 운암점"] },
  { email: "chan@hamkke.demo", name: "찬찬찬 대표", label: "self-sufficiency (loan repaying)", owns: ["찬찬찬"] },
  { email: "cafe@hamkke.demo", name: "우리동구카페 대표", label: "self-sufficiency (loan in arrears)", owns: ["우리동구카페"] },
  { email: "carwash@hamkke.demo", name: "깨끗한콜세차 대표", label: "self-sufficiency (2018 equipment grant)", owns: ["깨끗한콜세차"] },
  { email: "salad@hamkke.demo", name: "슬림샐러드 대표", label: "self-sufficiency (2018 equipment grant)", owns: ["슬림샐러드"] },
  { email: "matkkal@hamkke.demo", name: "입에당긴맛깔 대표", label: "self-sufficiency (2018 equipment grant)", owns: ["입에당긴맛깔"] },
  { email: "parcel@hamkke.demo", name: "바로바로택배 대표", label: "self-sufficiency (2018 equipment grant)", owns: ["바로바로택배"] },
  { email: "citizen@hamkke.demo", name: "시민 후원자", label: "citizen backer" },
  { email: "company@hamkke.demo", name: "㈜광산상사", label: "company backer" },
];

/** Which host verifies each seeded enterprise: the host of its district or programme. */
function hostKeyFor(enterprise: SeedEnterprise): string {
  if (enterprise.type === "self_sufficiency_enterprise") return "gj-jahwal";
  if (enterprise.district.startsWith("광주 서구")) return "seogu";
  // Gwangsan-gu's contest drew the Ulsan social enterprises of the registry too (demo assumption).
  return "gwangsan";
}

type Trx = Transaction<DB>;

async function upsertHosts(trx: Trx): Promise<Map<string, number>> {
  for (const host of seedCases.hosts) {
    await trx
      .insertInto("host_organisations")
      .values({ key: host.key, name: host.name, kind: host.kind, region: host.region })
      .onConflict((oc) => oc.column("key").doNothing())
      .execute();
  }
  const rows = await trx.selectFrom("host_organisations").select(["id", "key"]).execute();
  return new Map(rows.map((r) => [r.key, r.id]));
}

async function upsertUsers(trx: Trx, passwordHash: string): Promise<Map<string, number>> {
  for (const user of demoUsers) {
    await trx
      .insertInto("users")
      .values({ email: user.email, display_name: user.name, password_hash: passwordHash, is_platform_admin: user.admin ?? false })
      .onConflict((oc) => oc.column("email").doNothing())
      .execute();
  }
  const rows = await trx
    .selectFrom("users")
    .select(["id", "email"])
    .where(
      "email",
      "in",
      demoUsers.map((u) => u.email),
    )
    .execute();
  return new Map(rows.map((r) => [r.email, r.id]));
}

async function upsertEnterprises(trx: Trx, hosts: Map<string, number>, adminId: number): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const enterprise of seedCases.enterprises) {
    const existing = await trx.selectFrom("enterprises").select("id").where("name", "=", enterprise.name).executeTakeFirst();
    if (existing) {
      ids.set(enterprise.name, existing.id);
      continue;
    }
    const hostId = hosts.get(hostKeyFor(enterprise));
    if (hostId === undefined) throw new Error(`seed: no host for ${enterprise.name}`);
    const employees = enterprise.employees ?? enterprise.founders ?? 0;
    const row = await trx
      .insertInto("enterprises")
      .values({
        host_id: hostId,
        name: enterprise.name,
        type: enterprise.type,
        representative: enterprise.representative ?? "미공개",
        district: enterprise.district,
        business: enterprise.business,
        certified_on: enterprise.certified_on ?? null,
        employees,
        vulnerable_employees: Math.min(enterprise.vulnerable_employees ?? 0, employees),
        status: "verified",
        verified_by: adminId,
        verified_at: new Date("2016-01-01T00:00:00+09:00"),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    ids.set(enterprise.name, row.id);
  }
  return ids;
}

async function upsertRolesAndMemberships(
  trx: Trx,
  users: Map<string, number>,
  hosts: Map<string, number>,
  enterprises: Map<string, number>,
  adminId: number,
) {
  for (const user of demoUsers) {
    const userId = users.get(user.email);
    if (userId === undefined) continue;
    for (const grant of user.roles ?? []) {
      const hostId = hosts.get(grant.host);
      if (hostId === undefined) continue;
      await trx
        .insertInto("staff_roles")
        .values({ user_id: userId, host_id: hostId, role: grant.role, granted_by: adminId })
        .onConflict((oc) => oc.columns(["user_id", "host_id", "role"]).doNothing())
        .execute();
    }
    for (const name of user.owns ?? []) {
      const enterpriseId = enterprises.get(name);
      if (enterpriseId === undefined) continue;
      await trx
        .insertInto("enterprise_members")
        .values({ enterprise_id: enterpriseId, user_id: userId, role: "owner" })
        .onConflict((oc) => oc.columns(["enterprise_id", "user_id"]).doNothing())
        .execute();
    }
  }
}

const stageKinds: Record<string, ContestStageKind> = {
  pre_workshop: "pre_workshop",
  selection: "selection",
  consulting: "consulting",
  campaign_window: "campaign_window",
  results_meeting: "results_meeting",
};

async function upsertContests(trx: Trx, hosts: Map<string, number>, adminId: number): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const contest of seedCases.contests) {
    const hostId = hosts.get(contest.host);
    if (hostId === undefined) continue;
    await trx
      .insertInto("contests")
      .values({ slug: contest.key, host_id: hostId, title: contest.title, purpose: contest.purpose, select_count: contest.selected, published: true, created_by: adminId })
      .onConflict((oc) => oc.column("slug").doNothing())
      .execute();
    const row = await trx.selectFrom("contests").select("id").where("slug", "=", contest.key).executeTakeFirstOrThrow();
    ids.set(contest.key, row.id);
    for (const stage of contest.stages) {
      const kind = stageKinds[stage.kind];
      const startsOn = stage.on ?? stage.from;
      if (!kind || !startsOn) continue;
      await trx
        .insertInto("contest_stages")
        .values({ contest_id: row.id, kind, starts_on: startsOn, ends_on: stage.to ?? null, note: stage.note ?? "" })
        .onConflict((oc) => oc.columns(["contest_id", "kind"]).doNothing())
        .execute();
    }
  }

  const pitch = seedCases.pitch_contest;
  const pitchHost = hosts.get(pitch.host);
  if (pitchHost !== undefined) {
    await trx
      .insertInto("contests")
      .values({
        slug: pitch.key,
        host_id: pitchHost,
        kind: "pitch",
        title: pitch.title,
        purpose: `${pitch.grant.title}: ${pitch.criteria.join(", ")} 평가 (심사위원 평가 + 상호평가)`,
        select_count: pitch.selected,
        published: true,
        created_by: adminId,
      })
      .onConflict((oc) => oc.column("slug").doNothing())
      .execute();
    const row = await trx.selectFrom("contests").select("id").where("slug", "=", pitch.key).executeTakeFirstOrThrow();
    ids.set(pitch.key, row.id);
    const stages: { kind: ContestStageKind; starts_on: string; ends_on: string | null; note: string }[] = [
      { kind: "pitch", starts_on: pitch.on, ends_on: null, note: `${pitch.turnout.dong}개 동 ${pitch.turnout.teams}개 팀 ${pitch.turnout.people}명 발표 (10분 발표 + 5분 질의응답)` },
      { kind: "grant_period", starts_on: `${pitch.grant.period.from}-01`, ends_on: "2017-11-30", note: `${pitch.grant.source}, 팀당 최대 ${pitch.grant.cap_per_awardee.toLocaleString("ko-KR")}원` },
    ];
    for (const stage of stages) {
      await trx
        .insertInto("contest_stages")
        .values({ contest_id: row.id, ...stage })
        .onConflict((oc) => oc.columns(["contest_id", "kind"]).doNothing())
        .execute();
    }
  }
  return ids;
}

async function upsertSeries(trx: Trx, enterprises: Map<string, number>) {
  for (const series of seedCases.series) {
    const enterpriseId = enterprises.get(series.enterprise);
    if (enterpriseId === undefined) continue;
    await trx
      .insertInto("campaign_series")
      .values({
        slug: series.key,
        enterprise_id: enterpriseId,
        cause: series.cause,
        description: `${series.cumulative_fund.name} ${series.cumulative_fund.amount.toLocaleString("ko-KR")}원 조성, 서비스 제공 ${series.service_delivered.people}명 · ${series.service_delivered.hours.toLocaleString("ko-KR")}시간`,
      })
      .onConflict((oc) => oc.column("slug").doNothing())
      .execute();
  }
}

async function upsertFund(trx: Trx, hosts: Map<string, number>, adminId: number) {
  const fund = seedCases.fund;
  const hostId = hosts.get(fund.host);
  if (hostId === undefined) return;
  await trx
    .insertInto("funds")
    .values({ slug: fund.key, host_id: hostId, name: fund.name, description: `용도: ${fund.grant_uses.join(", ")}` })
    .onConflict((oc) => oc.column("slug").doNothing())
    .execute();
  const fundRow = await trx.selectFrom("funds").select("id").where("slug", "=", fund.key).executeTakeFirstOrThrow();
  for (const product of fund.loan_products) {
    const exists = await trx.selectFrom("loan_products").select("id").where("fund_id", "=", fundRow.id).where("code", "=", "store-lease-deposit").executeTakeFirst();
    if (exists) continue;
    await trx
      .insertInto("loan_products")
      .values({
        fund_id: fundRow.id,
        code: "store-lease-deposit",
        name: product.name,
        purpose: "전세점포 임대보증금 융자 (임대인에게 직접 지급, 만기에 보증금 반환으로 상환)",
        cap_won: product.cap,
        rate_bp: product.rate_bp,
        term_months: 24,
        repayment_method: "bullet",
        grace_months: 0,
        penalty_bp: 300,
        eligible_types: ["self_sufficiency_enterprise"] satisfies EnterpriseType[],
        created_by: adminId,
      })
      .execute();
  }
}

/**
 * Demo accounts still on the published password get the given one instead (a demo about to be
 * reachable from other machines). Accounts seeded in one run share one hash, so only the few
 * distinct hashes are checked; the database then signs those accounts out and spends their links.
 */
async function replacePublishedPassword(trx: Trx, passwordHash: string, now: Date): Promise<void> {
  const hashes = await trx.selectFrom("users").select("password_hash").distinct().where("email", "like", "%@hamkke.demo").execute();
  for (const { password_hash } of hashes) {
    if (password_hash === passwordHash || !(await verifyPassword(password_hash, DEMO_PASSWORD))) continue;
    await trx.updateTable("users").set({ password_hash: passwordHash, updated_at: now }).where("password_hash", "=", password_hash).where("email", "like", "%@hamkke.demo").execute();
  }
}

export async function seedDemoData(
  db: Kysely<DB>,
  // The day the demo is built around: Seoul's, as every date the product shows and checks.
  today = seoulDate(new Date()),
  options: { fileStore?: FileStore; password?: string } = {},
): Promise<DemoAccount[]> {
  // Where the demo documents go: the server's file store, PostgreSQL unless told otherwise.
  const fileStore = options.fileStore ?? createPostgresFileStore(db);
  const passwordHash = await hashPassword(options.password ?? DEMO_PASSWORD);
  await db.transaction().execute(async (trx) => {
    // One seeding process at a time, even if two servers start together.
    await sql`SELECT pg_advisory_xact_lock(hashtext('hamkke-demo-seed'))`.execute(trx);
    if (options.password !== undefined && options.password !== DEMO_PASSWORD) await replacePublishedPassword(trx, passwordHash, new Date());
    const hosts = await upsertHosts(trx);
    const users = await upsertUsers(trx, passwordHash);
    const adminId = users.get("admin@hamkke.demo");
    if (adminId === undefined) throw new Error("seed: admin user missing");
    const enterprises = await upsertEnterprises(trx, hosts, adminId);
    await upsertRolesAndMemberships(trx, users, hosts, enterprises, adminId);
    const contests = await upsertContests(trx, hosts, adminId);
    await upsertSeries(trx, enterprises);
    const everyone = await upsertDemoBackers(trx, passwordHash);
    await seedCampaigns(trx, { enterprises, contests, users: everyone, today });
    await upsertFund(trx, hosts, adminId);
    await seedContestWorkflow(trx, adminId, passwordHash);
    await seedGrantsAndConsulting(trx, today, fileStore);
    const fund = await trx.selectFrom("funds").select(["id", "host_id"]).where("slug", "=", seedCases.fund.key).executeTakeFirst();
    if (fund) await seedFundDemo(trx, { fundId: fund.id, hostId: fund.host_id, users, enterprises }, today, fileStore);
    await seedMatchingDemo(trx, today);
    await seedScreenings(trx, adminId, fileStore);
  });
  // Through the product's own service functions, which open their own transactions.
  await seedGwangsanAftermath(db, fileStore);
  // The demo ledger is sequenced at once, so its pages and checkpoints show all of it.
  await drainLedger(db);
  return demoUsers.map((u) => ({ role: u.label, email: u.email }));
}
