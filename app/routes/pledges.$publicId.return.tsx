import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { withNotice } from "../components/notice";
import { requireOwnPledge } from "../pledges/access.server";
import { refreshPledgePayment } from "../pledges/pledges.server";

// Where the backer comes back from the provider's page (Stripe.js, a Korean card's issuer app, a
// wallet): the intent is applied now. A payment not approved there goes back to the payment page,
// which says why and offers the methods again.
export async function loader(args: LoaderFunctionArgs) {
  const { pledge } = await requireOwnPledge(args);
  const outcome = await refreshPledgePayment(args.context.services, pledge.public_id);
  const page = `/pledges/${pledge.public_id}`;
  if (outcome === "saved") return redirect(withNotice(page, "pledgeSaved"));
  if (outcome === "paid") return redirect(withNotice(page, "pledgePaid"));
  if (outcome === "methodUpdated") return redirect(withNotice(page, "cardUpdated"));
  return redirect(outcome === "open" ? `${page}/pay` : page);
}
