import { sql } from "kysely";
import type { Locale } from "../../db/types";
import { enqueueEmail } from "../email/outbox.server";
import { recordConsents } from "../privacy/privacy.server";
import { AppError } from "../utils/app-error";
import type { Database, DbOrTx } from "../utils/db.server";
import { isUniqueViolation } from "../utils/pg-errors";
import { hashToken, newToken } from "../utils/tokens.server";
import { ACCOUNT_WINDOW_MS, loginWaitMs, RESET_TOKEN_TTL_MS, THROTTLE_WINDOW_MS, type FailureCount } from "./auth";
import { hashPassword, verifyAgainstDecoy, verifyPassword } from "./password.server";
import { createSession, revokeSession, type SessionMeta } from "./session.server";

export interface SignUpInput {
  email: string;
  displayName: string;
  password: string;
  locale: Locale;
  /** The optional consent; the required one and the age confirmation are checked by the form. */
  consentCampaignEmails: boolean;
}

export async function signUp(db: Database, input: SignUpInput, meta: SessionMeta & { origin: string }) {
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.transaction().execute(async (trx) => {
      const user = await trx
        .insertInto("users")
        .values({ email: input.email, display_name: input.displayName, password_hash: passwordHash, locale: input.locale, age_confirmed_at: meta.now })
        .returning("id")
        .executeTakeFirstOrThrow();
      await recordConsents(
        trx,
        user.id,
        [
          { purpose: "account", granted: true },
          { purpose: "campaign_emails", granted: input.consentCampaignEmails },
        ],
        input.locale,
        meta.now,
      );
      await enqueueEmail(trx, input.email, "welcome", {
        locale: input.locale,
        displayName: input.displayName,
        homeUrl: `${meta.origin}/campaigns`,
      });
      const token = await createSession(trx, user.id, meta);
      return { userId: user.id, token };
    });
  } catch (error) {
    if (isUniqueViolation(error, "users_email_key")) throw new AppError("emailTaken", 409, "email");
    throw error;
  }
}

async function recentFailures(db: DbOrTx, email: string, ip: string, now: Date): Promise<{ ip: FailureCount; pair: FailureCount; account: FailureCount }> {
  const since = new Date(now.getTime() - THROTTLE_WINDOW_MS);
  const accountSince = new Date(now.getTime() - ACCOUNT_WINDOW_MS);
  const [byAccount, byIp] = await Promise.all([
    db
      .selectFrom("login_failures")
      .select((eb) => [
        eb.fn.countAll<string>().as("count"),
        eb.fn.min("failed_at").as("first"),
        eb.fn.max("failed_at").as("last"),
        sql<string>`count(*) FILTER (WHERE ip = ${ip} AND failed_at > ${since})`.as("pair_count"),
        sql<Date | null>`min(failed_at) FILTER (WHERE ip = ${ip} AND failed_at > ${since})`.as("pair_first"),
        sql<Date | null>`max(failed_at) FILTER (WHERE ip = ${ip} AND failed_at > ${since})`.as("pair_last"),
      ])
      .where("email", "=", email)
      .where("failed_at", ">", accountSince)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("login_failures")
      .select((eb) => [eb.fn.countAll<string>().as("count"), eb.fn.min("failed_at").as("first"), eb.fn.max("failed_at").as("last")])
      .where("ip", "=", ip)
      .where("failed_at", ">", since)
      .executeTakeFirstOrThrow(),
  ]);
  const at = (value: Date | string | null) => (value === null ? null : new Date(value));
  return {
    account: { count: Number(byAccount.count), first: at(byAccount.first), last: at(byAccount.last) },
    pair: { count: Number(byAccount.pair_count), first: at(byAccount.pair_first), last: at(byAccount.pair_last) },
    ip: { count: Number(byIp.count), first: at(byIp.first), last: at(byIp.last) },
  };
}

export interface LogInInput {
  email: string;
  password: string;
  /** The session being replaced, if any: revoked so a known token never survives a log-in. */
  previousToken?: string;
}

/** Checks throttling before the password (see `loginWaitMs`), records each failure with its address. */
export async function logIn(db: Database, input: LogInInput, meta: SessionMeta) {
  const ip = (meta.ip ?? "unknown").slice(0, 100);
  const email = input.email.slice(0, 254);
  if (loginWaitMs(await recentFailures(db, email, ip, meta.now), meta.now) > 0) throw new AppError("tooManyAttempts", 429);

  const user = await db
    .selectFrom("users")
    .select(["id", "password_hash", "locale"])
    .where("email", "=", input.email)
    .executeTakeFirst();
  const valid = user ? await verifyPassword(user.password_hash, input.password) : await verifyAgainstDecoy(input.password);
  if (!user || !valid) {
    await db.insertInto("login_failures").values({ email, ip, failed_at: meta.now }).execute();
    throw new AppError("invalidCredentials", 401);
  }
  return db.transaction().execute(async (trx) => {
    if (input.previousToken) await revokeSession(trx, input.previousToken, meta.now);
    // The owner got in from here: their own slips from this address no longer count.
    await trx.deleteFrom("login_failures").where("email", "=", email).where("ip", "=", ip).execute();
    const token = await createSession(trx, user.id, meta);
    return { userId: user.id, locale: user.locale, token };
  });
}

export async function logOut(db: DbOrTx, token: string | undefined, now: Date): Promise<void> {
  if (token) await revokeSession(db, token, now);
}

/** Always behaves the same whether or not the address is registered. */
export async function requestPasswordReset(db: Database, email: string, origin: string, now: Date): Promise<void> {
  const user = await db
    .selectFrom("users")
    .select(["id", "display_name", "locale"])
    .where("email", "=", email)
    .executeTakeFirst();
  if (!user) return;
  const token = newToken();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("password_reset_tokens")
      .values({ id: hashToken(token), user_id: user.id, created_at: now, expires_at: new Date(now.getTime() + RESET_TOKEN_TTL_MS) })
      .execute();
    await enqueueEmail(trx, email, "passwordReset", {
      locale: user.locale,
      displayName: user.display_name,
      resetUrl: `${origin}/reset-password?token=${encodeURIComponent(token)}`,
    });
  });
}

export async function isResetTokenUsable(db: DbOrTx, token: string, now: Date): Promise<boolean> {
  const row = await db
    .selectFrom("password_reset_tokens")
    .select("id")
    .where("id", "=", hashToken(token))
    .where("used_at", "is", null)
    .where("expires_at", ">", now)
    .executeTakeFirst();
  return row !== undefined;
}

/** Sets the new password; this link and every other one of the user die, and every session. */
export async function resetPassword(db: Database, token: string, password: string, now: Date): Promise<void> {
  const passwordHash = await hashPassword(password);
  await db.transaction().execute(async (trx) => {
    const spent = await trx
      .updateTable("password_reset_tokens")
      .set({ used_at: now })
      .where("id", "=", hashToken(token))
      .where("used_at", "is", null)
      .where("expires_at", ">", now)
      .returning("user_id")
      .executeTakeFirst();
    if (!spent) throw new AppError("resetLinkInvalid", 400);
    // The database then spends every other reset link of the user and signs every session out.
    await trx.updateTable("users").set({ password_hash: passwordHash, updated_at: now }).where("id", "=", spent.user_id).execute();
  });
}

export async function setUserLocale(db: DbOrTx, userId: number, locale: Locale): Promise<void> {
  await db.updateTable("users").set({ locale }).where("id", "=", userId).execute();
}
