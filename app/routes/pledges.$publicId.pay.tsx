import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { withNotice } from "../components/notice";
import { DemoCardForm, StripeCardForm } from "../components/card-form";
import { useFormFailure } from "../components/form";
import { useLocale, useMessages } from "../i18n/use-messages";
import { confirmDemoCard } from "../payments/demo-checkout.server";
import { preparePayment } from "../pledges/pledges.server";
import { requireOwnPledge } from "../pledges/access.server";
import { refusal } from "../utils/http.server";
import { titled } from "../utils/meta";
import { formatDateTime } from "../utils/dates";
import { formatWon } from "../utils/money";

export const meta = titled((m) => m.pledges.payTitle);

export async function loader(args: LoaderFunctionArgs) {
  const { pledge } = await requireOwnPledge(args);
  const services = args.context.services;
  if (pledge.state !== "pending_authorization" && pledge.state !== "collection_failed") {
    throw redirect(`/pledges/${pledge.public_id}`);
  }
  const step = await preparePayment(services, pledge.public_id);
  return json({
    pledge: { publicId: pledge.public_id, amount: pledge.amount_won, state: pledge.state, fundingModel: pledge.funding_model, campaignTitle: pledge.campaign_title, campaignSlug: pledge.campaign_slug, lastError: pledge.last_error, holdExpiresAt: pledge.state === "pending_authorization" ? pledge.hold_expires_at : null },
    provider: services.payments.name,
    stripe: services.payments.name === "stripe" && step?.clientSecret ? { publishableKey: services.env.STRIPE_PUBLISHABLE_KEY ?? "", clientSecret: step.clientSecret, kind: step.kind } : null,
  });
}

export async function action(args: ActionFunctionArgs) {
  const { pledge } = await requireOwnPledge(args);
  // Paid, cancelled or expired meanwhile: nothing to pay here.
  if (pledge.state !== "pending_authorization" && pledge.state !== "collection_failed") return redirect(`/pledges/${pledge.public_id}`);
  const formData = await args.request.formData();
  const card = {
    number: String(formData.get("cardNumber") ?? "").slice(0, 40),
    expiry: String(formData.get("cardExpiry") ?? "").slice(0, 10),
    cvc: String(formData.get("cardCvc") ?? "").slice(0, 10),
  };
  try {
    const wasUpdate = pledge.state === "collection_failed";
    const result = await confirmDemoCard(args.context.services, pledge.public_id, card);
    if (result.requiresAction) return redirect(`/pledges/${pledge.public_id}/authenticate`);
    const notice = wasUpdate ? "cardUpdated" : result.state === "collected" ? "pledgePaid" : "pledgeSaved";
    return redirect(withNotice(`/pledges/${pledge.public_id}`, notice));
  } catch (error) {
    return refusal(error, formData);
  }
}

export default function Pay() {
  const { pledge, provider, stripe } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const m = useMessages();
  const p = m.pledges;
  const locale = useLocale();
  const update = pledge.state === "collection_failed";
  const intro = update ? p.payIntroUpdate : pledge.fundingModel === "all_or_nothing" ? p.payIntroSaved : p.payIntroNow;
  const button = update ? p.updateCard : pledge.fundingModel === "all_or_nothing" ? p.saveCard : p.payNow;
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
        {provider === "demo" ? (
          <DemoCardForm failure={failure} label={button} />
        ) : stripe ? (
          <StripeCardForm publishableKey={stripe.publishableKey} clientSecret={stripe.clientSecret} kind={stripe.kind} returnPath={`/pledges/${pledge.publicId}/return`} label={button} />
        ) : (
          <div className="alert alert-error">{m.errors.paymentUnavailable}</div>
        )}
      </div>
    </div>
  );
}
