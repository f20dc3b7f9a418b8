import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { jsonArrayFrom } from "kysely/helpers/postgres";
import type { CampaignState } from "../../db/types";
import { enqueueEmail } from "../email/outbox.server";
import { campaignEscrow, campaignOfflineSource } from "../ledger/accounts";
import { appendEntry } from "../ledger/ledger.server";
import { settleCampaignMatches } from "../matching/matching.server";
import { releaseReward } from "../pledges/pledges.server";
import type { Services } from "../server/services";
import { AppError } from "../utils/app-error";
import { seoulDate } from "../utils/dates";
import type { Database, DbOrTx, Tx } from "../utils/db.server";
import { isCheckViolation } from "../utils/pg-errors";
import { preparedQuery } from "../utils/prepared-query.server";
import type { CampaignBasics } from "./campaign";
import { isEditable } from "./campaign-state";
import { submissionProblems } from "./campaign";
import { goLiveDueCampaigns } from "./settlement.server";

function newSlug(): string {
  return `c${randomBytes(5).toString("hex")}`;
}

/** The host whose operators review the campaign: its contest's host, else its enterprise's. */
export async function campaignHostId(db: DbOrTx, campaignId: number): Promise<number | null> {
  const row = await db
    .selectFrom("campaigns")
    .innerJoin("enterprises", "enterprises.id", "campaigns.enterprise_id")
    .leftJoin("contests", "contests.id", "campaigns.contest_id")
    .select(sql<number>`coalesce(contests.host_id, enterprises.host_id)`.as("host_id"))
    .where("campaigns.id", "=", campaignId)
    .executeTakeFirst();
  return row?.host_id ?? null;
}

export async function createCampaign(db: Database, input: { enterpriseId: number; userId: number; basics: CampaignBasics; now: Date }): Promise<{ id: number; slug: string }> {
  const row = await db
    .insertInto("campaigns")
    .values({
      slug: newSlug(),
      enterprise_id: input.enterpriseId,
      title: input.basics.title,
      summary: input.basics.summary,
      story_md: input.basics.story,
      goal_won: input.basics.goal,
      funding_model: input.basics.fundingModel,
      starts_on: input.basics.startsOn,
      ends_on: input.basics.endsOn,
      state: "draft",
      created_by: input.userId,
      created_at: input.now,
      updated_at: input.now,
    })
    .returning(["id", "slug"])
    .executeTakeFirstOrThrow();
  return row;
}

async function lockEditable(trx: Tx, campaignId: number): Promise<{ id: number; state: CampaignState }> {
  const campaign = await trx.selectFrom("campaigns").select(["id", "state"]).where("id", "=", campaignId).forUpdate().executeTakeFirst();
  if (!campaign) throw new AppError("campaignNotEditable", 404);
  if (!isEditable(campaign.state)) throw new AppError("campaignNotEditable", 409);
  return campaign;
}

export async function updateCampaignBasics(db: Database, campaignId: number, basics: CampaignBasics, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await lockEditable(trx, campaignId);
    // A contest round's campaigns keep the contest's campaign window, so they open together.
    const window = await trx
      .selectFrom("campaigns")
      .innerJoin("contest_stages", "contest_stages.contest_id", "campaigns.contest_id")
      .select(["contest_stages.starts_on", "contest_stages.ends_on"])
      .where("campaigns.id", "=", campaignId)
      .where("contest_stages.kind", "=", "campaign_window")
      .executeTakeFirst();
    if (window?.ends_on) basics = { ...basics, startsOn: window.starts_on, endsOn: window.ends_on };
    await trx
      .updateTable("campaigns")
      .set({
        title: basics.title,
        summary: basics.summary,
        story_md: basics.story,
        goal_won: basics.goal,
        funding_model: basics.fundingModel,
        starts_on: basics.startsOn,
        ends_on: basics.endsOn,
        updated_at: now,
      })
      .where("id", "=", campaignId)
      .execute();
  });
}

export async function setCampaignCover(db: Database, campaignId: number, fileId: number, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await lockEditable(trx, campaignId);
    await trx.updateTable("campaigns").set({ cover_file_id: fileId, updated_at: now }).where("id", "=", campaignId).execute();
  });
}

export async function addBudgetLine(db: Database, campaignId: number, line: { name: string; amount: number; required: boolean }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await lockEditable(trx, campaignId);
    const next = await trx.selectFrom("budget_lines").select(sql<number>`coalesce(max(position), 0) + 1`.as("p")).where("campaign_id", "=", campaignId).executeTakeFirstOrThrow();
    await trx.insertInto("budget_lines").values({ campaign_id: campaignId, name: line.name, amount_won: line.amount, required: line.required, position: Number(next.p) }).execute();
  });
}

export async function removeBudgetLine(db: Database, campaignId: number, lineId: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await lockEditable(trx, campaignId);
    await trx.deleteFrom("budget_lines").where("id", "=", lineId).where("campaign_id", "=", campaignId).execute();
  });
}

export async function addReward(
  db: Database,
  campaignId: number,
  reward: { title: string; description: string; minAmount: number; quantityLimit: number | null; deliveryMonth: string | null },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await lockEditable(trx, campaignId);
    const next = await trx.selectFrom("rewards").select(sql<number>`coalesce(max(position), 0) + 1`.as("p")).where("campaign_id", "=", campaignId).executeTakeFirstOrThrow();
    await trx
      .insertInto("rewards")
      .values({
        campaign_id: campaignId,
        title: reward.title,
        description: reward.description,
        min_amount_won: reward.minAmount,
        quantity_limit: reward.quantityLimit,
        delivery_month: reward.deliveryMonth,
        position: Number(next.p),
      })
      .execute();
  });
}

export async function removeReward(db: Database, campaignId: number, rewardId: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await lockEditable(trx, campaignId);
    await trx.deleteFrom("rewards").where("id", "=", rewardId).where("campaign_id", "=", campaignId).where("claimed_count", "=", 0).execute();
  });
}

/** Sends the draft to the host's operators; refused with every reason that still stands. */
export async function submitForReview(db: Database, campaignId: number, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const campaign = await trx.selectFrom("campaigns").select(["id", "state", "goal_won", "starts_on", "ends_on"]).where("id", "=", campaignId).forUpdate().executeTakeFirst();
    if (!campaign || !isEditable(campaign.state)) throw new AppError("campaignNotEditable", 409);
    const budget = await trx
      .selectFrom("budget_lines")
      .select([sql<number>`coalesce(sum(amount_won), 0)::bigint`.as("total"), sql<number>`count(*)::int`.as("n")])
      .where("campaign_id", "=", campaignId)
      .executeTakeFirstOrThrow();
    const problems = submissionProblems({
      goalWon: campaign.goal_won,
      budgetTotalWon: Number(budget.total),
      budgetLines: Number(budget.n),
      startsOn: campaign.starts_on,
      endsOn: campaign.ends_on,
      today: seoulDate(now),
    });
    const first = problems[0];
    if (first) throw new AppError(first, 422);
    await trx.updateTable("campaigns").set({ state: "in_review", submitted_at: now, updated_at: now }).where("id", "=", campaignId).execute();
  });
}

/** The operator's decision. Approval fixes the terms; the campaign opens on its start date. */
export async function reviewCampaign(services: Services, input: { campaignId: number; reviewerId: number; decision: "approve" | "request_changes"; comment: string }): Promise<void> {
  const now = services.clock.now();
  const approve = input.decision === "approve";
  await services.db.transaction().execute(async (trx) => {
    const campaign = await trx.selectFrom("campaigns").select(["id", "state", "title", "enterprise_id", "slug"]).where("id", "=", input.campaignId).forUpdate().executeTakeFirst();
    if (!campaign || campaign.state !== "in_review") throw new AppError("campaignNotEditable", 409);
    await trx
      .updateTable("campaigns")
      .set(approve ? { state: "approved", approved_at: now, approved_by: input.reviewerId, updated_at: now } : { state: "changes_requested", updated_at: now })
      .where("id", "=", campaign.id)
      .execute();
    await trx
      .insertInto("campaign_reviews")
      .values({ campaign_id: campaign.id, reviewer_id: input.reviewerId, decision: approve ? "approved" : "changes_requested", comment: input.comment, created_at: now })
      .execute();
    const members = await trx
      .selectFrom("enterprise_members")
      .innerJoin("users", "users.id", "enterprise_members.user_id")
      .select(["users.email", "users.locale"])
      .where("enterprise_members.enterprise_id", "=", campaign.enterprise_id)
      .execute();
    for (const member of members) {
      await enqueueEmail(trx, member.email, "campaignReviewed", {
        locale: member.locale,
        campaignTitle: campaign.title,
        approved: approve,
        comment: input.comment,
        editUrl: `${services.origin}/campaigns/${campaign.slug}/edit`,
      });
    }
  });
  // A campaign approved on or after its start date opens at once.
  if (approve) await goLiveDueCampaigns(services);
}

export async function postCampaignUpdate(db: Database, input: { campaignId: number; authorId: number; title: string; body: string; now: Date }): Promise<void> {
  await db.insertInto("campaign_updates").values({ campaign_id: input.campaignId, author_id: input.authorId, title: input.title, body_md: input.body, created_at: input.now }).execute();
}

export interface OfflineDonationInput {
  campaignId: number;
  operatorId: number;
  source: string;
  amount: number;
  receivedOn: string;
  evidenceFileId: number | null;
  idempotencyKey: string;
}

/** Money received outside the card flow (e.g. exhibition donations), into escrow and the ledger, once. */
export async function recordOfflineDonation(services: Pick<Services, "db" | "clock">, input: OfflineDonationInput): Promise<{ created: boolean }> {
  const now = services.clock.now();
  if (input.receivedOn > seoulDate(now)) throw new AppError("dateInFuture", 422, "receivedOn");
  return services.db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom("offline_donations").select("id").where("idempotency_key", "=", input.idempotencyKey).executeTakeFirst();
    if (existing) return { created: false };
    const campaign = await trx.selectFrom("campaigns").select(["id", "slug", "state"]).where("id", "=", input.campaignId).forShare().executeTakeFirst();
    if (!campaign || !["live", "succeeded", "approved"].includes(campaign.state)) throw new AppError("campaignNotOpen", 409);
    const entry = await appendEntry(trx, {
      kind: "offline.recorded",
      occurredAt: now,
      memo: `현장·오프라인 기부 (${input.receivedOn})`,
      refs: { campaign: campaign.slug },
      idempotencyKey: `offline:${input.idempotencyKey}`,
      lines: [
        { account: campaignOfflineSource(campaign.id), amountWon: -input.amount },
        { account: campaignEscrow(campaign.id), amountWon: input.amount },
      ],
    });
    await trx
      .insertInto("offline_donations")
      .values({
        campaign_id: campaign.id,
        recorded_by: input.operatorId,
        source: input.source,
        amount_won: input.amount,
        received_on: input.receivedOn,
        evidence_file_id: input.evidenceFileId,
        idempotency_key: input.idempotencyKey,
        ledger_entry_id: entry.entryId,
        created_at: now,
      })
      .execute();
    return { created: true };
  });
}

export async function listOfflineDonations(db: DbOrTx, campaignId: number) {
  return db
    .selectFrom("offline_donations")
    .leftJoin("journal_entries as ledger_entry", "ledger_entry.id", "offline_donations.ledger_entry_id")
    .select(["offline_donations.id", "offline_donations.source", "offline_donations.amount_won", "offline_donations.received_on", "ledger_entry.seq as ledger_seq"])
    .where("offline_donations.campaign_id", "=", campaignId)
    .orderBy("offline_donations.id")
    .execute();
}

/** Stops a campaign before success: saved pledges are released, collected ones refunded. */
export async function cancelCampaign(services: Services, campaignId: number): Promise<void> {
  const now = services.clock.now();
  try {
    await services.db.transaction().execute(async (trx) => {
      const campaign = await trx.selectFrom("campaigns").select(["id", "state"]).where("id", "=", campaignId).forUpdate().executeTakeFirst();
      if (!campaign) throw new AppError("campaignNotEditable", 404);
      await trx.updateTable("campaigns").set({ state: "cancelled", settlement: "settled", updated_at: now }).where("id", "=", campaignId).execute();
      const freed = await trx
        .updateTable("pledges")
        .set({ state: "released", updated_at: now, next_charge_at: null })
        .where("campaign_id", "=", campaignId)
        .where("state", "in", ["saved", "collection_failed"])
        .returning("reward_id")
        .execute();
      const abandoned = await trx
        .updateTable("pledges")
        .set({ state: "cancelled", updated_at: now })
        .where("campaign_id", "=", campaignId)
        .where("state", "=", "pending_authorization")
        .returning("reward_id")
        .execute();
      for (const row of [...freed, ...abandoned]) await releaseReward(trx, row.reward_id);
      await trx
        .updateTable("pledges")
        .set({ refund_requested_at: now, refund_reason: "campaign_cancelled" })
        .where("campaign_id", "=", campaignId)
        .where("state", "=", "collected")
        .where("refund_requested_at", "is", null)
        .execute();
      await settleCampaignMatches(trx, campaignId, "failed", now);
    });
  } catch (error) {
    if (isCheckViolation(error)) throw new AppError("campaignNotEditable", 409);
    throw error;
  }
}

/** Everything the editor and the review page show. */
export async function getCampaignForEditing(db: DbOrTx, campaignId: number) {
  return db
    .selectFrom("campaigns")
    .innerJoin("enterprises", "enterprises.id", "campaigns.enterprise_id")
    .leftJoin("stored_files", "stored_files.id", "campaigns.cover_file_id")
    .select((eb) => [
      "campaigns.id",
      "campaigns.slug",
      "campaigns.title",
      "campaigns.summary",
      "campaigns.story_md",
      "campaigns.goal_won",
      "campaigns.funding_model",
      "campaigns.starts_on",
      "campaigns.ends_on",
      "campaigns.state",
      "campaigns.enterprise_id",
      "campaigns.submitted_at",
      "enterprises.name as enterprise_name",
      "enterprises.host_id as enterprise_host_id",
      "stored_files.public_id as cover_public_id",
      jsonArrayFrom(
        eb.selectFrom("budget_lines").select(["id", "name", "amount_won", "required", "explanation"]).whereRef("budget_lines.campaign_id", "=", "campaigns.id").orderBy("position"),
      ).as("budget_lines"),
      jsonArrayFrom(
        eb
          .selectFrom("rewards")
          .select(["id", "title", "description", "min_amount_won", "quantity_limit", "claimed_count", "delivery_month"])
          .whereRef("rewards.campaign_id", "=", "campaigns.id")
          .orderBy("position"),
      ).as("rewards"),
      jsonArrayFrom(
        eb
          .selectFrom("campaign_reviews")
          .innerJoin("users", "users.id", "campaign_reviews.reviewer_id")
          .select(["campaign_reviews.id", "campaign_reviews.decision", "campaign_reviews.comment", "campaign_reviews.created_at", "users.display_name as reviewer"])
          .whereRef("campaign_reviews.campaign_id", "=", "campaigns.id")
          .orderBy("campaign_reviews.id", "desc"),
      ).as("reviews"),
    ])
    .where("campaigns.id", "=", campaignId)
    .executeTakeFirst();
}

// Prepared (decision 88): the pledge API looks its campaign up on every request.
const campaignIdBySlugQuery = preparedQuery((db, values: { slug: string }) => db.selectFrom("campaigns").select(["id", "enterprise_id", "state"]).where("slug", "=", values.slug));

export async function findCampaignIdBySlug(db: DbOrTx, slug: string): Promise<{ id: number; enterprise_id: number; state: CampaignState } | undefined> {
  const [campaign] = await campaignIdBySlugQuery(db, { slug });
  return campaign;
}

/** With what decides who may act on it (its enterprise) and whether it may spend (its state and funding model). */
export async function findCampaignBySlug(db: DbOrTx, slug: string) {
  return db.selectFrom("campaigns").select(["id", "slug", "title", "state", "funding_model", "enterprise_id"]).where("slug", "=", slug).executeTakeFirst();
}

/** Every campaign of the enterprise, drafts and those in review included, newest first. */
export async function listEnterpriseCampaigns(db: DbOrTx, enterpriseId: number) {
  return db.selectFrom("campaigns").select(["slug", "title", "state"]).where("enterprise_id", "=", enterpriseId).orderBy("id", "desc").execute();
}

export async function listCampaignsInReview(db: DbOrTx, hostIds: number[]) {
  if (hostIds.length === 0) return [];
  return db
    .selectFrom("campaigns")
    .innerJoin("enterprises", "enterprises.id", "campaigns.enterprise_id")
    .leftJoin("contests", "contests.id", "campaigns.contest_id")
    .select(["campaigns.id", "campaigns.slug", "campaigns.title", "campaigns.goal_won", "campaigns.state", "campaigns.submitted_at", "campaigns.starts_on", "enterprises.name as enterprise_name"])
    .where(sql<number>`coalesce(contests.host_id, enterprises.host_id)`, "in", hostIds)
    .where("campaigns.state", "in", ["in_review", "changes_requested", "approved", "live"])
    .orderBy("campaigns.submitted_at", "desc")
    .limit(200)
    .execute();
}
