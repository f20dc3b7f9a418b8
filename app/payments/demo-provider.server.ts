import { createHash, randomBytes } from "node:crypto";
import type { IntentStatus } from "../../db/types";
import type { Clock } from "../utils/clock";
import type { Database } from "../utils/db.server";
import type { CheckedCard, DemoCardBehaviour } from "./demo-cards";
import { processorFeeWon } from "./fees";
import type { ChargeResult, IntentState, PaymentProvider, PaymentReference, RefundResult, StartedIntent } from "./provider";

// The built-in provider for the demo and offline use: it keeps its "card network" state in the
// demo_payment_intents table and answers like Stripe's test mode does for its test cards.

type Row = {
  id: string;
  status: IntentStatus;
  customer_id: string;
  amount_won: number | null;
  payment_method_id: string | null;
  card_last4: string | null;
  pending_method_id: string | null;
  fee_won: number | null;
  decline_code: string | null;
};

const COLUMNS = ["id", "status", "customer_id", "amount_won", "payment_method_id", "card_last4", "pending_method_id", "fee_won", "decline_code"] as const;

function methodId(behaviour: DemoCardBehaviour, last4: string): string {
  return `pm_demo_${behaviour}_${last4}`;
}

function behaviourOf(paymentMethodId: string): DemoCardBehaviour | null {
  const match = paymentMethodId.match(/^pm_demo_([a-z_]+)_\d{4}$/);
  return (match?.[1] as DemoCardBehaviour | undefined) ?? null;
}

function toState(row: Row): IntentState {
  return {
    intentId: row.id,
    status: row.status,
    paymentMethodId: row.payment_method_id,
    cardLast4: row.card_last4,
    amountWon: row.amount_won,
    feeWon: row.fee_won,
    declineCode: row.decline_code,
    pledgePublicId: null,
    loanPaymentId: null,
  };
}

export class DemoPaymentProvider implements PaymentProvider {
  readonly name = "demo" as const;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly feeBp: number,
  ) {}

  private async create(prefix: "seti" | "pi", kind: "setup" | "payment", payerReference: string, idempotencyKey: string, amountWon: number | null): Promise<StartedIntent> {
    const customerId = `cus_demo_${createHash("sha256").update(payerReference).digest("hex").slice(0, 16)}`;
    await this.db
      .insertInto("demo_payment_intents")
      .values({
        id: `${prefix}_demo_${randomBytes(12).toString("base64url")}`,
        kind,
        status: "requires_payment_method",
        customer_id: customerId,
        amount_won: amountWon,
        idempotency_key: idempotencyKey,
      })
      .onConflict((oc) => oc.column("idempotency_key").doNothing())
      .execute();
    const row = await this.db.selectFrom("demo_payment_intents").select(["id", "customer_id"]).where("idempotency_key", "=", idempotencyKey).executeTakeFirstOrThrow();
    return { intentId: row.id, customerId: row.customer_id, clientSecret: null };
  }

  startSetup(input: { pledgePublicId: string; email: string; idempotencyKey: string }): Promise<StartedIntent> {
    return this.create("seti", "setup", input.pledgePublicId, input.idempotencyKey, null);
  }

  startPayment(input: { reference: PaymentReference; email: string; amountWon: number; idempotencyKey: string }): Promise<StartedIntent> {
    return this.create("pi", "payment", input.reference.publicId, input.idempotencyKey, input.amountWon);
  }

  private async read(intentId: string): Promise<Row> {
    return this.db.selectFrom("demo_payment_intents").select(COLUMNS).where("id", "=", intentId).executeTakeFirstOrThrow();
  }

  async getSetup(setupIntentId: string): Promise<IntentState> {
    return toState(await this.read(setupIntentId));
  }

  async getPayment(paymentIntentId: string): Promise<IntentState> {
    return toState(await this.read(paymentIntentId));
  }

  async cancelIntent(input: { kind: "setup" | "payment"; intentId: string }): Promise<IntentState> {
    await this.db
      .updateTable("demo_payment_intents")
      .set({ status: "canceled", pending_method_id: null, updated_at: this.clock.now() })
      .where("id", "=", input.intentId)
      .where("status", "in", ["requires_payment_method", "requires_action"])
      .execute();
    return toState(await this.read(input.intentId));
  }

  /** What the card form does (Stripe.js's confirm, for the demo): try the typed card on the intent. */
  async confirmWithCard(intentId: string, card: CheckedCard): Promise<IntentState> {
    const row = await this.read(intentId);
    if (row.status === "succeeded" || row.status === "canceled") return toState(row);
    const isPayment = intentId.startsWith("pi_");
    const refusal: Partial<Record<DemoCardBehaviour, string>> = {
      declined: "card_declined",
      insufficient_funds: "insufficient_funds",
      ...(isPayment ? { fails_off_session: "card_declined" } : {}),
    };
    const declineCode = refusal[card.behaviour];
    if (declineCode) return this.update(intentId, { status: "requires_payment_method", decline_code: declineCode, card_last4: card.last4 });
    if (card.behaviour === "requires_authentication") {
      return this.update(intentId, { status: "requires_action", pending_method_id: methodId("succeeds", card.last4), card_last4: card.last4, decline_code: null });
    }
    return this.succeed(row, methodId(card.behaviour, card.last4), card.last4);
  }

  /** The demo's 3-D Secure page: the backer approves or refuses. */
  async authenticate(intentId: string, approve: boolean): Promise<IntentState> {
    const row = await this.read(intentId);
    if (row.status !== "requires_action" || !row.pending_method_id) return toState(row);
    if (!approve) return this.update(intentId, { status: "requires_payment_method", pending_method_id: null, decline_code: "authentication_failed" });
    return this.succeed(row, row.pending_method_id, row.card_last4 ?? "0000");
  }

  private succeed(row: Row, paymentMethodId: string, last4: string): Promise<IntentState> {
    const feeWon = row.amount_won === null ? null : processorFeeWon(row.amount_won, this.feeBp);
    return this.update(row.id, { status: "succeeded", payment_method_id: paymentMethodId, card_last4: last4, pending_method_id: null, decline_code: null, fee_won: feeWon });
  }

  private async update(intentId: string, changes: Partial<Omit<Row, "id" | "customer_id" | "amount_won">>): Promise<IntentState> {
    const row = await this.db
      .updateTable("demo_payment_intents")
      .set({ ...changes, updated_at: this.clock.now() })
      .where("id", "=", intentId)
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
    return toState(row);
  }

  async chargeSaved(input: { customerId: string; paymentMethodId: string; amountWon: number; pledgePublicId: string; idempotencyKey: string }): Promise<ChargeResult> {
    const behaviour = behaviourOf(input.paymentMethodId);
    const succeeds = behaviour === "succeeds";
    await this.db
      .insertInto("demo_payment_intents")
      .values({
        id: `pi_demo_${randomBytes(12).toString("base64url")}`,
        kind: "payment",
        status: succeeds ? "succeeded" : "requires_payment_method",
        customer_id: input.customerId,
        amount_won: input.amountWon,
        payment_method_id: input.paymentMethodId,
        card_last4: input.paymentMethodId.slice(-4),
        fee_won: succeeds ? processorFeeWon(input.amountWon, this.feeBp) : null,
        decline_code: succeeds ? null : "card_declined",
        idempotency_key: input.idempotencyKey,
      })
      .onConflict((oc) => oc.column("idempotency_key").doNothing())
      .execute();
    const row = await this.db.selectFrom("demo_payment_intents").select(COLUMNS).where("idempotency_key", "=", input.idempotencyKey).executeTakeFirstOrThrow();
    if (row.status === "succeeded") return { outcome: "succeeded", paymentIntentId: row.id, feeWon: row.fee_won ?? 0 };
    return { outcome: "declined", paymentIntentId: row.id, declineCode: row.decline_code ?? "card_declined" };
  }

  async refund(input: { paymentIntentId: string; amountWon: number; idempotencyKey: string }): Promise<RefundResult> {
    const payment = await this.read(input.paymentIntentId);
    await this.db
      .insertInto("demo_payment_intents")
      .values({
        id: `re_demo_${randomBytes(12).toString("base64url")}`,
        kind: "refund",
        status: payment.status === "succeeded" ? "succeeded" : "canceled",
        customer_id: payment.customer_id,
        amount_won: input.amountWon,
        target_id: input.paymentIntentId,
        idempotency_key: input.idempotencyKey,
      })
      .onConflict((oc) => oc.column("idempotency_key").doNothing())
      .execute();
    const row = await this.db.selectFrom("demo_payment_intents").select(["id", "status"]).where("idempotency_key", "=", input.idempotencyKey).executeTakeFirstOrThrow();
    return { refundId: row.id, status: row.status === "succeeded" ? "succeeded" : "failed" };
  }
}
