import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { AppForm, FormAlert, SubmitButton, useFormFailure } from "../components/form";
import { withNotice } from "../components/notice";
import { useLocale, useMessages } from "../i18n/use-messages";
import { completeDemoAuthentication } from "../payments/demo-checkout.server";
import { requireOwnPledge } from "../pledges/access.server";
import { refusal } from "../utils/http.server";
import { titled } from "../utils/meta";
import { formatWon } from "../utils/money";

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
  const failure = useFormFailure();
  const m = useMessages();
  const locale = useLocale();
  return (
    <div className="container page">
      <div className="card card-form" style={{ margin: "0 auto", textAlign: "center" }}>
        <h1>{m.pledges.authTitle}</h1>
        <p className="big-figure">{formatWon(amount, locale)}</p>
        <p className="muted">{m.pledges.authBody}</p>
        <FormAlert failure={failure} />
        {failure ? (
          <a href={`/pledges/${publicId}/pay`} className="button button-secondary">
            {m.pledges.payTitle}
          </a>
        ) : (
          <AppForm className="button-row" style={{ justifyContent: "center" }}>
            <SubmitButton name="decision" value="approve">
              {m.pledges.approve}
            </SubmitButton>
            <SubmitButton name="decision" value="deny" variant="danger">
              {m.pledges.deny}
            </SubmitButton>
          </AppForm>
        )}
      </div>
    </div>
  );
}
