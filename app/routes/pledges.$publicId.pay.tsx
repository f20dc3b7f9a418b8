import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { useFormFailure } from "../components/form";
import { withNotice } from "../components/notice";
import { PaymentChoices } from "../components/payment-methods";
import { useLocale, useMessages } from "../i18n/use-messages";
import { confirmDemoCard } from "../payments/demo-checkout.server";
import { declineMessage, offeredMethods, PAYMENT_METHOD_TYPES } from "../payments/methods";
import { requireOwnPledge } from "../pledges/access.server";
import { confirmPledgeRedirect, preparePayment } from "../pledges/pledges.server";
import { choice } from "../utils/fields";
import { parseForm } from "../utils/forms";
import { invalid, refusal } from "../utils/http.server";
import { titled } from "../utils/meta";
import { formatDateTime } from "../utils/dates";
import { formatWon } from "../utils/money";

export const meta = titled((m) => m.pledges.payTitle);

const methodSchema = z.object({ method: choice(PAYMENT_METHOD_TYPES) });

export async function loader(args: LoaderFunctionArgs) {
  const { pledge } = await requireOwnPledge(args);
  const services = args.context.services;
  if (pledge.state !== "pending_authorization" && pledge.state !== "collection_failed") {
    throw redirect(`/pledges/${pledge.public_id}`);
  }
  const step = await preparePayment(services, pledge.public_id);
  return json({
    pledge: {
      publicId: pledge.public_id,
      amount: pledge.amount_won,
      state: pledge.state,
      fundingModel: pledge.funding_model,
      campaignTitle: pledge.campaign_title,
      campaignSlug: pledge.campaign_slug,
      lastError: pledge.last_error ? declineMessage(pledge.last_error) : null,
      holdExpiresAt: pledge.state === "pending_authorization" ? pledge.hold_expires_at : null,
    },
    methods: step?.methods ?? [],
    // All-or-nothing leaves out what cannot be saved (PAYCO, Samsung Pay): say so when they are offered elsewhere.
    leftOut: step?.kind === "setup" && offeredMethods(services.payments.methods, { kind: "payment", amountWon: pledge.amount_won }).some((type) => !step.methods.includes(type)),
    provider: services.payments.name,
    stripe: services.payments.name === "stripe" && step?.clientSecret ? { publishableKey: services.env.STRIPE_PUBLISHABLE_KEY ?? "", clientSecret: step.clientSecret, kind: step.kind } : null,
  });
}

export async function action(args: ActionFunctionArgs) {
  const { pledge } = await requireOwnPledge(args);
  const services = args.context.services;
  // Paid, cancelled or expired meanwhile: nothing to pay here.
  if (pledge.state !== "pending_authorization" && pledge.state !== "collection_failed") return redirect(`/pledges/${pledge.public_id}`);
  const formData = await args.request.formData();
  try {
    // The Korean methods' form names a method; the card form sends a card.
    if (formData.has("method")) {
      const parsed = parseForm(methodSchema, formData);
      if (!parsed.ok) return invalid(parsed);
      const { redirectUrl } = await confirmPledgeRedirect(services, pledge.public_id, parsed.data.method);
      return redirect(redirectUrl ?? `/pledges/${pledge.public_id}`);
    }
    const card = {
      number: String(formData.get("cardNumber") ?? "").slice(0, 40),
      expiry: String(formData.get("cardExpiry") ?? "").slice(0, 10),
      cvc: String(formData.get("cardCvc") ?? "").slice(0, 10),
    };
    const wasUpdate = pledge.state === "collection_failed";
    const result = await confirmDemoCard(services, pledge.public_id, card);
    if (result.requiresAction) return redirect(`/pledges/${pledge.public_id}/authenticate`);
    const notice = wasUpdate ? "cardUpdated" : result.state === "collected" ? "pledgePaid" : "pledgeSaved";
    return redirect(withNotice(`/pledges/${pledge.public_id}`, notice));
  } catch (error) {
    return refusal(error, formData);
  }
}

export default function Pay() {
  const { pledge, methods, leftOut, provider, stripe } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const m = useMessages();
  const p = m.pledges;
  const locale = useLocale();
  const update = pledge.state === "collection_failed";
  const saved = pledge.fundingModel === "all_or_nothing";
  const intro = update ? p.payIntroUpdate : saved ? p.payIntroSaved : p.payIntroNow;
  return (
    <div className="container page">
      <div className="card card-form" style={{ margin: "0 auto" }}>
        <p>
          <Link to={`/campaigns/${pledge.campaignSlug}`}>← {pledge.campaignTitle}</Link>
        </p>
        <h1>{p.payTitle}</h1>
        <p className="big-figure">{formatWon(pledge.amount, locale)}</p>
        <p className="muted">{intro}</p>
        {pledge.holdExpiresAt ? (
          <p className="muted small" data-testid="hold-until">
            {p.holdUntil(formatDateTime(pledge.holdExpiresAt, locale))}
          </p>
        ) : null}
        {pledge.lastError && !failure ? (
          <div className="alert alert-error" role="status" data-testid="last-payment-error">
            {m.errors[pledge.lastError]}
          </div>
        ) : null}
        {methods.length > 0 ? (
          <PaymentChoices
            methods={methods}
            provider={provider}
            stripe={stripe}
            failure={failure}
            redirectLabel={update ? m.payments.continueUpdate : saved ? m.payments.continueSaved : m.payments.continueNow}
            cardLabel={update ? p.updateCard : saved ? p.saveCard : p.payNow}
            returnPath={`/pledges/${pledge.publicId}/return`}
            note={leftOut ? m.payments.notSaveable : undefined}
          />
        ) : (
          <div className="alert alert-error">{m.errors.paymentUnavailable}</div>
        )}
      </div>
    </div>
  );
}
