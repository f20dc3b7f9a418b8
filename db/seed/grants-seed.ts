import type { FileStore } from "../../app/files/file-store.server";
import type { NotNull, Transaction } from "kysely";
import { postConsultationIn } from "../../app/consulting/consulting.server";
import { approveDisbursementIn, requestGrantDisbursementIn } from "../../app/disbursements/disbursements.server";
import { recordGrantAwardIn } from "../../app/grants/awards.server";
import type { DB } from "../types";
import { seedCases } from "./seed-cases";

// Grants after the Seo-gu 2017 pitch contest and a campaign for the demo consultant to advise.
// The source gives the grant's rules (pool 20,000,000 won, at most 10,000,000 per team, 구비
// 100 %, 2017-09..11, five expense categories) and that five teams were selected; how the pool
// was split, on what, and what was spent are invented and marked "(데모)" / "데모 금액".
// Everything runs through the product's own functions, so the ledger holds what the product
// would have written. Idempotent: awards are found by application, requests by their key.

type Trx = Transaction<DB>;

const ORIGIN = "http://localhost:3000";

/** Per selected team, by rank: the award's split over the eligible categories (demo amounts). */
const DEMO_SPLITS: Record<string, number>[] = [
  { 시설공사: 3_000_000, 재료비: 1_000_000, 홍보비: 1_000_000 },
  { 임차비: 2_500_000, 경상비: 1_000_000, 홍보비: 1_000_000 },
  { 재료비: 2_000_000, 시설공사: 1_500_000, 홍보비: 500_000 },
  { 임차비: 2_000_000, 경상비: 1_500_000 },
  { 재료비: 1_500_000, 홍보비: 1_000_000, 경상비: 500_000 },
];

/** Paid demo disbursements: team (by rank), category, amount, payee, what for, when. */
const DEMO_SPENDING = [
  { team: 0, category: "시설공사", amount: 800_000, payee: "서구 인테리어 협동조합 (데모)", description: "공동체 공간 바닥 보수 (데모)", on: "2017-09-20T10:00:00+09:00" },
  { team: 1, category: "임차비", amount: 1_250_000, payee: "상무동 상가 임대인 (데모)", description: "9–10월 공동작업장 임차료 (데모)", on: "2017-10-10T10:00:00+09:00" },
];

async function userIdOf(trx: Trx, email: string): Promise<number | undefined> {
  return (await trx.selectFrom("users").select("id").where("email", "=", email).executeTakeFirst())?.id;
}

async function seedSeoguGrants(trx: Trx, fileStore: FileStore) {
  const contest = await trx.selectFrom("contests").select(["id", "selected_at"]).where("slug", "=", seedCases.pitch_contest.key).executeTakeFirst();
  const operator = await userIdOf(trx, "operator@hamkke.demo");
  const second = await userIdOf(trx, "operator2@hamkke.demo");
  if (!contest?.selected_at || operator === undefined || second === undefined) return;
  const selected = await trx
    .selectFrom("contest_applications")
    .select(["id", "enterprise_id"])
    .where("contest_id", "=", contest.id)
    .where("outcome", "=", "selected")
    .where("enterprise_id", "is not", null)
    .$narrowType<{ enterprise_id: NotNull }>()
    .orderBy("rank")
    .execute();
  const awards: { id: number; enterpriseId: number }[] = [];
  for (const [i, application] of selected.entries()) {
    const split = DEMO_SPLITS[i];
    if (!split) break;
    const lines = Object.entries(split).map(([category, amountWon]) => ({ category, amountWon }));
    const award = await recordGrantAwardIn(trx, {
      contestId: contest.id,
      award: { applicationId: application.id, amountWon: lines.reduce((sum, l) => sum + l.amountWon, 0), lines },
      awardedBy: operator,
      now: new Date("2017-08-28T10:00:00+09:00"),
      note: "데모 금액",
    });
    awards.push({ id: award.id, enterpriseId: application.enterprise_id });
  }
  for (const [n, spend] of DEMO_SPENDING.entries()) {
    const award = awards[spend.team];
    if (!award) continue;
    const owner = await trx.selectFrom("enterprise_members").select("user_id").where("enterprise_id", "=", award.enterpriseId).orderBy("user_id").executeTakeFirst();
    if (!owner) continue;
    const now = new Date(spend.on);
    const request = await requestGrantDisbursementIn(trx, { fileStore, now }, {
      grantAwardId: award.id,
      expenseCategory: spend.category,
      requestedBy: owner.user_id,
      kind: "expense",
      amount: spend.amount,
      payee: spend.payee,
      description: spend.description,
      idempotencyKey: `demo-seogu-grant-${n + 1}`,
      receipts: [],
    });
    if (!request.created) continue;
    const approved = await approveDisbursementIn(trx, { origin: ORIGIN, now }, { disbursementId: request.id, approverId: operator });
    if (!approved.paid) await approveDisbursementIn(trx, { origin: ORIGIN, now }, { disbursementId: request.id, approverId: second });
  }
}

function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

const CONSULTING_SLUG = "gwangsan-demo-consulting";

/** A Gwangsan campaign under review, advised by the demo consultant, who asked for changes. */
async function seedConsultingDemo(trx: Trx, today: string) {
  if (await trx.selectFrom("campaigns").select("id").where("slug", "=", CONSULTING_SLUG).executeTakeFirst()) return;
  const consultant = await userIdOf(trx, "consultant@hamkke.demo");
  const operator = await userIdOf(trx, "operator@hamkke.demo");
  const owner = await userIdOf(trx, "coop@hamkke.demo");
  const enterprise = await trx.selectFrom("enterprises").select("id").where("name", "=", "함께 크는 나무 협동조합").executeTakeFirst();
  if (consultant === undefined || operator === undefined || owner === undefined || !enterprise) return;
  const created = new Date(`${addDays(today, -6)}T10:00:00+09:00`);
  const campaign = await trx
    .insertInto("campaigns")
    .values({
      slug: CONSULTING_SLUG,
      enterprise_id: enterprise.id,
      title: "마을 가죽공방 문 열기 (데모)",
      summary: "주민 누구나 가죽 공예를 배우는 마을 공방을 엽니다. (데모 캠페인)",
      story_md: "## 마을 가죽공방\n\n세월호 기억 전시를 함께한 공예가들이 주민과 함께 쓰는 공방을 엽니다. (데모)\n\n- 공구와 재료 마련\n- 주민 공예 교실 12회",
      goal_won: 3_000_000,
      funding_model: "all_or_nothing",
      starts_on: addDays(today, 14),
      ends_on: addDays(today, 59),
      state: "draft",
      created_by: owner,
      created_at: created,
      updated_at: created,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await trx
    .insertInto("budget_lines")
    .values([
      { campaign_id: campaign.id, name: "공구·재료 (데모)", amount_won: 1_800_000, required: true, position: 1 },
      { campaign_id: campaign.id, name: "공예 교실 강사료 (데모)", amount_won: 1_200_000, required: true, position: 2 },
    ])
    .execute();
  await trx
    .insertInto("rewards")
    .values([
      { campaign_id: campaign.id, title: "가죽 열쇠고리 (데모)", description: "", min_amount_won: 20_000, position: 1 },
      { campaign_id: campaign.id, title: "공예 교실 1회 수강권 (데모)", description: "", min_amount_won: 50_000, quantity_limit: 30, position: 2 },
    ])
    .execute();
  const submitted = new Date(`${addDays(today, -3)}T15:00:00+09:00`);
  await trx.updateTable("campaigns").set({ state: "in_review", submitted_at: submitted, updated_at: submitted }).where("id", "=", campaign.id).execute();
  await trx.insertInto("campaign_consultants").values({ campaign_id: campaign.id, consultant_id: consultant, assigned_by: operator, assigned_at: created }).execute();
  const context = { origin: ORIGIN, now: new Date(`${addDays(today, -2)}T11:00:00+09:00`) };
  await postConsultationIn(trx, context, {
    campaignId: campaign.id,
    consultantId: consultant,
    topic: "direction",
    body: "공방이 마을에 남기는 것(주민 강사 양성)을 첫 문단에 써 주세요. (데모 의견)",
    requestsChanges: false,
  });
  await postConsultationIn(trx, { ...context, now: new Date(`${addDays(today, -2)}T11:30:00+09:00`) }, {
    campaignId: campaign.id,
    consultantId: consultant,
    topic: "rewards",
    body: "2만 원 리워드 아래에 1만 원 응원 리워드를 두고, 수강권 수량을 교실 정원에 맞춰 주세요. (데모 의견)",
    requestsChanges: true,
  });
}

export async function seedGrantsAndConsulting(trx: Trx, today: string, fileStore: FileStore): Promise<void> {
  await seedSeoguGrants(trx, fileStore);
  await seedConsultingDemo(trx, today);
}
