import type { StaffRole } from "../../db/types";
import { membershipOf, requireStaff, requireUser, type GuardArgs } from "../auth/guards.server";
import type { SessionUser } from "../auth/session.server";
import { forbidden, notFound } from "../utils/http.server";
import { getApplication, type ApplicationDetail } from "./applications.server";

// Object-level checks for the contest routes: every id in a URL is checked against the user.

export async function requireContestStaff(args: GuardArgs, contestId: number, roles: readonly StaffRole[] = ["operator"]) {
  const contest = await args.context.services.db
    .selectFrom("contests")
    .select(["id", "host_id", "slug", "title", "published", "selected_at", "select_count", "kind"])
    .where("id", "=", contestId)
    .executeTakeFirst();
  if (!contest) throw notFound();
  const user = await requireStaff(args, contest.host_id, roles);
  return { user, contest };
}

/** A member of the applying enterprise; anyone else gets a 404 (the application's existence is private). */
export async function requireApplicationMember(args: GuardArgs, applicationId: number): Promise<{ user: SessionUser; application: ApplicationDetail }> {
  const user = await requireUser(args);
  const application = await getApplication(args.context.services.db, applicationId);
  if (!application || !membershipOf(user, application.enterprise_id)) throw notFound();
  return { user, application };
}

export function assertSame(a: number, b: number): void {
  if (a !== b) throw forbidden();
}
