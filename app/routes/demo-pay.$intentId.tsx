import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { AppForm, FormAlert, SubmitButton, useFormFailure } from "../components/form";
import { useLocale, useMessages } from "../i18n/use-messages";
import { decideDemoApproval, findDemoApproval } from "../payments/demo-checkout.server";
import { APPROVAL_DECISIONS } from "../payments/provider";
import { choice } from "../utils/fields";
import { parseForm } from "../utils/forms";
import { invalid, notFound } from "../utils/http.server";
import { titled } from "../utils/meta";
import { formatWon } from "../utils/money";

// The demo provider's stand-in for a wallet's or a Korean card issuer's approval page (Stripe's
// redirect page): it only answers the processor's intent and sends the payer back to the return
// page, which applies the result. Like Stripe's page it needs no log-in: the intent id (96 random
// bits) is the key.

export const meta = titled((m) => m.payments.chooseMethod);

const decisionSchema = z.object({ decision: choice(APPROVAL_DECISIONS) });

function intentParam(value: string | undefined): string {
  if (!value || value.length > 100) throw notFound();
  return value;
}

export async function loader({ params, context }: LoaderFunctionArgs) {
  const pending = await findDemoApproval(context.services, intentParam(params.intentId));
  if (!pending) throw notFound();
  return json({ methodType: pending.methodType, kind: pending.kind, amountWon: pending.amountWon });
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const intentId = intentParam(params.intentId);
  const formData = await request.formData();
  const parsed = parseForm(decisionSchema, formData);
  if (!parsed.ok) return invalid(parsed);
  const answered = await decideDemoApproval(context.services, intentId, parsed.data.decision);
  if (!answered) throw notFound();
  return redirect(answered.returnPath);
}

export default function DemoApproval() {
  const { methodType, kind, amountWon } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const m = useMessages();
  const p = m.payments;
  const locale = useLocale();
  const method = p.methods[methodType];
  return (
    <div className="container page">
      <div className="card card-form wallet-approval" style={{ margin: "0 auto", textAlign: "center" }} data-testid="demo-approval">
        <h1>{kind === "payment" ? p.approvalTitle(method) : p.approvalSetupTitle(method)}</h1>
        {amountWon !== null ? <p className="big-figure">{formatWon(amountWon, locale)}</p> : null}
        <p className="muted">{kind === "payment" ? p.approvalBody : p.approvalSetupBody}</p>
        <FormAlert failure={failure} />
        <AppForm className="stack-buttons">
          <SubmitButton name="decision" value="approve">
            {p.approve}
          </SubmitButton>
          <SubmitButton name="decision" value="fail" variant="secondary">
            {p.fail}
          </SubmitButton>
          <SubmitButton name="decision" value="cancel" variant="secondary">
            {p.cancelApproval}
          </SubmitButton>
        </AppForm>
        <p className="muted small">{p.decisionHelp}</p>
      </div>
    </div>
  );
}
