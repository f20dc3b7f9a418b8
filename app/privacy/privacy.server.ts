import { sql } from "kysely";
import type { ConsentPurpose, Locale } from "../../db/types";
import { verifyPassword } from "../auth/password.server";
import { AppError } from "../utils/app-error";
import { seoulDate } from "../utils/dates";
import type { Database, DbOrTx } from "../utils/db.server";
import { CONSENT_VERSIONS } from "./consents";
import { retentionEnd, type PersonalData } from "./personal-data";

/** Records consents as shown now (text version, language, time); a change of mind is a new row. */
export async function recordConsents(db: DbOrTx, userId: number, consents: { purpose: ConsentPurpose; granted: boolean }[], locale: Locale, now: Date): Promise<void> {
  if (consents.length === 0) return;
  await db
    .insertInto("privacy_consents")
    .values(consents.map((c) => ({ user_id: userId, purpose: c.purpose, granted: c.granted, text_version: CONSENT_VERSIONS[c.purpose], locale, recorded_at: now })))
    .execute();
}

/** The latest record per purpose. */
export async function currentConsents(db: DbOrTx, userId: number) {
  return db
    .selectFrom("privacy_consents")
    .distinctOn("purpose")
    .select(["purpose", "granted", "text_version", "recorded_at"])
    .where("user_id", "=", userId)
    .orderBy("purpose")
    .orderBy("id", "desc")
    .execute();
}

export async function exportPersonalData(db: DbOrTx, userId: number, now: Date): Promise<PersonalData> {
  const [user, memberships, staffRoles, pledges, consents] = await Promise.all([
    db.selectFrom("users").select(["id", "email", "display_name", "locale", "created_at", "age_confirmed_at"]).where("id", "=", userId).executeTakeFirstOrThrow(),
    db
      .selectFrom("enterprise_members")
      .innerJoin("enterprises", "enterprises.id", "enterprise_members.enterprise_id")
      .select(["enterprises.name", "enterprise_members.role", "enterprise_members.joined_at"])
      .where("enterprise_members.user_id", "=", userId)
      .orderBy("enterprise_members.joined_at")
      .execute(),
    db
      .selectFrom("staff_roles")
      .innerJoin("host_organisations", "host_organisations.id", "staff_roles.host_id")
      .select(["host_organisations.name", "staff_roles.role", "staff_roles.granted_at"])
      .where("staff_roles.user_id", "=", userId)
      .orderBy("staff_roles.granted_at")
      .execute(),
    db
      .selectFrom("pledges")
      .innerJoin("campaigns", "campaigns.id", "pledges.campaign_id")
      .leftJoin("rewards", "rewards.id", "pledges.reward_id")
      .select([
        "pledges.public_id",
        "campaigns.title",
        "pledges.amount_won",
        "pledges.kind",
        "pledges.state",
        "rewards.title as reward_title",
        "pledges.backer_kind",
        "pledges.company_name",
        "pledges.business_number",
        "pledges.anonymous",
        "pledges.show_full_name",
        "pledges.message",
        "pledges.receipt_secret",
        "pledges.card_last4",
        "pledges.created_at",
        "pledges.collected_at",
      ])
      .where("pledges.backer_id", "=", userId)
      .orderBy("pledges.id")
      .execute(),
    db.selectFrom("privacy_consents").select(["purpose", "granted", "text_version", "locale", "recorded_at"]).where("user_id", "=", userId).orderBy("id").execute(),
  ]);
  const iso = (at: Date | string) => new Date(at).toISOString();
  return {
    exportedAt: now.toISOString(),
    profile: {
      id: Number(user.id),
      email: user.email,
      displayName: user.display_name,
      locale: user.locale,
      createdAt: iso(user.created_at),
      ageConfirmedAt: user.age_confirmed_at ? iso(user.age_confirmed_at) : null,
    },
    memberships: memberships.map((m) => ({ enterprise: m.name, role: m.role, joinedAt: iso(m.joined_at) })),
    staffRoles: staffRoles.map((r) => ({ host: r.name, role: r.role, grantedAt: iso(r.granted_at) })),
    pledges: pledges.map((p) => ({
      pledge: p.public_id,
      campaign: p.title,
      amountWon: Number(p.amount_won),
      kind: p.kind,
      state: p.state,
      reward: p.reward_title,
      backerKind: p.backer_kind,
      companyName: p.company_name,
      businessNumber: p.business_number,
      nameDisplay: p.anonymous ? "anonymous" : p.show_full_name ? "full" : "masked",
      message: p.message,
      receiptCode: p.receipt_secret,
      cardLast4: p.card_last4,
      createdAt: iso(p.created_at),
      collectedAt: p.collected_at ? iso(p.collected_at) : null,
    })),
    consents: consents.map((c) => ({ purpose: c.purpose, granted: c.granted, textVersion: c.text_version, locale: c.locale, recordedAt: iso(c.recorded_at) })),
  };
}

/** Pledges whose money may still move: the backer must cancel them or wait for them to end. */
const OPEN_PLEDGE_STATES = ["pending_authorization", "saved", "charging", "collection_failed"] as const;

export type DeletionBlocker =
  | { reason: "staffRole" }
  | { reason: "soleOwner"; names: string[] }
  | { reason: "openPledges"; names: string[] }
  | { reason: "openPayment" };

/** Why the account cannot be deleted now (empty: it can). */
export async function deletionBlockers(db: DbOrTx, userId: number): Promise<DeletionBlocker[]> {
  const [admin, roles, soleOwned, openPledges, openPayments] = await Promise.all([
    db.selectFrom("users").select("is_platform_admin").where("id", "=", userId).executeTakeFirstOrThrow(),
    db.selectFrom("staff_roles").select("role").where("user_id", "=", userId).limit(1).execute(),
    db
      .selectFrom("enterprise_members as mine")
      .innerJoin("enterprises", "enterprises.id", "mine.enterprise_id")
      .select("enterprises.name")
      .where("mine.user_id", "=", userId)
      .where("mine.role", "=", "owner")
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom("enterprise_members as other").select(sql`1`.as("one")).whereRef("other.enterprise_id", "=", "mine.enterprise_id").where("other.role", "=", "owner").where("other.user_id", "<>", userId))),
      )
      .orderBy("enterprises.name")
      .execute(),
    db
      .selectFrom("pledges")
      .innerJoin("campaigns", "campaigns.id", "pledges.campaign_id")
      .select("campaigns.title")
      .distinct()
      .where("pledges.backer_id", "=", userId)
      .where((eb) => eb.or([eb("pledges.state", "in", [...OPEN_PLEDGE_STATES]), eb.and([eb("pledges.state", "=", "collected"), eb("pledges.refund_requested_at", "is not", null)])]))
      .orderBy("campaigns.title")
      .execute(),
    db.selectFrom("loan_online_payments").select("id").where("started_by", "=", userId).where("state", "=", "pending").limit(1).execute(),
  ]);
  const blockers: DeletionBlocker[] = [];
  if (admin.is_platform_admin || roles.length > 0) blockers.push({ reason: "staffRole" });
  if (soleOwned.length > 0) blockers.push({ reason: "soleOwner", names: soleOwned.map((e) => e.name) });
  if (openPledges.length > 0) blockers.push({ reason: "openPledges", names: openPledges.map((p) => p.title) });
  if (openPayments.length > 0) blockers.push({ reason: "openPayment" });
  return blockers;
}

/**
 * Erases the person and keeps the money records (decision 55): one transaction under the user's
 * row lock, which pledge, session and role inserts for the user also take (database triggers), so
 * nothing new can start while the obstacles are checked. The ledger is not touched: it never held
 * the person.
 */
export async function deleteAccount(db: Database, userId: number, password: string, now: Date): Promise<void> {
  const user = await db.selectFrom("users").select(["password_hash", "email"]).where("id", "=", userId).where("deleted_at", "is", null).executeTakeFirst();
  if (!user || !(await verifyPassword(user.password_hash, password))) throw new AppError("wrongPassword", 403, "password");
  await db.transaction().execute(async (trx) => {
    const locked = await trx.selectFrom("users").select(["email"]).where("id", "=", userId).where("deleted_at", "is", null).forUpdate().executeTakeFirst();
    if (!locked) throw new AppError("wrongPassword", 403, "password");
    if ((await deletionBlockers(trx, userId)).length > 0) throw new AppError("deletionBlocked", 409);

    const deletion = await trx.insertInto("account_deletions").values({ user_id: userId, requested_at: now, pledges_kept: 0, keep_until: null }).returning("id").executeTakeFirstOrThrow();
    const kept = await trx
      .updateTable("pledges")
      .set({ anonymous: true, show_full_name: false, message: "", updated_at: now })
      .where("backer_id", "=", userId)
      .returning("id")
      .execute();
    await trx.deleteFrom("enterprise_members").where("user_id", "=", userId).execute();
    await trx.deleteFrom("enterprise_invitations").where("email", "=", locked.email).where("accepted_at", "is", null).execute();
    await trx.updateTable("enterprise_invitations").set({ email: erasedEmail(userId) }).where("email", "=", locked.email).execute();
    await trx.deleteFrom("password_reset_tokens").where("user_id", "=", userId).execute();
    await trx.deleteFrom("login_failures").where("email", "=", locked.email).execute();
    await trx.deleteFrom("email_outbox").where("to_address", "=", locked.email).execute();
    await trx.updateTable("sessions").set({ revoked_at: sql`coalesce(revoked_at, ${now})`, ip: null, user_agent: null }).where("user_id", "=", userId).execute();
    await trx
      .updateTable("users")
      .set({ email: erasedEmail(userId), display_name: ERASED_NAME, password_hash: "", deleted_at: now, updated_at: now })
      .where("id", "=", userId)
      .execute();
    await trx
      .updateTable("account_deletions")
      .set({ completed_at: now, pledges_kept: kept.length, keep_until: kept.length > 0 ? retentionEnd(seoulDate(now)) : null })
      .where("id", "=", deletion.id)
      .execute();
  });
}

/** What a deleted account's row holds instead (the database checks exactly these values). */
export const ERASED_NAME = "(탈퇴 · deleted)";
function erasedEmail(userId: number): string {
  return `deleted-${userId}@deleted.invalid`;
}

export async function listAccountDeletions(db: DbOrTx) {
  return db.selectFrom("account_deletions").select(["id", "user_id", "requested_at", "completed_at", "pledges_kept", "keep_until"]).orderBy("id", "desc").limit(200).execute();
}
