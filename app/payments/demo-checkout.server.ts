import { applyIntentState, preparePayment } from "../pledges/pledges.server";
import type { Services } from "../server/services";
import { AppError } from "../utils/app-error";
import { seoulDate } from "../utils/dates";
import { checkCard, type CardInput } from "./demo-cards";
import { declineMessage } from "./methods";
import { asDemoProcessor, type ApprovalDecision, type DemoProcessor, type IntentState, type PendingApproval } from "./provider";

/** The demo provider's own pages (card form, 3-D Secure, wallet approval); refused with any other provider. */
export function requireDemoProcessor(services: Services): DemoProcessor {
  const demo = asDemoProcessor(services.payments);
  if (!demo) throw new AppError("paymentUnavailable", 409);
  return demo;
}

async function apply(services: Services, pledgeId: number, kind: "setup" | "payment", state: IntentState) {
  const after = await applyIntentState(services, pledgeId, kind, state);
  if (state.status === "requires_payment_method" && state.declineCode) {
    throw new AppError(declineMessage(state.declineCode), 402, "cardNumber");
  }
  return { state: after, requiresAction: state.status === "requires_action" };
}

async function currentState(services: Services, publicId: string) {
  const row = await services.db.selectFrom("pledges").select("state").where("public_id", "=", publicId).executeTakeFirst();
  return row?.state ?? null;
}

/** The demo card form: checks what was typed, lets the demo processor answer, applies the outcome. */
export async function confirmDemoCard(services: Services, publicId: string, card: CardInput) {
  const provider = requireDemoProcessor(services);
  const checked = checkCard(card, seoulDate(services.clock.now()));
  if (!checked.ok) throw new AppError(checked.error, 422, checked.field);
  const step = await preparePayment(services, publicId);
  // Already paid (a double submit, a retried request): report where it stands.
  if (!step) return { state: await currentState(services, publicId), requiresAction: false };
  if (!step.methods.includes("card")) throw new AppError("paymentMethodNotOffered", 422);
  const state = await provider.confirmWithCard(step.intentId, checked.card);
  return apply(services, step.pledgeId, step.kind, state);
}

/** The demo 3-D Secure page's answer. */
export async function completeDemoAuthentication(services: Services, publicId: string, approve: boolean) {
  const provider = requireDemoProcessor(services);
  const step = await preparePayment(services, publicId);
  if (!step) return { state: await currentState(services, publicId), requiresAction: false };
  const state = await provider.authenticate(step.intentId, approve);
  return apply(services, step.pledgeId, step.kind, state);
}

/** What the demo approval page shows: the intent waiting there, or null (a 404). */
export async function findDemoApproval(services: Services, intentId: string): Promise<PendingApproval | null> {
  const demo = asDemoProcessor(services.payments);
  return demo ? demo.pendingApproval(intentId) : null;
}

/**
 * The payer's answer on the demo approval page. Like Stripe's redirect page it only changes the
 * processor's intent and sends the payer back; the return page (or the reconciler) applies it.
 */
export async function decideDemoApproval(services: Services, intentId: string, decision: ApprovalDecision): Promise<{ returnPath: string } | null> {
  const demo = asDemoProcessor(services.payments);
  return demo ? demo.decideApproval(intentId, decision) : null;
}
