import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { DemoAuthenticationPage } from "../components/card-form";
import { withNotice } from "../components/notice";
import { useMessages } from "../i18n/use-messages";
import { completeDemoAuthentication } from "../payments/demo-checkout.server";
import { requireOwnPledge } from "../pledges/access.server";
import { refusal } from "../utils/http.server";
import { titled } from "../utils/meta";

export const meta = titled((m) => m.pledges.authTitle);

export async function loader(args: LoaderFunctionArgs) {
  const { pledge } = await requireOwnPledge(args);
  if (pledge.state !== "pending_authorization" && pledge.state !== "collection_failed") throw redirect(`/pledges/${pledge.public_id}`);
  return json({ amount: pledge.amount_won, publicId: pledge.public_id });
}

export async function action(args: ActionFunctionArgs) {
  const { pledge } = await requireOwnPledge(args);
  const formData = await args.request.formData();
  try {
    const result = await completeDemoAuthentication(args.context.services, pledge.public_id, formData.get("decision") === "approve");
    return redirect(withNotice(`/pledges/${pledge.public_id}`, result.state === "collected" ? "pledgePaid" : "pledgeSaved"));
  } catch (error) {
    return refusal(error, formData);
  }
}

export default function Authenticate() {
  const { amount, publicId } = useLoaderData<typeof loader>();
  const m = useMessages();
  return <DemoAuthenticationPage amountWon={amount} retryHref={`/pledges/${publicId}/pay`} retryLabel={m.pledges.payTitle} />;
}
