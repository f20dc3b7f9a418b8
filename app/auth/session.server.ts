import type { AppLoadContext } from "@remix-run/node";
import { jsonArrayFrom } from "kysely/helpers/postgres";
import type { EnterpriseType, Locale, MemberRole, StaffRole } from "../../db/types";
import { isSecureOrigin, readCookie, serializeCookie } from "../utils/cookies";
import type { DbOrTx } from "../utils/db.server";
import { preparedQuery } from "../utils/prepared-query.server";
import { hashToken, newToken } from "../utils/tokens.server";
import { SESSION_TTL_MS } from "./auth";

export const SESSION_COOKIE = "hf_session";

export interface SessionUser {
  id: number;
  email: string;
  displayName: string;
  locale: Locale;
  isPlatformAdmin: boolean;
  sessionId: string;
  staffRoles: { hostId: number; role: StaffRole }[];
  memberships: { enterpriseId: number; role: MemberRole; enterpriseName: string; enterpriseType: EnterpriseType }[];
}

export interface SessionMeta {
  ip: string | null;
  userAgent: string | null;
  now: Date;
}

export async function createSession(db: DbOrTx, userId: number, meta: SessionMeta): Promise<string> {
  const token = newToken();
  await db
    .insertInto("sessions")
    .values({
      id: hashToken(token),
      user_id: userId,
      created_at: meta.now,
      expires_at: new Date(meta.now.getTime() + SESSION_TTL_MS),
      ip: meta.ip?.slice(0, 64) ?? null,
      user_agent: meta.userAgent?.slice(0, 300) ?? null,
    })
    .execute();
  return token;
}

export async function revokeSession(db: DbOrTx, token: string, now: Date): Promise<void> {
  await db
    .updateTable("sessions")
    .set({ revoked_at: now })
    .where("id", "=", hashToken(token))
    .where("revoked_at", "is", null)
    .execute();
}

export async function revokeAllSessions(db: DbOrTx, userId: number, now: Date): Promise<void> {
  await db
    .updateTable("sessions")
    .set({ revoked_at: now })
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .execute();
}

const sessionUserQuery = preparedQuery((db, values: { tokenHash: string; now: Date }) =>
  db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .select((eb) => [
      "sessions.id as sessionId",
      "users.id",
      "users.email",
      "users.display_name",
      "users.locale",
      "users.is_platform_admin",
      jsonArrayFrom(
        eb
          .selectFrom("staff_roles")
          .select(["staff_roles.host_id as hostId", "staff_roles.role"])
          .whereRef("staff_roles.user_id", "=", "users.id"),
      ).as("staffRoles"),
      jsonArrayFrom(
        eb
          .selectFrom("enterprise_members")
          .innerJoin("enterprises", "enterprises.id", "enterprise_members.enterprise_id")
          .select([
            "enterprise_members.enterprise_id as enterpriseId",
            "enterprise_members.role",
            "enterprises.name as enterpriseName",
            "enterprises.type as enterpriseType",
          ])
          .whereRef("enterprise_members.user_id", "=", "users.id")
          .orderBy("enterprises.name"),
      ).as("memberships"),
    ])
    .where("sessions.id", "=", values.tokenHash)
    .where("sessions.revoked_at", "is", null)
    .where("sessions.expires_at", ">", values.now),
);

// Every signed-in request asks this first: prepared, so the query is not built again each time.
export async function findSessionUser(db: DbOrTx, token: string, now: Date): Promise<SessionUser | null> {
  const [row] = await sessionUserQuery(db, { tokenHash: hashToken(token), now });
  if (!row) return null;
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    locale: row.locale,
    isPlatformAdmin: row.is_platform_admin,
    sessionId: row.sessionId,
    // json_agg turns bigint into JSON numbers, which is what we want here.
    staffRoles: row.staffRoles.map((r) => ({ hostId: Number(r.hostId), role: r.role })),
    memberships: row.memberships.map((m) => ({ ...m, enterpriseId: Number(m.enterpriseId) })),
  };
}

// Remix hands each loader and action of a request its own copy of the Request, but one load
// context: the lookup is kept by context. An action's lookup is not reused by the loaders that
// render its page (they run after it changed things), so it is kept by method too.
const perRequest = new WeakMap<AppLoadContext, Map<string, Promise<SessionUser | null>>>();

/** The signed-in user of this request, looked up once however many loaders and guards ask. */
export function getSessionUser(request: Request, context: AppLoadContext): Promise<SessionUser | null> {
  let lookups = perRequest.get(context);
  if (!lookups) {
    lookups = new Map();
    perRequest.set(context, lookups);
  }
  let pending = lookups.get(request.method);
  if (!pending) {
    const token = readCookie(request, SESSION_COOKIE);
    pending = token && token.length <= 100 ? findSessionUser(context.services.db, token, context.services.clock.now()) : Promise.resolve(null);
    lookups.set(request.method, pending);
  }
  return pending;
}

export function readSessionToken(request: Request): string | undefined {
  return readCookie(request, SESSION_COOKIE);
}

export function sessionCookie(token: string, origin: string): string {
  return serializeCookie(SESSION_COOKIE, token, {
    secure: isSecureOrigin(origin),
    maxAgeSeconds: Math.floor(SESSION_TTL_MS / 1000),
  });
}

export function clearSessionCookie(origin: string): string {
  return serializeCookie(SESSION_COOKIE, "", { secure: isSecureOrigin(origin), maxAgeSeconds: 0 });
}
