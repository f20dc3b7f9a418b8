import { createHash, randomBytes } from "node:crypto";
import type { IntentStatus } from "../../db/types";
import type { Clock } from "../utils/clock";
import type { Database } from "../utils/db.server";
import { preparedQuery } from "../utils/prepared-query.server";
import type { CheckedCard, DemoCardBehaviour } from "./demo-cards";
import { processorFeeWon } from "./fees";
import { isRedirectMethod, PAYMENT_METHOD_TYPES, type PaymentMethodType, type RedirectMethodType } from "./methods";
import type {
  ApprovalDecision,
  ChargeResult,
  DemoProcessor,
  IntentKind,
  IntentState,
  PaymentProvider,
  PaymentReference,
  PendingApproval,
  RedirectStep,
  RefundResult,
  StartedIntent,
} from "./provider";

// The built-in provider for the demo and offline use: it keeps its "card network" state in the
// demo_payment_intents table and answers like Stripe's test mode does for its test cards. The
// Korean methods are approved on its own approval page (/demo-pay/<intent>), as Stripe's test
// mode offers "authorize" and "fail" on its redirect page; saved ones always charge later.

type Row = {
  id: string;
  kind: "setup" | "payment" | "refund";
  status: IntentStatus;
  customer_id: string;
  amount_won: number | null;
  payment_method_id: string | null;
  card_last4: string | null;
  pending_method_id: string | null;
  fee_won: number | null;
  decline_code: string | null;
  method_types: PaymentMethodType[];
  method_type: PaymentMethodType | null;
  return_url: string | null;
};

const COLUMNS = ["id", "kind", "status", "customer_id", "amount_won", "payment_method_id", "card_last4", "pending_method_id", "fee_won", "decline_code", "method_types", "method_type", "return_url"] as const;

// The pledge API's card payments create and read an intent each time: prepared (decision 88).
const newIntentQuery = preparedQuery((db, values: { id: string; kind: IntentKind; customerId: string; amountWon: number | null; methodTypes: PaymentMethodType[]; idempotencyKey: string }) =>
  db
    .insertInto("demo_payment_intents")
    .values({
      id: values.id,
      kind: values.kind,
      status: "requires_payment_method",
      customer_id: values.customerId,
      amount_won: values.amountWon,
      method_types: values.methodTypes,
      idempotency_key: values.idempotencyKey,
    })
    .onConflict((oc) => oc.column("idempotency_key").doNothing())
    .returning(["id", "customer_id"]),
);

const intentQuery = preparedQuery((db, values: { intentId: string }) => db.selectFrom("demo_payment_intents").select(COLUMNS).where("id", "=", values.intentId));

function cardMethodId(behaviour: DemoCardBehaviour, last4: string): string {
  return `pm_demo_${behaviour}_${last4}`;
}

function cardBehaviourOf(paymentMethodId: string): DemoCardBehaviour | null {
  const match = paymentMethodId.match(/^pm_demo_([a-z_]+)_\d{4}$/);
  return (match?.[1] as DemoCardBehaviour | undefined) ?? null;
}

function toState(row: Row): IntentState {
  return {
    intentId: row.id,
    status: row.status,
    paymentMethodId: row.payment_method_id,
    methodType: row.method_type,
    cardLast4: row.card_last4,
    amountWon: row.amount_won,
    feeWon: row.fee_won,
    declineCode: row.decline_code,
    pledgePublicId: null,
    loanPaymentId: null,
  };
}

/** The path of our own page the approval page returns to: the demo's wallet lives on our site, so the payer stays on the host they came from. */
function returnPathOf(returnUrl: string | null): string {
  if (!returnUrl) return "/";
  const url = new URL(returnUrl, "http://return.invalid");
  return `${url.pathname}${url.search}`;
}

const OPEN: readonly IntentStatus[] = ["requires_payment_method", "requires_action", "processing"];

const FAILURE_CODES: Record<Exclude<ApprovalDecision, "approve">, Record<IntentKind, string>> = {
  fail: { setup: "payment_method_provider_decline", payment: "payment_method_provider_decline" },
  cancel: { setup: "setup_intent_authentication_failure", payment: "payment_intent_authentication_failure" },
};

export class DemoPaymentProvider implements PaymentProvider, DemoProcessor {
  readonly name = "demo" as const;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly feeBp: number,
    readonly methods: readonly PaymentMethodType[] = PAYMENT_METHOD_TYPES,
  ) {}

  private async create(
    prefix: "seti" | "pi",
    kind: IntentKind,
    payerReference: string,
    methods: readonly PaymentMethodType[],
    idempotencyKey: string,
    amountWon: number | null,
  ): Promise<StartedIntent> {
    const customerId = `cus_demo_${createHash("sha256").update(payerReference).digest("hex").slice(0, 16)}`;
    const [inserted] = await newIntentQuery(this.db, {
      id: `${prefix}_demo_${randomBytes(12).toString("base64url")}`,
      kind,
      customerId,
      amountWon,
      methodTypes: [...methods],
      idempotencyKey,
    });
    // A used key answers with the intent it made, as Stripe's idempotency does.
    const row = inserted ?? (await this.db.selectFrom("demo_payment_intents").select(["id", "customer_id"]).where("idempotency_key", "=", idempotencyKey).executeTakeFirstOrThrow());
    return { intentId: row.id, customerId: row.customer_id, clientSecret: null };
  }

  startSetup(input: { pledgePublicId: string; email: string; methods: readonly PaymentMethodType[]; idempotencyKey: string }): Promise<StartedIntent> {
    return this.create("seti", "setup", input.pledgePublicId, input.methods, input.idempotencyKey, null);
  }

  startPayment(input: { reference: PaymentReference; email: string; amountWon: number; methods: readonly PaymentMethodType[]; idempotencyKey: string }): Promise<StartedIntent> {
    return this.create("pi", "payment", input.reference.publicId, input.methods, input.idempotencyKey, input.amountWon);
  }

  private async find(intentId: string): Promise<Row | undefined> {
    const [row] = await intentQuery(this.db, { intentId });
    return row;
  }

  private async read(intentId: string): Promise<Row> {
    const row = await this.find(intentId);
    if (!row) throw new Error(`No demo intent ${intentId}`);
    return row;
  }

  private allow(row: Row, methodType: PaymentMethodType): void {
    // As Stripe refuses a payment method type the intent was not created with.
    if (!row.method_types.includes(methodType)) throw new Error(`${methodType} is not a payment method type of ${row.id}`);
  }

  /** Stripe's confirm with a redirect method: the payer is sent to the demo approval page. */
  async confirmRedirect(input: { kind: IntentKind; intentId: string; methodType: RedirectMethodType; returnUrl: string }): Promise<RedirectStep> {
    const row = await this.read(input.intentId);
    if (row.status === "succeeded" || row.status === "canceled") return { redirectUrl: null, state: toState(row) };
    this.allow(row, input.methodType);
    const state = await this.update(input.intentId, {
      status: "requires_action",
      method_type: input.methodType,
      pending_method_id: `pm_demo_${input.methodType}_${randomBytes(6).toString("hex")}`,
      return_url: input.returnUrl,
      decline_code: null,
      card_last4: null,
    });
    return { redirectUrl: state.status === "requires_action" ? `/demo-pay/${encodeURIComponent(input.intentId)}` : null, state };
  }

  async pendingApproval(intentId: string): Promise<PendingApproval | null> {
    const row = await this.find(intentId);
    if (!row || row.kind === "refund" || row.status !== "requires_action" || !row.method_type || !isRedirectMethod(row.method_type)) return null;
    return { intentId: row.id, kind: row.kind, methodType: row.method_type, amountWon: row.amount_won };
  }

  /** The approval page's answer: approve, fail (the provider declines) or cancel (the payer leaves). */
  async decideApproval(intentId: string, decision: ApprovalDecision): Promise<{ returnPath: string } | null> {
    const row = await this.find(intentId);
    if (!row) return null;
    const returnPath = returnPathOf(row.return_url);
    const pending = await this.pendingApproval(intentId);
    if (!pending || !row.pending_method_id) return { returnPath };
    // Only the first answer counts (a double click, or approve and cancel at once).
    if (decision === "approve") await this.update(intentId, this.success(row, row.pending_method_id, null), ["requires_action"]);
    else await this.update(intentId, { status: "requires_payment_method", pending_method_id: null, decline_code: FAILURE_CODES[decision][pending.kind] }, ["requires_action"]);
    return { returnPath };
  }

  async cancelIntent(input: { kind: IntentKind; intentId: string }): Promise<IntentState> {
    // As Stripe: a processing, succeeded or cancelled intent stays as it is.
    return this.update(input.intentId, { status: "canceled", pending_method_id: null }, ["requires_payment_method", "requires_action"]);
  }

  async getSetup(setupIntentId: string): Promise<IntentState> {
    return toState(await this.read(setupIntentId));
  }

  async getPayment(paymentIntentId: string): Promise<IntentState> {
    return toState(await this.read(paymentIntentId));
  }

  /** What the card form does (Stripe.js's confirm, for the demo): try the typed card on the intent. */
  async confirmWithCard(intentId: string, card: CheckedCard): Promise<IntentState> {
    const row = await this.read(intentId);
    if (row.status === "succeeded" || row.status === "canceled") return toState(row);
    this.allow(row, "card");
    const isPayment = intentId.startsWith("pi_");
    const refusal: Partial<Record<DemoCardBehaviour, string>> = {
      declined: "card_declined",
      insufficient_funds: "insufficient_funds",
      ...(isPayment ? { fails_off_session: "card_declined" } : {}),
    };
    const declineCode = refusal[card.behaviour];
    const asCard = { method_type: "card" as const, card_last4: card.last4 };
    if (declineCode) return this.update(intentId, { status: "requires_payment_method", decline_code: declineCode, ...asCard });
    if (card.behaviour === "requires_authentication") {
      return this.update(intentId, { status: "requires_action", pending_method_id: cardMethodId("succeeds", card.last4), decline_code: null, ...asCard });
    }
    return this.update(row.id, { ...this.success(row, cardMethodId(card.behaviour, card.last4), card.last4), method_type: "card" });
  }

  /** The demo's 3-D Secure page: the backer approves or refuses. */
  async authenticate(intentId: string, approve: boolean): Promise<IntentState> {
    const row = await this.read(intentId);
    if (row.status !== "requires_action" || !row.pending_method_id || row.method_type !== "card") return toState(row);
    if (!approve) return this.update(intentId, { status: "requires_payment_method", pending_method_id: null, decline_code: "authentication_failed" });
    return this.update(intentId, this.success(row, row.pending_method_id, row.card_last4 ?? "0000"));
  }

  private success(row: Row, paymentMethodId: string, last4: string | null) {
    const feeWon = row.amount_won === null ? null : processorFeeWon(row.amount_won, this.feeBp);
    return { status: "succeeded" as const, payment_method_id: paymentMethodId, card_last4: last4, pending_method_id: null, decline_code: null, fee_won: feeWon };
  }

  /**
   * Changes the intent only while it is in one of `from` (by default: not yet succeeded or
   * cancelled, which are final), so of two answers at once only the first counts. Returns the
   * intent as it then stands.
   */
  private async update(intentId: string, changes: Partial<Omit<Row, "id" | "kind" | "customer_id" | "amount_won" | "method_types">>, from: readonly IntentStatus[] = OPEN): Promise<IntentState> {
    const row = await this.db
      .updateTable("demo_payment_intents")
      .set({ ...changes, updated_at: this.clock.now() })
      .where("id", "=", intentId)
      .where("status", "in", [...from])
      .returning(COLUMNS)
      .executeTakeFirst();
    return toState(row ?? (await this.read(intentId)));
  }

  async chargeSaved(input: { customerId: string; paymentMethodId: string; methodType: PaymentMethodType; amountWon: number; pledgePublicId: string; idempotencyKey: string }): Promise<ChargeResult> {
    // A saved card charges as its test number says; a saved Korean method always charges.
    const succeeds = input.methodType !== "card" || cardBehaviourOf(input.paymentMethodId) === "succeeds";
    const inserted = await this.db
      .insertInto("demo_payment_intents")
      .values({
        id: `pi_demo_${randomBytes(12).toString("base64url")}`,
        kind: "payment",
        status: succeeds ? "succeeded" : "requires_payment_method",
        customer_id: input.customerId,
        amount_won: input.amountWon,
        payment_method_id: input.paymentMethodId,
        method_types: [input.methodType],
        method_type: input.methodType,
        card_last4: input.methodType === "card" ? input.paymentMethodId.slice(-4) : null,
        fee_won: succeeds ? processorFeeWon(input.amountWon, this.feeBp) : null,
        decline_code: succeeds ? null : "card_declined",
        idempotency_key: input.idempotencyKey,
      })
      .onConflict((oc) => oc.column("idempotency_key").doNothing())
      .returning(COLUMNS)
      .executeTakeFirst();
    // A used key answers with the charge it made, as Stripe's idempotency does.
    const row = inserted ?? (await this.db.selectFrom("demo_payment_intents").select(COLUMNS).where("idempotency_key", "=", input.idempotencyKey).executeTakeFirstOrThrow());
    if (row.status === "succeeded") return { outcome: "succeeded", paymentIntentId: row.id, feeWon: row.fee_won ?? 0 };
    return { outcome: "declined", paymentIntentId: row.id, declineCode: row.decline_code ?? "card_declined" };
  }

  async refund(input: { paymentIntentId: string; amountWon: number; idempotencyKey: string }): Promise<RefundResult> {
    const payment = await this.read(input.paymentIntentId);
    const inserted = await this.db
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
      .returning(["id", "status"])
      .executeTakeFirst();
    const row = inserted ?? (await this.db.selectFrom("demo_payment_intents").select(["id", "status"]).where("idempotency_key", "=", input.idempotencyKey).executeTakeFirstOrThrow());
    return { refundId: row.id, status: row.status === "succeeded" ? "succeeded" : "failed" };
  }
}
