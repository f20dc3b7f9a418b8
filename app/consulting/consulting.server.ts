import { jsonArrayFrom } from "kysely/helpers/postgres";
import { enqueueEmail } from "../email/outbox.server";
import type { Services } from "../server/services";
import { AppError } from "../utils/app-error";
import type { DbOrTx, Tx } from "../utils/db.server";
import { isCheckViolation } from "../utils/pg-errors";
import { isOpenForConsulting, stateAfterChangeRequest, type ConsultationTopic } from "./consulting";

/** Campaigns a consultant is assigned to, newest first, with how many comments each has. */
export async function listConsultantCampaigns(db: DbOrTx, consultantId: number) {
  return db
    .selectFrom("campaign_consultants")
    .innerJoin("campaigns", "campaigns.id", "campaign_consultants.campaign_id")
    .innerJoin("enterprises", "enterprises.id", "campaigns.enterprise_id")
    .leftJoin("contests", "contests.id", "campaigns.contest_id")
    .select((eb) => [
      "campaigns.id",
      "campaigns.slug",
      "campaigns.title",
      "campaigns.state",
      "campaigns.starts_on",
      "campaigns.updated_at",
      "enterprises.name as enterprise_name",
      "contests.title as contest_title",
      "campaign_consultants.assigned_at",
      eb
        .selectFrom("campaign_consultations")
        .select((e) => e.fn.countAll<number>().as("n"))
        .whereRef("campaign_consultations.campaign_id", "=", "campaigns.id")
        .as("comment_count"),
    ])
    .where("campaign_consultants.consultant_id", "=", consultantId)
    .orderBy("campaign_consultants.assigned_at", "desc")
    .execute();
}

export async function isAssignedConsultant(db: DbOrTx, campaignId: number, userId: number): Promise<boolean> {
  const row = await db.selectFrom("campaign_consultants").select("campaign_id").where("campaign_id", "=", campaignId).where("consultant_id", "=", userId).executeTakeFirst();
  return row !== undefined;
}

/** The comments on a campaign, oldest first, with their authors. */
export async function listConsultations(db: DbOrTx, campaignId: number) {
  return db
    .selectFrom("campaign_consultations")
    .innerJoin("users", "users.id", "campaign_consultations.author_id")
    .select(["campaign_consultations.id", "campaign_consultations.topic", "campaign_consultations.body", "campaign_consultations.requests_changes", "campaign_consultations.created_at", "users.display_name as author"])
    .where("campaign_consultations.campaign_id", "=", campaignId)
    .orderBy("campaign_consultations.id")
    .execute();
}

/** What the consultant reads: the draft as the enterprise wrote it. */
export async function getCampaignForConsultant(db: DbOrTx, slug: string) {
  return db
    .selectFrom("campaigns")
    .innerJoin("enterprises", "enterprises.id", "campaigns.enterprise_id")
    .leftJoin("contests", "contests.id", "campaigns.contest_id")
    .select((eb) => [
      "campaigns.id",
      "campaigns.slug",
      "campaigns.title",
      "campaigns.summary",
      "campaigns.story_md",
      "campaigns.goal_won",
      "campaigns.starts_on",
      "campaigns.ends_on",
      "campaigns.state",
      "campaigns.enterprise_id",
      "enterprises.name as enterprise_name",
      "contests.title as contest_title",
      jsonArrayFrom(eb.selectFrom("budget_lines").select(["id", "name", "amount_won"]).whereRef("budget_lines.campaign_id", "=", "campaigns.id").orderBy("position")).as("budget_lines"),
      jsonArrayFrom(
        eb.selectFrom("rewards").select(["id", "title", "description", "min_amount_won", "quantity_limit"]).whereRef("rewards.campaign_id", "=", "campaigns.id").orderBy("position"),
      ).as("rewards"),
    ])
    .where("campaigns.slug", "=", slug)
    .executeTakeFirst();
}

/**
 * A consultant's comment. Asking for changes on a campaign under review sends it back to the
 * enterprise, and every member is e-mailed; the database refuses anyone not assigned to it.
 */
export async function postConsultation(services: Services, input: ConsultationInput): Promise<void> {
  try {
    await services.db.transaction().execute((trx) => postConsultationIn(trx, { origin: services.origin, now: services.clock.now() }, input));
  } catch (error) {
    if (isCheckViolation(error) && error instanceof Error && /only a consultant assigned/.test(error.message)) throw new AppError("notAssignedConsultant", 403);
    throw error;
  }
}

export interface ConsultationInput {
  campaignId: number;
  consultantId: number;
  topic: ConsultationTopic;
  body: string;
  requestsChanges: boolean;
}

/** The comment inside the caller's transaction (the demo seed writes its history this way). */
export async function postConsultationIn(trx: Tx, context: { origin: string; now: Date }, input: ConsultationInput): Promise<void> {
  const { now } = context;
  const campaign = await trx.selectFrom("campaigns").select(["id", "state", "slug", "title", "enterprise_id"]).where("id", "=", input.campaignId).forUpdate().executeTakeFirst();
  if (!campaign) throw new AppError("invalidChoice", 404);
  if (!isOpenForConsulting(campaign.state)) throw new AppError("consultingClosed", 409);
  await trx
    .insertInto("campaign_consultations")
    .values({ campaign_id: campaign.id, author_id: input.consultantId, topic: input.topic, body: input.body, requests_changes: input.requestsChanges, created_at: now })
    .execute();
  if (!input.requestsChanges) return;
  const next = stateAfterChangeRequest(campaign.state);
  if (next !== campaign.state) await trx.updateTable("campaigns").set({ state: next, updated_at: now }).where("id", "=", campaign.id).execute();
  const consultant = await trx.selectFrom("users").select("display_name").where("id", "=", input.consultantId).executeTakeFirstOrThrow();
  const members = await trx
    .selectFrom("enterprise_members")
    .innerJoin("users", "users.id", "enterprise_members.user_id")
    .select(["users.email", "users.locale"])
    .where("enterprise_members.enterprise_id", "=", campaign.enterprise_id)
    .execute();
  for (const member of members) {
    await enqueueEmail(trx, member.email, "consultationChangesRequested", {
      locale: member.locale,
      campaignTitle: campaign.title,
      consultantName: consultant.display_name,
      topic: input.topic,
      comment: input.body,
      editUrl: `${context.origin}/campaigns/${campaign.slug}/edit`,
    });
  }
}
