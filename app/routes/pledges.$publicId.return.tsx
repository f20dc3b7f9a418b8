import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { withNotice } from "../components/notice";
import { applyIntentState } from "../pledges/pledges.server";
import { requireOwnPledge } from "../pledges/access.server";

// Where Stripe sends the backer back after confirming a card: read the intent and apply it now,
// rather than wait for the webhook (which, arriving later, changes nothing).
export async function loader(args: LoaderFunctionArgs) {
  const { pledge } = await requireOwnPledge(args);
  const services = args.context.services;
  const useSetup = pledge.funding_model === "all_or_nothing" || pledge.state === "collection_failed";
  const intentId = useSetup ? pledge.provider_setup_intent_id : pledge.provider_payment_intent_id;
  if (intentId) {
    const state = useSetup ? await services.payments.getSetup(intentId) : await services.payments.getPayment(intentId);
    const after = await applyIntentState(services, pledge.id, useSetup ? "setup" : "payment", state);
    if (after === "saved") return redirect(withNotice(`/pledges/${pledge.public_id}`, "pledgeSaved"));
    if (after === "collected") return redirect(withNotice(`/pledges/${pledge.public_id}`, "pledgePaid"));
  }
  return redirect(`/pledges/${pledge.public_id}`);
}
