import type { IntentStatus, PaymentProviderName } from "../../db/types";
import type { PaymentMethodType, RedirectMethodType } from "./methods";

/**
 * What the product needs from a payment processor. `stripe` implements it with the Stripe API
 * (SetupIntents and PaymentIntents); `demo` plays the processor locally so everything works
 * offline; a Korean payment gateway would be a third implementation (README, "Payment methods").
 * Every call that moves money carries a deterministic idempotency key, so repeating it (a retry,
 * a second worker, a crash and restart) never charges or refunds twice. One intent per pledge or
 * loan payment lists every method offered for it, so whichever the payer picks, and however
 * often they switch, at most one payment succeeds.
 */
export interface PaymentProvider {
  readonly name: PaymentProviderName;

  /** The methods this processor account can take (configuration: `PAYMENT_METHODS`). */
  readonly methods: readonly PaymentMethodType[];

  /** Saves a payment method without charging it (all-or-nothing pledges). */
  startSetup(input: { pledgePublicId: string; email: string; methods: readonly PaymentMethodType[]; idempotencyKey: string }): Promise<StartedIntent>;

  /** An immediate payment the payer confirms now (keep-it-all pledges, online loan repayments). */
  startPayment(input: { reference: PaymentReference; email: string; amountWon: number; methods: readonly PaymentMethodType[]; idempotencyKey: string }): Promise<StartedIntent>;

  /**
   * Confirms the intent with a method approved on the provider's own page (issuer app, wallet):
   * the payer is sent to `redirectUrl` and comes back to `returnUrl`. Null `redirectUrl` when
   * there is nothing left to approve (the intent already succeeded or was cancelled).
   */
  confirmRedirect(input: { kind: IntentKind; intentId: string; methodType: RedirectMethodType; returnUrl: string }): Promise<RedirectStep>;

  getSetup(setupIntentId: string): Promise<IntentState>;
  getPayment(paymentIntentId: string): Promise<IntentState>;

  /** Cancels an intent the payer abandoned, so it can never succeed later; returns its final state. */
  cancelIntent(input: { kind: IntentKind; intentId: string }): Promise<IntentState>;

  /** Charges a saved method off-session when an all-or-nothing campaign succeeds. */
  chargeSaved(input: { customerId: string; paymentMethodId: string; methodType: PaymentMethodType; amountWon: number; pledgePublicId: string; idempotencyKey: string }): Promise<ChargeResult>;

  refund(input: { paymentIntentId: string; amountWon: number; idempotencyKey: string }): Promise<RefundResult>;
}

export type IntentKind = "setup" | "payment";

export interface RedirectStep {
  redirectUrl: string | null;
  state: IntentState;
}

/** What a payment is for; processors keep it with the intent (Stripe: metadata `pledge` or `loan_payment`). */
export type PaymentReference = { kind: "pledge"; publicId: string } | { kind: "loan_payment"; publicId: string };

export interface StartedIntent {
  intentId: string;
  customerId: string;
  /** Handed to the browser (Stripe.js) to confirm; null for the demo provider's own form. */
  clientSecret: string | null;
}

export interface IntentState {
  intentId: string;
  status: IntentStatus;
  paymentMethodId: string | null;
  /** The type of the method confirmed (or being confirmed), when there is one. */
  methodType: PaymentMethodType | null;
  /** Last four digits of a card (international or Korean), when the processor gives them. */
  cardLast4: string | null;
  amountWon: number | null;
  /** The processor's fee for a succeeded payment, in won. */
  feeWon: number | null;
  /** Why the card was refused, when it was. */
  declineCode: string | null;
  /** The pledge the intent was made for (from its metadata), when the processor says. */
  pledgePublicId: string | null;
  /** The online loan repayment the intent was made for (from its metadata), when the processor says. */
  loanPaymentId: string | null;
}

export type ChargeResult =
  | { outcome: "succeeded"; paymentIntentId: string; feeWon: number }
  | { outcome: "processing"; paymentIntentId: string }
  | { outcome: "declined"; paymentIntentId: string | null; declineCode: string };

export interface RefundResult {
  refundId: string;
  status: "succeeded" | "pending" | "failed";
}

/** A processor that could not be reached or answered with a server error: retry with the same key. */
export class PaymentUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PaymentUnavailableError";
  }
}

// The server process and the built Remix bundle each load their own copy of these modules, so a
// provider made by one may be used by the other: recognise things by name, not by class identity.

export function isPaymentUnavailable(error: unknown): boolean {
  return error instanceof Error && error.name === "PaymentUnavailableError";
}

/** What the payer decides on a wallet's or issuer's approval page. */
export const APPROVAL_DECISIONS = ["approve", "fail", "cancel"] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];

/** An intent waiting on the demo provider's approval page. */
export interface PendingApproval {
  intentId: string;
  kind: IntentKind;
  methodType: RedirectMethodType;
  amountWon: number | null;
}

/**
 * The demo provider's card form, 3-D Secure page and wallet approval page, which Stripe does in
 * its own browser code and on its own pages.
 */
export interface DemoProcessor {
  confirmWithCard(intentId: string, card: { last4: string; behaviour: string }): Promise<IntentState>;
  authenticate(intentId: string, approve: boolean): Promise<IntentState>;
  /** The intent the approval page shows, or null when nothing waits for approval there. */
  pendingApproval(intentId: string): Promise<PendingApproval | null>;
  /** The payer's answer on the approval page; the path to send them back to (null: unknown intent). */
  decideApproval(intentId: string, decision: ApprovalDecision): Promise<{ returnPath: string } | null>;
}

export function asDemoProcessor(provider: PaymentProvider): DemoProcessor | null {
  const candidate = provider as PaymentProvider & Partial<DemoProcessor>;
  return provider.name === "demo" && typeof candidate.confirmWithCard === "function" && typeof candidate.decideApproval === "function"
    ? (candidate as PaymentProvider & DemoProcessor)
    : null;
}
