import { hasStaffRole, idParam, requireStaff, type GuardArgs } from "../auth/guards.server";
import { notFound } from "../utils/http.server";
import { getFund } from "./fund.server";

/**
 * The fund in the URL and the staff member working on it: fund administrators of its host, and
 * (for reading only) its auditors. Anyone else gets a 403, an unknown fund a 404.
 */
export async function requireFundStaff(args: GuardArgs & { params: { fundId?: string } }, access: "read" | "write") {
  const fundId = idParam(args.params.fundId);
  const fund = await getFund(args.context.services.db, fundId);
  if (!fund) throw notFound();
  const user = await requireStaff(args, fund.host_id, access === "write" ? ["fund_admin"] : ["fund_admin", "auditor"]);
  return { user, fund, canWrite: hasStaffRole(user, fund.host_id, ["fund_admin"]) };
}
