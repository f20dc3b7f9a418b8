import { idParam, requireEnterpriseMember, type GuardArgs } from "../auth/guards.server";
import { notFound } from "../utils/http.server";

/**
 * A loan's own pages for the borrowing enterprise: members only (403 otherwise), and the loan must
 * be this enterprise's (404 otherwise, never a hint that it exists).
 */
export async function requireBorrowerMember(args: GuardArgs & { params: { id?: string; loanId?: string } }) {
  const enterpriseId = idParam(args.params.id);
  const loanId = idParam(args.params.loanId);
  const user = await requireEnterpriseMember(args, enterpriseId);
  const loan = await args.context.services.db.selectFrom("loans").select(["id", "enterprise_id", "state"]).where("id", "=", loanId).executeTakeFirst();
  if (!loan || loan.enterprise_id !== enterpriseId) throw notFound();
  return { user, enterpriseId, loanId };
}

/** A payment's public id from a form or the query string; anything malformed is a 404. */
export function paymentParam(value: FormDataEntryValue | string | null): string {
  const text = typeof value === "string" ? value : "";
  if (!/^lp_[A-Za-z0-9_-]{16,40}$/.test(text)) throw notFound();
  return text;
}
