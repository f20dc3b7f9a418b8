import Stripe from "stripe";
import type { IntentStatus } from "../../db/types";
import { isPaymentMethodType, PAYMENT_METHOD_TYPES, type PaymentMethodType, type RedirectMethodType } from "./methods";
import {
  PaymentUnavailableError,
  type ChargeResult,
  type IntentKind,
  type IntentState,
  type PaymentProvider,
  type PaymentReference,
  type RedirectStep,
  type RefundResult,
  type StartedIntent,
} from "./provider";

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

function methodOf(method: string | Stripe.PaymentMethod | null | undefined): { methodType: PaymentMethodType | null; cardLast4: string | null } {
  if (typeof method !== "object" || !method) return { methodType: null, cardLast4: null };
  return { methodType: isPaymentMethodType(method.type) ? method.type : null, cardLast4: method.card?.last4 ?? method.kr_card?.last4 ?? null };
}

/** Stripe refuses to confirm or cancel an intent that already succeeded or was cancelled. */
function isUnexpectedState(error: unknown): boolean {
  return error instanceof Stripe.errors.StripeInvalidRequestError && (error.code === "payment_intent_unexpected_state" || error.code === "setup_intent_unexpected_state");
}

const SETUP_EXPAND = ["payment_method"];
const PAYMENT_EXPAND = ["payment_method", "latest_charge.balance_transaction"];

function setupState(intent: Stripe.SetupIntent): IntentState {
  return {
    intentId: intent.id,
    status: STATUS[intent.status] ?? "requires_payment_method",
    paymentMethodId: idOf(intent.payment_method),
    ...methodOf(intent.payment_method),
    amountWon: null,
    feeWon: null,
    declineCode: intent.last_setup_error?.decline_code || intent.last_setup_error?.code || null,
    pledgePublicId: intent.metadata?.pledge ?? null,
    loanPaymentId: null,
  };
}

function paymentState(intent: Stripe.PaymentIntent): IntentState {
  const charge = typeof intent.latest_charge === "object" ? intent.latest_charge : null;
  const balance = charge && typeof charge.balance_transaction === "object" ? charge.balance_transaction : null;
  return {
    intentId: intent.id,
    status: STATUS[intent.status] ?? "requires_payment_method",
    paymentMethodId: idOf(intent.payment_method),
    ...methodOf(intent.payment_method),
    amountWon: intent.amount,
    // KRW is zero-decimal: Stripe's amounts and fees are whole won.
    feeWon: balance ? balance.fee : null,
    declineCode: intent.last_payment_error?.decline_code || intent.last_payment_error?.code || null,
    pledgePublicId: intent.metadata?.pledge ?? null,
    loanPaymentId: intent.metadata?.loan_payment ?? null,
  };
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

  constructor(
    private readonly stripe: Stripe,
    readonly methods: readonly PaymentMethodType[] = PAYMENT_METHOD_TYPES,
  ) {}

  private async customer(metadata: Record<string, string>, email: string, idempotencyKey: string): Promise<string> {
    const customer = await this.stripe.customers.create({ email, metadata }, { idempotencyKey: `${idempotencyKey}:customer` });
    return customer.id;
  }

  async startSetup(input: { pledgePublicId: string; email: string; methods: readonly PaymentMethodType[]; idempotencyKey: string }): Promise<StartedIntent> {
    try {
      const customerId = await this.customer({ pledge: input.pledgePublicId }, input.email, input.idempotencyKey);
      const intent = await this.stripe.setupIntents.create(
        { customer: customerId, usage: "off_session", allowed_payment_method_types: [...input.methods], metadata: { pledge: input.pledgePublicId } },
        { idempotencyKey: input.idempotencyKey },
      );
      return { intentId: intent.id, customerId, clientSecret: intent.client_secret };
    } catch (error) {
      return unavailable(error);
    }
  }

  async startPayment(input: { reference: PaymentReference; email: string; amountWon: number; methods: readonly PaymentMethodType[]; idempotencyKey: string }): Promise<StartedIntent> {
    try {
      const metadata = referenceMetadata(input.reference);
      const customerId = await this.customer(metadata, input.email, input.idempotencyKey);
      const intent = await this.stripe.paymentIntents.create(
        { amount: input.amountWon, currency: "krw", customer: customerId, allowed_payment_method_types: [...input.methods], metadata },
        { idempotencyKey: input.idempotencyKey },
      );
      return { intentId: intent.id, customerId, clientSecret: intent.client_secret };
    } catch (error) {
      return unavailable(error);
    }
  }

  /** Server-side confirmation with the method's type: Stripe answers with the page to send the payer to. */
  async confirmRedirect(input: { kind: IntentKind; intentId: string; methodType: RedirectMethodType; returnUrl: string }): Promise<RedirectStep> {
    const params = { payment_method_data: { type: input.methodType }, return_url: input.returnUrl };
    try {
      const intent =
        input.kind === "setup"
          ? await this.stripe.setupIntents.confirm(input.intentId, { ...params, expand: SETUP_EXPAND })
          : await this.stripe.paymentIntents.confirm(input.intentId, { ...params, expand: PAYMENT_EXPAND });
      const state = intent.object === "setup_intent" ? setupState(intent) : paymentState(intent);
      const redirectUrl = intent.status === "requires_action" ? (intent.next_action?.redirect_to_url?.url ?? null) : null;
      return { redirectUrl, state };
    } catch (error) {
      if (isUnexpectedState(error) || error instanceof Stripe.errors.StripeCardError) return { redirectUrl: null, state: await this.get(input.kind, input.intentId) };
      return unavailable(error);
    }
  }

  private get(kind: IntentKind, intentId: string): Promise<IntentState> {
    return kind === "setup" ? this.getSetup(intentId) : this.getPayment(intentId);
  }

  async getSetup(setupIntentId: string): Promise<IntentState> {
    try {
      return setupState(await this.stripe.setupIntents.retrieve(setupIntentId, { expand: SETUP_EXPAND }));
    } catch (error) {
      return unavailable(error);
    }
  }

  async getPayment(paymentIntentId: string): Promise<IntentState> {
    try {
      return paymentState(await this.stripe.paymentIntents.retrieve(paymentIntentId, { expand: PAYMENT_EXPAND }));
    } catch (error) {
      return unavailable(error);
    }
  }

  async cancelIntent(input: { kind: IntentKind; intentId: string }): Promise<IntentState> {
    try {
      return input.kind === "setup" ? setupState(await this.stripe.setupIntents.cancel(input.intentId, { expand: SETUP_EXPAND })) : paymentState(await this.stripe.paymentIntents.cancel(input.intentId, { expand: PAYMENT_EXPAND }));
    } catch (error) {
      // Already succeeded (or cancelled): the caller applies what it is.
      if (isUnexpectedState(error)) return this.get(input.kind, input.intentId);
      return unavailable(error);
    }
  }

  async chargeSaved(input: { customerId: string; paymentMethodId: string; methodType: PaymentMethodType; amountWon: number; pledgePublicId: string; idempotencyKey: string }): Promise<ChargeResult> {
    try {
      const intent = await this.stripe.paymentIntents.create(
        {
          amount: input.amountWon,
          currency: "krw",
          customer: input.customerId,
          payment_method: input.paymentMethodId,
          allowed_payment_method_types: [input.methodType],
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
      return { outcome: "declined", paymentIntentId: intent.id, declineCode: intent.last_payment_error?.decline_code || intent.last_payment_error?.code || intent.status };
    } catch (error) {
      if (error instanceof Stripe.errors.StripeCardError) {
        // A wallet's refusal has a code and no decline code (the SDK gives it as "").
        return { outcome: "declined", paymentIntentId: error.payment_intent?.id ?? null, declineCode: error.decline_code || error.code || "card_declined" };
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
