import type { FileStore } from "../../app/files/file-store.server";
import type { Kysely } from "kysely";
import { recordOfflineDonation } from "../../app/campaigns/campaigns.server";
import { approveDisbursement, publishReport, requestDisbursement } from "../../app/disbursements/disbursements.server";
import type { Clock } from "../../app/utils/clock";
import type { DB } from "../types";
import { gwangsanProjects } from "./gwangsan-plan";

// After the Gwangsan 2016 window, through the product's own functions (so the ledger, the
// four-eyes rule and the e-mails are exactly what the product does): the exhibition's donation
// box recorded offline, the results reports, and the delivery of 기억을 나누다's money together
// with the exhibition donations to the Sewol families at the results meeting (2016-03-21), as the
// source describes. Amounts, texts and payees' wording are demo assumptions. Idempotent: every
// step carries an idempotency key or is skipped once done.

const ORIGIN = "http://localhost:3000";

function clockAt(at: string): Clock {
  return { now: () => new Date(at) };
}
const MEMORY_SLUG = "gwangsan-2016-sharing-memories";

async function userIdByEmail(db: Kysely<DB>, email: string): Promise<number | undefined> {
  return (await db.selectFrom("users").select("id").where("email", "=", email).executeTakeFirst())?.id;
}

async function payOnce(db: Kysely<DB>, fileStore: FileStore, at: string, request: Parameters<typeof requestDisbursement>[1], approverIds: number[]): Promise<void> {
  const clock = clockAt(at);
  const { id } = await requestDisbursement({ db, clock, fileStore }, request);
  for (const approverId of approverIds) {
    const row = await db.selectFrom("disbursements").select("state").where("id", "=", id).executeTakeFirstOrThrow();
    if (row.state !== "requested") return;
    const approved = await db.selectFrom("disbursement_approvals").select("approver_id").where("disbursement_id", "=", id).where("approver_id", "=", approverId).executeTakeFirst();
    if (!approved) await approveDisbursement({ db, clock, origin: ORIGIN }, { disbursementId: id, approverId });
  }
}

export async function seedGwangsanAftermath(db: Kysely<DB>, fileStore: FileStore): Promise<void> {
  const [operator, operator2, coop] = await Promise.all(["operator@hamkke.demo", "operator2@hamkke.demo", "coop@hamkke.demo"].map((email) => userIdByEmail(db, email)));
  const memory = await db.selectFrom("campaigns").select(["id", "enterprise_id"]).where("slug", "=", MEMORY_SLUG).executeTakeFirst();
  if (operator === undefined || operator2 === undefined || coop === undefined || !memory) return;
  const project = gwangsanProjects.find((p) => p.slug === MEMORY_SLUG);

  if (project && project.offlineWon > 0) {
    await recordOfflineDonation(
      { db, clock: clockAt("2016-03-12T09:00:00Z") },
      { campaignId: memory.id, operatorId: operator, source: "전시회 현장 후원함 (데모)", amount: project.offlineWon, receivedOn: "2016-03-12", evidenceFileId: null, idempotencyKey: "seed-gwangsan-2016-exhibition-box" },
    );
  }

  const lines = await db.selectFrom("budget_lines").select(["id", "name"]).where("campaign_id", "=", memory.id).orderBy("position").execute();
  const [materials, familyFund] = lines;
  if (materials && familyFund) {
    await payOnce(
      db,
      fileStore,
      "2016-03-16T02:00:00Z",
      { campaignId: memory.id, requestedBy: coop, kind: "expense", budgetLineId: materials.id, amount: 500_000, payee: "공방 재료상 (데모)", description: "가죽·캘리그라피 전시 재료비", idempotencyKey: "seed-gwangsan-2016-materials", receipts: [] },
      [operator],
    );
    const delivered = (project?.onlineWon ?? 0) + (project?.offlineWon ?? 0) - 500_000;
    await payOnce(
      db,
      fileStore,
      "2016-03-21T06:00:00Z",
      {
        campaignId: memory.id,
        requestedBy: coop,
        kind: "delivery",
        budgetLineId: familyFund.id,
        amount: delivered,
        payee: "세월호 유가족",
        description: "성과 공유회에서 전시 후원금과 크라우드펀딩 모금액을 함께 전달했습니다. (금액은 데모)",
        idempotencyKey: "seed-gwangsan-2016-delivery",
        receipts: [],
      },
      [operator, operator2],
    );
  }

  const succeeded = await db
    .selectFrom("campaigns")
    .innerJoin("enterprise_members", "enterprise_members.enterprise_id", "campaigns.enterprise_id")
    .select(["campaigns.id", "campaigns.slug", "campaigns.enterprise_id", "enterprise_members.user_id"])
    .where("campaigns.slug", "in", gwangsanProjects.filter((p) => p.succeeded).map((p) => p.slug))
    .where("enterprise_members.role", "=", "owner")
    .execute();
  for (const campaign of succeeded) {
    const exists = await db.selectFrom("campaign_reports").select("campaign_id").where("campaign_id", "=", campaign.id).executeTakeFirst();
    if (exists) continue;
    const memoryProject = campaign.slug === MEMORY_SLUG;
    await publishReport(
      { db, clock: clockAt("2016-03-25T03:00:00Z"), fileStore },
      {
        campaignId: campaign.id,
        authorId: campaign.user_id,
        enterpriseId: campaign.enterprise_id,
        progress: memoryProject
          ? "가죽 공예와 캘리그라피로 세월호의 기억을 표현한 전시를 열었고, 전시 후원금과 크라우드펀딩 모금액을 성과 공유회에서 유가족께 함께 전달했습니다."
          : "목표를 넘어 모금했고, 계획한 예산 항목대로 사업을 진행했습니다. (데모 보고서)",
        impressions: "주민 여러분의 후원으로 사업을 시작할 수 있었습니다. 고맙습니다.",
        followUp: "후원자께 결과를 알리고, 다음 해에도 사업을 이어 가겠습니다.",
        photos: [],
      },
    );
  }
}
