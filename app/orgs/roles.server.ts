import type { StaffRole } from "../../db/types";
import { revokeAllSessions } from "../auth/session.server";
import { AppError } from "../utils/app-error";
import type { Database, DbOrTx } from "../utils/db.server";

// A change of privileges signs the user out everywhere: no session keeps rights it was not
// created with, and the next log-in starts a fresh one.

export async function grantRole(
  db: Database,
  input: { adminId: number; email: string; hostId: number; role: StaffRole; now: Date },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const user = await trx.selectFrom("users").select("id").where("email", "=", input.email).executeTakeFirst();
    if (!user) throw new AppError("userNotFound", 404, "email");
    const host = await trx.selectFrom("host_organisations").select("id").where("id", "=", input.hostId).executeTakeFirst();
    if (!host) throw new AppError("invalidChoice", 422, "hostId");
    const inserted = await trx
      .insertInto("staff_roles")
      .values({ user_id: user.id, host_id: input.hostId, role: input.role, granted_by: input.adminId, granted_at: input.now })
      .onConflict((oc) => oc.columns(["user_id", "host_id", "role"]).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) await revokeAllSessions(trx, user.id, input.now);
  });
}

export async function revokeRole(db: Database, input: { userId: number; hostId: number; role: StaffRole; now: Date }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const deleted = await trx
      .deleteFrom("staff_roles")
      .where("user_id", "=", input.userId)
      .where("host_id", "=", input.hostId)
      .where("role", "=", input.role)
      .executeTakeFirst();
    if (Number(deleted.numDeletedRows) > 0) await revokeAllSessions(trx, input.userId, input.now);
  });
}

export async function listGrants(db: DbOrTx) {
  return db
    .selectFrom("staff_roles")
    .innerJoin("users", "users.id", "staff_roles.user_id")
    .innerJoin("host_organisations", "host_organisations.id", "staff_roles.host_id")
    .select([
      "staff_roles.user_id",
      "staff_roles.host_id",
      "staff_roles.role",
      "staff_roles.granted_at",
      "users.email",
      "users.display_name",
      "host_organisations.name as host_name",
    ])
    .orderBy("host_organisations.name")
    .orderBy("staff_roles.role")
    .orderBy("users.email")
    .execute();
}
