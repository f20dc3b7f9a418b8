import { randomBytes } from "node:crypto";
import { sql, type NotNull } from "kysely";
import { MIN_GOAL_WON } from "../campaigns/campaign";
import { AppError } from "../utils/app-error";
import type { Database, DbOrTx } from "../utils/db.server";
import { isCheckViolation } from "../utils/pg-errors";

// After selection: the selected applications become campaign drafts of the round (all in the
// contest's campaign window, so approved ones open together), and operators assign consultants.

const SUMMARY_MAX = 300;

function draftSlug(): string {
  return `c${randomBytes(5).toString("hex")}`;
}

/** The story a draft starts with: what the application said, for the enterprise to rewrite. */
export function draftStory(application: { title: string; summary: string; social_value: string }): string {
  return [`## ${application.title}`, application.summary, application.social_value ? `### 사회적 가치\n\n${application.social_value}` : ""].filter((part) => part !== "").join("\n\n");
}

/**
 * Creates one draft per selected application that has none yet, in one transaction under the
 * contest's row lock: running it twice, even at the same moment, creates each draft once (and a
 * unique index on the application's campaign makes a second one impossible anyway).
 */
export async function createRoundDrafts(db: Database, input: { contestId: number; operatorId: number; now: Date }): Promise<{ created: number; existing: number }> {
  return db.transaction().execute(async (trx) => {
    const contest = await trx.selectFrom("contests").select(["id", "selected_at"]).where("id", "=", input.contestId).forUpdate().executeTakeFirst();
    if (!contest) throw new AppError("invalidChoice", 404);
    if (!contest.selected_at) throw new AppError("roundNotSelected", 409);
    const window = await trx
      .selectFrom("contest_stages")
      .select(["starts_on", "ends_on"])
      .where("contest_id", "=", contest.id)
      .where("kind", "=", "campaign_window")
      .executeTakeFirst();
    if (!window?.ends_on || window.ends_on <= window.starts_on) throw new AppError("roundWindowMissing", 409);
    const selected = await trx
      .selectFrom("contest_applications")
      .select(["id", "enterprise_id", "title", "summary", "social_value", "budget_won", "campaign_id"])
      .where("contest_id", "=", contest.id)
      .where("outcome", "=", "selected")
      .where("enterprise_id", "is not", null)
      .$narrowType<{ enterprise_id: NotNull }>()
      .orderBy("rank")
      .orderBy("id")
      .execute();
    let created = 0;
    for (const application of selected) {
      if (application.campaign_id !== null) continue;
      const goal = Math.max(MIN_GOAL_WON, application.budget_won ?? MIN_GOAL_WON);
      const campaign = await trx
        .insertInto("campaigns")
        .values({
          slug: draftSlug(),
          enterprise_id: application.enterprise_id,
          contest_id: contest.id,
          title: application.title,
          summary: application.summary.slice(0, SUMMARY_MAX),
          story_md: draftStory(application),
          goal_won: goal,
          funding_model: "all_or_nothing",
          starts_on: window.starts_on,
          ends_on: window.ends_on,
          state: "draft",
          created_by: input.operatorId,
          created_at: input.now,
          updated_at: input.now,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await trx.insertInto("budget_lines").values({ campaign_id: campaign.id, name: "사업 예산 (신청서 기준)", amount_won: goal, required: true, position: 1 }).execute();
      await trx.updateTable("contest_applications").set({ campaign_id: campaign.id }).where("id", "=", application.id).execute();
      created += 1;
    }
    return { created, existing: selected.length - created };
  });
}

/** Assigns a consultant of the host; the database refuses anyone without the role. Twice is a no-op. */
export async function assignConsultant(db: Database, input: { contestId: number; campaignId: number; consultantId: number; operatorId: number; now: Date }): Promise<void> {
  const campaign = await db.selectFrom("campaigns").select("id").where("id", "=", input.campaignId).where("contest_id", "=", input.contestId).executeTakeFirst();
  if (!campaign) throw new AppError("invalidChoice", 404, "campaignId");
  try {
    await db
      .insertInto("campaign_consultants")
      .values({ campaign_id: campaign.id, consultant_id: input.consultantId, assigned_by: input.operatorId, assigned_at: input.now })
      .onConflict((oc) => oc.columns(["campaign_id", "consultant_id"]).doNothing())
      .execute();
  } catch (error) {
    if (isCheckViolation(error)) throw new AppError("notConsultant", 422, "consultantId");
    throw error;
  }
}

/**
 * Ends a consultant's assignment to one of the contest's campaigns. The database records who ended
 * it and when, and deletes the assignment in the same statement: from then on the consultant can
 * neither open the campaign nor comment on it. Their comments stay. Refused (nothing written) when
 * the consultant is not assigned, e.g. a second click or another operator was faster.
 */
export async function unassignConsultant(db: Database, input: { contestId: number; campaignId: number; consultantId: number; operatorId: number; now: Date }): Promise<void> {
  const campaign = await db.selectFrom("campaigns").select("id").where("id", "=", input.campaignId).where("contest_id", "=", input.contestId).executeTakeFirst();
  if (!campaign) throw new AppError("invalidChoice", 404, "campaignId");
  try {
    await db.insertInto("campaign_consultant_unassignments").values({ campaign_id: campaign.id, consultant_id: input.consultantId, unassigned_by: input.operatorId, unassigned_at: input.now }).execute();
  } catch (error) {
    if (isCheckViolation(error, "campaign_consultant_unassignments_assigned")) throw new AppError("consultantNotAssigned", 409);
    if (isCheckViolation(error, "campaign_consultant_unassignments_operator")) throw new AppError("notAllowed", 403);
    throw error;
  }
}

/** Users who may be assigned: holders of the consultant role at the host. */
export async function listHostConsultants(db: DbOrTx, hostId: number) {
  return db
    .selectFrom("staff_roles")
    .innerJoin("users", "users.id", "staff_roles.user_id")
    .select(["users.id", "users.display_name", "users.email"])
    .where("staff_roles.host_id", "=", hostId)
    .where("staff_roles.role", "=", "consultant")
    .orderBy("users.display_name")
    .execute();
}

/** The operator's view of the round: each selected application, its draft, state and consultants. */
export async function getRound(db: DbOrTx, contestId: number) {
  const [applications, consultants, window] = await Promise.all([
    db
      .selectFrom("contest_applications")
      .innerJoin("enterprises", "enterprises.id", "contest_applications.enterprise_id")
      .leftJoin("campaigns", "campaigns.id", "contest_applications.campaign_id")
      .select([
        "contest_applications.id",
        "contest_applications.title",
        "contest_applications.rank",
        "contest_applications.budget_won",
        "enterprises.name as enterprise_name",
        "campaigns.id as campaign_id",
        "campaigns.slug as campaign_slug",
        "campaigns.state as campaign_state",
        "campaigns.starts_on as campaign_starts_on",
        "campaigns.ends_on as campaign_ends_on",
        (eb) =>
          eb
            .selectFrom("campaign_consultations")
            .select(sql<number>`count(*)::int`.as("n"))
            .whereRef("campaign_consultations.campaign_id", "=", "campaigns.id")
            .as("consultation_count"),
      ])
      .where("contest_applications.contest_id", "=", contestId)
      .where("contest_applications.outcome", "=", "selected")
      .orderBy("contest_applications.rank")
      .orderBy("contest_applications.id")
      .execute(),
    db
      .selectFrom("campaign_consultants")
      .innerJoin("campaigns", "campaigns.id", "campaign_consultants.campaign_id")
      .innerJoin("users", "users.id", "campaign_consultants.consultant_id")
      .select(["campaign_consultants.campaign_id", "users.id", "users.display_name"])
      .where("campaigns.contest_id", "=", contestId)
      .orderBy("users.display_name")
      .execute(),
    db.selectFrom("contest_stages").select(["starts_on", "ends_on"]).where("contest_id", "=", contestId).where("kind", "=", "campaign_window").executeTakeFirst(),
  ]);
  return {
    window: window ?? null,
    applications: applications.map((a) => ({
      ...a,
      consultation_count: Number(a.consultation_count ?? 0),
      consultants: consultants.filter((c) => c.campaign_id === a.campaign_id).map((c) => ({ id: c.id, name: c.display_name })),
    })),
  };
}
