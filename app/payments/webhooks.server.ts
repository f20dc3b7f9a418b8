import Stripe from "stripe";
import { applyLoanPaymentState } from "../loans/online-payments.server";
import { applyIntentStateIn } from "../pledges/pledges.server";
import type { Services } from "../server/services";
import { isPaymentUnavailable, type IntentState } from "./provider";

/** The only Stripe events that change anything here; everything else is acknowledged and ignored. */
export const HANDLED_EVENTS = [
  "setup_intent.succeeded",
  "setup_intent.setup_failed",
  "setup_intent.canceled",
  "payment_intent.succeeded",
  "payment_intent.payment_failed",
  "payment_intent.processing",
  "payment_intent.canceled",
] as const;

type HandledEvent = (typeof HANDLED_EVENTS)[number];

function isHandled(type: string): type is HandledEvent {
  return (HANDLED_EVENTS as readonly string[]).includes(type);
}

export interface WebhookResult {
  status: 200 | 400 | 503;
  outcome: string;
}

/**
 * Raw body → signature check → allow-list → inbox row and effect in one transaction. The event is
 * only a hint: the intent is fetched from Stripe and its current state applied, so duplicates and
 * reordered deliveries change nothing.
 */
export async function handleStripeWebhook(services: Services, rawBody: string, signature: string | null): Promise<WebhookResult> {
  const { STRIPE_SECRET_KEY: key, STRIPE_WEBHOOK_SECRET: secret } = services.env;
  if (!key || !secret || !signature) return { status: 400, outcome: "not configured or unsigned" };
  let event: Stripe.Event;
  try {
    event = new Stripe(key).webhooks.constructEvent(rawBody, signature, secret);
  } catch {
    return { status: 400, outcome: "bad signature" };
  }
  if (!isHandled(event.type)) return { status: 200, outcome: "ignored" };

  const seen = await services.db.selectFrom("payment_events").select("event_id").where("event_id", "=", event.id).executeTakeFirst();
  if (seen) return { status: 200, outcome: "duplicate" };

  const object = event.data.object as { id?: unknown; metadata?: Record<string, string> | null };
  const intentId = typeof object.id === "string" ? object.id : "";
  const kind = event.type.startsWith("setup_intent.") ? "setup" : "payment";
  let truth: IntentState;
  try {
    truth = kind === "setup" ? await services.payments.getSetup(intentId) : await services.payments.getPayment(intentId);
  } catch (error) {
    if (isPaymentUnavailable(error)) return { status: 503, outcome: "stripe unavailable, retry" };
    throw error;
  }
  const loanPaymentId = kind === "payment" ? (truth.loanPaymentId ?? object.metadata?.loan_payment ?? null) : null;
  if (loanPaymentId) return applyLoanPaymentEvent(services, event, intentId, loanPaymentId, truth);
  const pledgePublicId = truth.pledgePublicId ?? object.metadata?.pledge ?? null;
  const pledge = pledgePublicId
    ? await services.db.selectFrom("pledges").select("id").where("public_id", "=", pledgePublicId).executeTakeFirst()
    : undefined;

  return services.db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto("payment_events")
      .values({ event_id: event.id, provider: "stripe", type: event.type, object_id: intentId || null, outcome: pledge ? "applied" : "no matching pledge" })
      .onConflict((oc) => oc.column("event_id").doNothing())
      .returning("event_id")
      .executeTakeFirst();
    if (!inserted) return { status: 200, outcome: "duplicate" };
    if (!pledge) return { status: 200, outcome: "no matching pledge" };
    const state = await applyIntentStateIn(trx, services, pledge.id, kind, truth);
    return { status: 200, outcome: `pledge ${state ?? "missing"}` };
  });
}

/** An online loan repayment's intent: the inbox row commits with the repayment (or nothing). */
async function applyLoanPaymentEvent(services: Services, event: Stripe.Event, intentId: string, publicId: string, truth: IntentState): Promise<WebhookResult> {
  const payment = await services.db.selectFrom("loan_online_payments").select("id").where("public_id", "=", publicId).executeTakeFirst();
  try {
    return await services.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto("payment_events")
        .values({ event_id: event.id, provider: "stripe", type: event.type, object_id: intentId || null, outcome: payment ? "applied" : "no matching loan payment" })
        .onConflict((oc) => oc.column("event_id").doNothing())
        .returning("event_id")
        .executeTakeFirst();
      if (!inserted) return { status: 200 as const, outcome: "duplicate" };
      if (!payment) return { status: 200 as const, outcome: "no matching loan payment" };
      const applied = await applyLoanPaymentState(services, payment.id, truth, trx);
      return { status: 200 as const, outcome: `loan payment ${applied?.state ?? "missing"}` };
    });
  } catch (error) {
    // A refund that could not reach Stripe: nothing was kept, Stripe delivers the event again.
    if (isPaymentUnavailable(error)) return { status: 503, outcome: "stripe unavailable, retry" };
    throw error;
  }
}
