import Stripe from "stripe";
import type { IntentStatus } from "../../db/types";
import { PaymentUnavailableError, type ChargeResult, type IntentState, type PaymentProvider, type PaymentReference, type RefundResult, type StartedIntent } from "./provider";

export interface StripeConfig {
  secretKey: string;
  /** For tests: a local fake Stripe server, e.g. http://127.0.0.1:12111. */
  apiBase?: string;
}

export function createStripeClient(config: StripeConfig): Stripe {
  const base = config.apiBase ? new URL(config.apiBase) : null;
  return new Stripe(config.secretKey, {
    maxNetworkRetries: 2,
    timeout: 20_000,
    telemetry: false,
    ...(base ? { host: base.hostname, port: base.port, protocol: base.protocol === "https:" ? "https" : "http" } : {}),
  });
}

const STATUS: Record<string, IntentStatus> = {
  requires_payment_method: "requires_payment_method",
  requires_confirmation: "requires_payment_method",
  requires_action: "requires_action",
  processing: "processing",
  requires_capture: "processing",
  succeeded: "succeeded",
  canceled: "canceled",
};

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === "string" ? value : value.id;
}

function last4Of(method: string | Stripe.PaymentMethod | null | undefined): string | null {
  return typeof method === "object" && method ? (method.card?.last4 ?? null) : null;
}

/** Stripe failures that are not about the card: the caller retries later with the same key. */
function unavailable(error: unknown): never {
  if (error instanceof Stripe.errors.StripeConnectionError || error instanceof Stripe.errors.StripeAPIError || error instanceof Stripe.errors.StripeRateLimitError) {
    throw new PaymentUnavailableError(error.message);
  }
  throw error;
}

function referenceMetadata(reference: PaymentReference): Record<string, string> {
  return reference.kind === "pledge" ? { pledge: reference.publicId } : { loan_payment: reference.publicId };
}

export class StripePaymentProvider implements PaymentProvider {
  readonly name = "stripe" as const;

  constructor(private readonly stripe: Stripe) {}

  private async customer(metadata: Record<string, string>, email: string, idempotencyKey: string): Promise<string> {
    const customer = await this.stripe.customers.create({ email, metadata }, { idempotencyKey: `${idempotencyKey}:customer` });
    return customer.id;
  }

  async startSetup(input: { pledgePublicId: string; email: string; idempotencyKey: string }): Promise<StartedIntent> {
    try {
      const customerId = await this.customer({ pledge: input.pledgePublicId }, input.email, input.idempotencyKey);
      const intent = await this.stripe.setupIntents.create(
        { customer: customerId, usage: "off_session", automatic_payment_methods: { enabled: true, allow_redirects: "never" }, metadata: { pledge: input.pledgePublicId } },
        { idempotencyKey: input.idempotencyKey },
      );
      return { intentId: intent.id, customerId, clientSecret: intent.client_secret };
    } catch (error) {
      return unavailable(error);
    }
  }

  async startPayment(input: { reference: PaymentReference; email: string; amountWon: number; idempotencyKey: string }): Promise<StartedIntent> {
    try {
      const metadata = referenceMetadata(input.reference);
      const customerId = await this.customer(metadata, input.email, input.idempotencyKey);
      const intent = await this.stripe.paymentIntents.create(
        { amount: input.amountWon, currency: "krw", customer: customerId, automatic_payment_methods: { enabled: true, allow_redirects: "never" }, metadata },
        { idempotencyKey: input.idempotencyKey },
      );
      return { intentId: intent.id, customerId, clientSecret: intent.client_secret };
    } catch (error) {
      return unavailable(error);
    }
  }

  async getSetup(setupIntentId: string): Promise<IntentState> {
    try {
      const intent = await this.stripe.setupIntents.retrieve(setupIntentId, { expand: ["payment_method"] });
      return {
        intentId: intent.id,
        status: STATUS[intent.status] ?? "requires_payment_method",
        paymentMethodId: idOf(intent.payment_method),
        cardLast4: last4Of(intent.payment_method),
        amountWon: null,
        feeWon: null,
        declineCode: intent.last_setup_error?.decline_code ?? intent.last_setup_error?.code ?? null,
        pledgePublicId: intent.metadata?.pledge ?? null,
        loanPaymentId: null,
      };
    } catch (error) {
      return unavailable(error);
    }
  }

  async getPayment(paymentIntentId: string): Promise<IntentState> {
    try {
      const intent = await this.stripe.paymentIntents.retrieve(paymentIntentId, { expand: ["payment_method", "latest_charge.balance_transaction"] });
      const charge = typeof intent.latest_charge === "object" ? intent.latest_charge : null;
      const balance = charge && typeof charge.balance_transaction === "object" ? charge.balance_transaction : null;
      return {
        intentId: intent.id,
        status: STATUS[intent.status] ?? "requires_payment_method",
        paymentMethodId: idOf(intent.payment_method),
        cardLast4: last4Of(intent.payment_method),
        amountWon: intent.amount,
        // KRW is zero-decimal: Stripe's amounts and fees are whole won.
        feeWon: balance ? balance.fee : null,
        declineCode: intent.last_payment_error?.decline_code ?? intent.last_payment_error?.code ?? null,
        pledgePublicId: intent.metadata?.pledge ?? null,
        loanPaymentId: intent.metadata?.loan_payment ?? null,
      };
    } catch (error) {
      return unavailable(error);
    }
  }

  async cancelIntent(input: { kind: "setup" | "payment"; intentId: string }): Promise<IntentState> {
    try {
      if (input.kind === "setup") await this.stripe.setupIntents.cancel(input.intentId);
      else await this.stripe.paymentIntents.cancel(input.intentId);
    } catch (error) {
      // Stripe refuses to cancel an intent that succeeded, is processing or was cancelled already.
      if (!(error instanceof Stripe.errors.StripeInvalidRequestError)) unavailable(error);
    }
    return input.kind === "setup" ? this.getSetup(input.intentId) : this.getPayment(input.intentId);
  }

  async chargeSaved(input: { customerId: string; paymentMethodId: string; amountWon: number; pledgePublicId: string; idempotencyKey: string }): Promise<ChargeResult> {
    try {
      const intent = await this.stripe.paymentIntents.create(
        {
          amount: input.amountWon,
          currency: "krw",
          customer: input.customerId,
          payment_method: input.paymentMethodId,
          off_session: true,
          confirm: true,
          metadata: { pledge: input.pledgePublicId },
        },
        { idempotencyKey: input.idempotencyKey },
      );
      if (intent.status === "succeeded") {
        const state = await this.getPayment(intent.id);
        return { outcome: "succeeded", paymentIntentId: intent.id, feeWon: state.feeWon ?? 0 };
      }
      if (intent.status === "processing") return { outcome: "processing", paymentIntentId: intent.id };
      return { outcome: "declined", paymentIntentId: intent.id, declineCode: intent.last_payment_error?.decline_code ?? intent.status };
    } catch (error) {
      if (error instanceof Stripe.errors.StripeCardError) {
        return { outcome: "declined", paymentIntentId: error.payment_intent?.id ?? null, declineCode: error.decline_code ?? error.code ?? "card_declined" };
      }
      return unavailable(error);
    }
  }

  async refund(input: { paymentIntentId: string; amountWon: number; idempotencyKey: string }): Promise<RefundResult> {
    try {
      const refund = await this.stripe.refunds.create({ payment_intent: input.paymentIntentId, amount: input.amountWon }, { idempotencyKey: input.idempotencyKey });
      const status = refund.status === "succeeded" ? "succeeded" : refund.status === "failed" || refund.status === "canceled" ? "failed" : "pending";
      return { refundId: refund.id, status };
    } catch (error) {
      return unavailable(error);
    }
  }
}
