import type { IntentStatus, PaymentProviderName } from "../../db/types";

/**
 * What the product needs from a card processor. `stripe` implements it with the Stripe API
 * (SetupIntents and PaymentIntents); `demo` plays the processor locally so everything works
 * offline. Every call that moves money carries a deterministic idempotency key, so repeating
 * it (a retry, a second worker, a crash and restart) never charges or refunds twice.
 */
export interface PaymentProvider {
  readonly name: PaymentProviderName;

  /** Saves a card without charging it (all-or-nothing pledges). */
  startSetup(input: { pledgePublicId: string; email: string; idempotencyKey: string }): Promise<StartedIntent>;

  /** An immediate payment the payer confirms now (keep-it-all pledges, online loan repayments). */
  startPayment(input: { reference: PaymentReference; email: string; amountWon: number; idempotencyKey: string }): Promise<StartedIntent>;

  getSetup(setupIntentId: string): Promise<IntentState>;
  getPayment(paymentIntentId: string): Promise<IntentState>;

  /**
   * Cancels an intent the payer did not confirm in time, so it can never succeed later. One that
   * already succeeded (or is processing) is left as it is: the returned state says which.
   */
  cancelIntent(input: { kind: "setup" | "payment"; intentId: string }): Promise<IntentState>;

  /** Charges a saved card off-session when an all-or-nothing campaign succeeds. */
  chargeSaved(input: { customerId: string; paymentMethodId: string; amountWon: number; pledgePublicId: string; idempotencyKey: string }): Promise<ChargeResult>;

  refund(input: { paymentIntentId: string; amountWon: number; idempotencyKey: string }): Promise<RefundResult>;
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

/** The demo provider's card form and 3-D Secure page, which Stripe does in its own browser code. */
export interface DemoCardProcessor {
  confirmWithCard(intentId: string, card: { last4: string; behaviour: string }): Promise<IntentState>;
  authenticate(intentId: string, approve: boolean): Promise<IntentState>;
}

export function asDemoCardProcessor(provider: PaymentProvider): DemoCardProcessor | null {
  const candidate = provider as PaymentProvider & Partial<DemoCardProcessor>;
  return provider.name === "demo" && typeof candidate.confirmWithCard === "function" && typeof candidate.authenticate === "function"
    ? (candidate as PaymentProvider & DemoCardProcessor)
    : null;
}
