import type { EnterpriseType, MemberRole } from "../../db/types";
import { INVITATION_TTL_MS } from "../auth/auth";
import { enqueueEmail } from "../email/outbox.server";
import { AppError } from "../utils/app-error";
import type { Database, DbOrTx } from "../utils/db.server";
import { likePrefix } from "../utils/like";
import { isUniqueViolation } from "../utils/pg-errors";
import { hashToken, newToken } from "../utils/tokens.server";
import { districtArea, identityDiffers, type EnterpriseInput } from "./enterprises";

function columnsFrom(input: EnterpriseInput) {
  return {
    name: input.name,
    type: input.type,
    host_id: input.hostId,
    representative: input.representative,
    district: input.district,
    business: input.business,
    registration_number: input.registrationNumber,
    certified_on: input.certifiedOn,
    employees: input.employees,
    vulnerable_employees: input.vulnerableEmployees,
  };
}

async function assertHostExists(db: DbOrTx, hostId: number) {
  const host = await db.selectFrom("host_organisations").select("id").where("id", "=", hostId).executeTakeFirst();
  if (!host) throw new AppError("invalidChoice", 422, "hostId");
}

function translateWriteError(error: unknown): never {
  if (isUniqueViolation(error, "enterprises_registration_number_key")) {
    throw new AppError("registrationNumberTaken", 409, "registrationNumber");
  }
  throw error;
}

/** Registers the enterprise (pending verification) with its registering user as owner. */
export async function registerEnterprise(db: Database, userId: number, input: EnterpriseInput, now: Date): Promise<number> {
  await assertHostExists(db, input.hostId);
  try {
    return await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto("enterprises")
        .values({ ...columnsFrom(input), created_by: userId, created_at: now, updated_at: now })
        .returning("id")
        .executeTakeFirstOrThrow();
      await trx.insertInto("enterprise_members").values({ enterprise_id: row.id, user_id: userId, role: "owner" }).execute();
      return row.id;
    });
  } catch (error) {
    return translateWriteError(error);
  }
}

/**
 * Saves new details. A change of who the enterprise is (host, type, name, registration number)
 * sends it back to review: it is no longer verified (the database refuses it otherwise and keeps
 * the identity it had); what was approved under the old identity stays. A held ("rejected")
 * enterprise goes back to the queue. Returns whether it now waits for review again.
 */
export async function updateEnterprise(db: Database, enterpriseId: number, input: EnterpriseInput, now: Date): Promise<{ backToReview: boolean }> {
  await assertHostExists(db, input.hostId);
  try {
    return await db.transaction().execute(async (trx) => {
      const current = await trx
        .selectFrom("enterprises")
        .select(["host_id", "type", "name", "registration_number", "status"])
        .where("id", "=", enterpriseId)
        .forUpdate()
        .executeTakeFirstOrThrow();
      const identityChanged = identityDiffers(current, input);
      const backToReview = identityChanged && current.status === "verified";
      await trx
        .updateTable("enterprises")
        .set({
          ...columnsFrom(input),
          updated_at: now,
          ...(identityChanged || current.status === "rejected" ? { status: "pending", verified_at: null, verified_by: null } : {}),
        })
        .where("id", "=", enterpriseId)
        .execute();
      return { backToReview };
    });
  } catch (error) {
    return translateWriteError(error);
  }
}

export interface ReviewInput {
  enterpriseId: number;
  reviewerId: number;
  decision: "verify" | "reject";
  note: string;
  origin: string;
  now: Date;
}

/** The operator's decision; owners are told by e-mail in the same transaction. */
export async function reviewEnterprise(db: Database, input: ReviewInput): Promise<{ name: string }> {
  return db.transaction().execute(async (trx) => {
    const verified = input.decision === "verify";
    const enterprise = await trx
      .updateTable("enterprises")
      .set({
        status: verified ? "verified" : "rejected",
        review_note: input.note || null,
        verified_by: verified ? input.reviewerId : null,
        verified_at: verified ? input.now : null,
        updated_at: input.now,
      })
      .where("id", "=", input.enterpriseId)
      .returning(["id", "name"])
      .executeTakeFirst();
    if (!enterprise) throw new AppError("invalidChoice", 404);
    const owners = await trx
      .selectFrom("enterprise_members")
      .innerJoin("users", "users.id", "enterprise_members.user_id")
      .select(["users.email", "users.locale"])
      .where("enterprise_members.enterprise_id", "=", enterprise.id)
      .where("enterprise_members.role", "=", "owner")
      .execute();
    for (const owner of owners) {
      await enqueueEmail(trx, owner.email, "enterpriseReviewed", {
        locale: owner.locale,
        enterpriseName: enterprise.name,
        verified,
        note: input.note,
        enterpriseUrl: `${input.origin}/enterprises/${enterprise.id}`,
      });
    }
    return { name: enterprise.name };
  });
}

export async function getEnterprise(db: DbOrTx, id: number) {
  return db
    .selectFrom("enterprises")
    .innerJoin("host_organisations", "host_organisations.id", "enterprises.host_id")
    .select([
      "enterprises.id",
      "enterprises.name",
      "enterprises.type",
      "enterprises.host_id",
      "host_organisations.name as host_name",
      "enterprises.representative",
      "enterprises.district",
      "enterprises.business",
      "enterprises.registration_number",
      "enterprises.certified_on",
      "enterprises.employees",
      "enterprises.vulnerable_employees",
      "enterprises.status",
      "enterprises.review_note",
      "enterprises.verified_at",
      "enterprises.created_at",
    ])
    .where("enterprises.id", "=", id)
    .executeTakeFirst();
}

export type EnterpriseDetail = NonNullable<Awaited<ReturnType<typeof getEnterprise>>>;

/** The host that verified the enterprise; throws for an unknown one. */
export async function enterpriseHostId(db: DbOrTx, enterpriseId: number): Promise<number> {
  const enterprise = await db.selectFrom("enterprises").select("host_id").where("id", "=", enterpriseId).executeTakeFirstOrThrow();
  return enterprise.host_id;
}

/** Those of the given enterprises that are verified, by name. */
export async function listVerifiedEnterprises(db: DbOrTx, enterpriseIds: number[]) {
  if (enterpriseIds.length === 0) return [];
  return db.selectFrom("enterprises").select(["id", "name"]).where("id", "in", enterpriseIds).where("status", "=", "verified").orderBy("name").execute();
}

export interface DirectoryFilter {
  type?: EnterpriseType;
  area?: string;
}

export async function listDirectory(db: DbOrTx, filter: DirectoryFilter) {
  let query = db
    .selectFrom("enterprises")
    .select(["id", "name", "type", "district", "business", "employees", "vulnerable_employees", "certified_on"])
    .where("status", "=", "verified")
    .orderBy("name")
    .limit(500);
  if (filter.type) query = query.where("type", "=", filter.type);
  if (filter.area) query = query.where("district", "like", likePrefix(filter.area));
  return query.execute();
}

/** The areas (city + district) that verified enterprises are in, for the directory filter. */
export async function listDirectoryAreas(db: DbOrTx): Promise<string[]> {
  const rows = await db.selectFrom("enterprises").select("district").distinct().where("status", "=", "verified").execute();
  return [...new Set(rows.map((r) => districtArea(r.district)))].sort();
}

export async function listMembers(db: DbOrTx, enterpriseId: number) {
  return db
    .selectFrom("enterprise_members")
    .innerJoin("users", "users.id", "enterprise_members.user_id")
    .select(["users.id as userId", "users.display_name", "users.email", "enterprise_members.role", "enterprise_members.joined_at"])
    .where("enterprise_members.enterprise_id", "=", enterpriseId)
    .orderBy("enterprise_members.joined_at")
    .execute();
}

export async function listPendingInvitations(db: DbOrTx, enterpriseId: number, now: Date) {
  return db
    .selectFrom("enterprise_invitations")
    .select(["id", "email", "role", "expires_at", "created_at"])
    .where("enterprise_id", "=", enterpriseId)
    .where("accepted_at", "is", null)
    .where("expires_at", ">", now)
    .orderBy("id", "desc")
    .execute();
}

export interface InviteInput {
  enterpriseId: number;
  inviterId: number;
  email: string;
  role: MemberRole;
  origin: string;
  now: Date;
}

export async function inviteMember(db: Database, input: InviteInput): Promise<void> {
  const token = newToken();
  await db.transaction().execute(async (trx) => {
    const enterprise = await trx.selectFrom("enterprises").select("name").where("id", "=", input.enterpriseId).executeTakeFirstOrThrow();
    const inviter = await trx.selectFrom("users").select("display_name").where("id", "=", input.inviterId).executeTakeFirstOrThrow();
    const alreadyMember = await trx
      .selectFrom("enterprise_members")
      .innerJoin("users", "users.id", "enterprise_members.user_id")
      .select("users.id")
      .where("enterprise_members.enterprise_id", "=", input.enterpriseId)
      .where("users.email", "=", input.email)
      .executeTakeFirst();
    if (alreadyMember) throw new AppError("alreadyMember", 409, "email");
    const invitee = await trx.selectFrom("users").select("locale").where("email", "=", input.email).executeTakeFirst();
    await trx
      .insertInto("enterprise_invitations")
      .values({
        enterprise_id: input.enterpriseId,
        email: input.email,
        role: input.role,
        token_hash: hashToken(token),
        invited_by: input.inviterId,
        created_at: input.now,
        expires_at: new Date(input.now.getTime() + INVITATION_TTL_MS),
      })
      .execute();
    await enqueueEmail(trx, input.email, "enterpriseInvitation", {
      locale: invitee?.locale ?? "ko",
      enterpriseName: enterprise.name,
      inviterName: inviter.display_name,
      acceptUrl: `${input.origin}/invitations/${token}`,
    });
  });
}

export async function findInvitation(db: DbOrTx, token: string, now: Date) {
  return db
    .selectFrom("enterprise_invitations")
    .innerJoin("enterprises", "enterprises.id", "enterprise_invitations.enterprise_id")
    .select([
      "enterprise_invitations.id",
      "enterprise_invitations.email",
      "enterprise_invitations.role",
      "enterprise_invitations.enterprise_id",
      "enterprises.name as enterprise_name",
    ])
    .where("enterprise_invitations.token_hash", "=", hashToken(token))
    .where("enterprise_invitations.accepted_at", "is", null)
    .where("enterprise_invitations.expires_at", ">", now)
    .executeTakeFirst();
}

/** Joins the invited enterprise; the invitation works once, for the address it was sent to. */
export async function acceptInvitation(db: Database, token: string, user: { id: number; email: string }, now: Date): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const invitation = await trx
      .selectFrom("enterprise_invitations")
      .select(["id", "email", "role", "enterprise_id"])
      .where("token_hash", "=", hashToken(token))
      .where("accepted_at", "is", null)
      .where("expires_at", ">", now)
      .forUpdate()
      .executeTakeFirst();
    if (!invitation) throw new AppError("invitationInvalid", 404);
    if (invitation.email !== user.email) throw new AppError("invitationOtherEmail", 403);
    await trx
      .insertInto("enterprise_members")
      .values({ enterprise_id: invitation.enterprise_id, user_id: user.id, role: invitation.role })
      .onConflict((oc) => oc.columns(["enterprise_id", "user_id"]).doNothing())
      .execute();
    await trx
      .updateTable("enterprise_invitations")
      .set({ accepted_at: now, accepted_by: user.id })
      .where("id", "=", invitation.id)
      .execute();
    return invitation.enterprise_id;
  });
}

export async function listPendingEnterprisesForHosts(db: DbOrTx, hostIds: number[]) {
  if (hostIds.length === 0) return [];
  return db
    .selectFrom("enterprises")
    .innerJoin("host_organisations", "host_organisations.id", "enterprises.host_id")
    .select([
      "enterprises.id",
      "enterprises.name",
      "enterprises.type",
      "enterprises.district",
      "enterprises.representative",
      "enterprises.business",
      "enterprises.registration_number",
      "enterprises.employees",
      "enterprises.vulnerable_employees",
      "enterprises.created_at",
      "enterprises.host_id",
      "host_organisations.name as host_name",
    ])
    .where("enterprises.status", "=", "pending")
    .where("enterprises.host_id", "in", hostIds)
    .orderBy("enterprises.created_at")
    .execute();
}

export async function listHosts(db: DbOrTx) {
  return db.selectFrom("host_organisations").select(["id", "key", "name", "kind", "region"]).orderBy("region").orderBy("name").execute();
}
