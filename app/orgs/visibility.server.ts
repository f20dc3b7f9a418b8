import { hasStaffRole, membershipOf } from "../auth/guards.server";
import type { SessionUser } from "../auth/session.server";

/** Who may see an enterprise that is not (yet) verified: its members, its host's staff, admins. */
export function canSeeUnverifiedEnterprise(user: SessionUser | null, enterprise: { id: number; host_id: number }): boolean {
  if (!user) return false;
  return user.isPlatformAdmin || membershipOf(user, enterprise.id) !== null || hasStaffRole(user, enterprise.host_id, ["operator", "auditor"]);
}
