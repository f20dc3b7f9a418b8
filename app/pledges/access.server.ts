import type { GuardArgs } from "../auth/guards.server";
import { requireUser } from "../auth/guards.server";
import { notFound } from "../utils/http.server";
import { getPledgeForBacker } from "./pledges.server";

/** A pledge page is its backer's alone: anyone else gets a 404, not a hint that it exists. */
export async function requireOwnPledge(args: GuardArgs & { params: { publicId?: string } }) {
  const user = await requireUser(args);
  const publicId = args.params.publicId ?? "";
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(publicId)) throw notFound();
  const pledge = await getPledgeForBacker(args.context.services.db, publicId);
  if (!pledge || pledge.backer_id !== user.id) throw notFound();
  return { user, pledge };
}
