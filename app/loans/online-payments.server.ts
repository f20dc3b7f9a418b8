import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import type { LoanOnlinePaymentState } from "../../db/types";
import { enqueueEmail } from "../email/outbox.server";
import { fundCardFees, fundCash } from "../fund/fund";
import type { ErrorKey } from "../i18n/messages/errors";
import { appendEntry } from "../ledger/ledger.server";
import { checkCard, type CardInput } from "../payments/demo-cards";
import { requireDemoProcessor } from "../payments/demo-checkout.server";
import { declineMessage, isRedirectMethod, offeredMethods, type PaymentMethodType } from "../payments/methods";
import { isPaymentUnavailable, type IntentState } from "../payments/provider";
import type { Services } from "../server/services";
import { AppError } from "../utils/app-error";
import { seoulDate } from "../utils/dates";
import type { Tx } from "../utils/db.server";
import { SERVICED_LOAN_STATES } from "./loans";
import { getLoan, loadInstalments, loanPosition, recordRepayment } from "./loans.server";
import { outstandingPrincipal } from "./servicing";

// A member of the borrowing enterprise pays what is due on its loan online (a card, a Korean
// card through its issuer's app, a Korean wallet). The payment row is asked of the provider like
// a keep-it-all pledge (same provider calls, same forms, same webhook and reconciler); once the
// provider says it succeeded it becomes one online repayment through `recordRepayment`. Every
// path that learns of the success (card form, 3-D Secure page, the return page after Stripe or a
// wallet, webhook, reconciler) calls `applyLoanPaymentState`, which locks the loan, then the
// payment row, so whichever comes second finds it recorded and changes nothing.

/** Reconciliation asks the provider about a payment left pending after this long without news. */
const QUIET_BEFORE_RECONCILE_MS = 2 * 60_000;

export interface LoanPaymentStep {
  paymentId: number;
  publicId: string;
  amountWon: number;
  dueDate: string;
  overdue: boolean;
  intentId: string;
  /** For Stripe.js; null with the demo provider's own card form. */
  clientSecret: string | null;
  /** The methods the member may choose from for this payment. */
  methods: PaymentMethodType[];
  /** Why the last try was refused (a decline, not approved at the wallet), as the provider put it. */
  lastError: string | null;
}

/** What the member would pay online now: the arrears, or else the next instalment. */
export async function amountDueOnline(services: Services, loanId: number) {
  const today = seoulDate(services.clock.now());
  const loan = await getLoan(services.db, loanId);
  if (!loan || !(SERVICED_LOAN_STATES as readonly string[]).includes(loan.state)) return null;
  const position = loanPosition(loan, await loadInstalments(services.db, loanId), today);
  return position?.next ?? null;
}

/**
 * The payment for what is due now, asked of the provider. Visiting the page again reuses the
 * pending payment while the amount due is unchanged; when it changed (a day's penalty, a bank
 * transfer recorded meanwhile) the old one is superseded — should it still succeed, it is recorded
 * or refunded like any other.
 */
export async function startLoanOnlinePayment(services: Services, request: { loanId: number; userId: number }): Promise<LoanPaymentStep> {
  const { db } = services;
  const due = await amountDueOnline(services, request.loanId);
  if (!due) throw new AppError("nothingDue", 409);
  const now = services.clock.now();
  const row = await db.transaction().execute(async (trx) => {
    await trx.selectFrom("loans").select("id").where("id", "=", request.loanId).forUpdate().execute();
    const pending = await trx.selectFrom("loan_online_payments").selectAll().where("loan_id", "=", request.loanId).where("state", "=", "pending").executeTakeFirst();
    if (pending && pending.amount_won === due.amountWon && pending.due_date === due.dueDate && pending.provider === services.payments.name) return pending;
    if (pending) await trx.updateTable("loan_online_payments").set({ state: "superseded", updated_at: now }).where("id", "=", pending.id).execute();
    const publicId = `lp_${randomBytes(16).toString("base64url")}`;
    return trx
      .insertInto("loan_online_payments")
      .values({
        public_id: publicId,
        loan_id: request.loanId,
        started_by: request.userId,
        amount_won: due.amountWon,
        due_date: due.dueDate,
        provider: services.payments.name,
        idempotency_key: `loan-online:${publicId}`,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
  const payer = await db.selectFrom("users").select("email").where("id", "=", request.userId).executeTakeFirstOrThrow();
  const methods = offeredMethods(services.payments.methods, { kind: "payment", amountWon: row.amount_won });
  const started = await services.payments.startPayment({
    reference: { kind: "loan_payment", publicId: row.public_id },
    email: payer.email,
    amountWon: row.amount_won,
    methods,
    idempotencyKey: row.idempotency_key,
  });
  if (row.provider_intent_id === null) {
    await db.updateTable("loan_online_payments").set({ provider_intent_id: started.intentId }).where("id", "=", row.id).where("provider_intent_id", "is", null).execute();
  }
  return {
    paymentId: row.id,
    publicId: row.public_id,
    amountWon: row.amount_won,
    dueDate: row.due_date,
    overdue: due.overdue,
    intentId: started.intentId,
    clientSecret: started.clientSecret,
    methods,
    lastError: row.last_error,
  };
}

/** The loan's payment with this public id, for the member's pages. */
export async function findLoanPayment(services: Services, loanId: number, publicId: string) {
  return services.db.selectFrom("loan_online_payments").selectAll().where("loan_id", "=", loanId).where("public_id", "=", publicId).executeTakeFirst();
}

export interface AppliedPayment {
  state: LoanOnlinePaymentState;
  /** Why a succeeded payment could not be applied (it was refunded), or why the card was refused. */
  problem: ErrorKey | null;
}

/**
 * Applies what the provider says about a payment's intent. Idempotent: a payment already recorded
 * or refunded changes nothing. A success becomes one online repayment, allocated like a bank
 * transfer, with the card fee booked as the fund's expense; a success the loan can no longer take
 * (it changed since the payment was started) is refunded in full.
 */
export async function applyLoanPaymentState(services: Services, paymentId: number, state: IntentState, inTrx?: Tx): Promise<AppliedPayment | null> {
  const work = (trx: Tx) => applyIn(trx, services, paymentId, state);
  return inTrx ? work(inTrx) : services.db.transaction().execute(work);
}

async function applyIn(trx: Tx, services: Services, paymentId: number, state: IntentState): Promise<AppliedPayment | null> {
  const now = services.clock.now();
  const today = seoulDate(now);
  const head = await trx.selectFrom("loan_online_payments").select("loan_id").where("id", "=", paymentId).executeTakeFirst();
  if (!head) return null;
  // The loan first, as every repayment does, then the payment: one order, no deadlock.
  await trx.selectFrom("loans").select("id").where("id", "=", head.loan_id).forUpdate().execute();
  const row = await trx.selectFrom("loan_online_payments").selectAll().where("id", "=", paymentId).forUpdate().executeTakeFirstOrThrow();
  if (row.state === "recorded" || row.state === "refunded" || row.provider_intent_id !== state.intentId) return { state: row.state, problem: null };

  if (state.status === "succeeded") {
    if (state.amountWon !== null && state.amountWon !== row.amount_won) throw new Error(`Payment ${row.public_id} was asked for ${row.amount_won} won but ${state.amountWon} won succeeded`);
    await sql`SAVEPOINT online_repayment`.execute(trx);
    try {
      const result = await recordRepayment(trx, {
        loanId: row.loan_id,
        kind: "instalment",
        method: "online",
        amountWon: row.amount_won,
        paidOn: today,
        externalReference: state.intentId,
        idempotencyKey: row.idempotency_key,
        recordedBy: null,
        today,
        now,
        origin: services.origin,
      });
      await sql`RELEASE SAVEPOINT online_repayment`.execute(trx);
      const feeWon = state.feeWon ?? 0;
      await trx
        .updateTable("loan_online_payments")
        .set({ state: "recorded", repayment_id: result.repaymentId, fee_won: feeWon, payment_method_type: state.methodType, card_last4: state.cardLast4, last_error: null, updated_at: now })
        .where("id", "=", row.id)
        .execute();
      await sendReceipt(trx, services, row, { ...result.allocation, paidOn: today, methodType: state.methodType, cardLast4: state.cardLast4, intentId: state.intentId });
      if (feeWon > 0) {
        const loan = await trx.selectFrom("loans").select("fund_id").where("id", "=", row.loan_id).executeTakeFirstOrThrow();
        await appendEntry(trx, {
          kind: "loan.card_fee",
          occurredAt: now,
          memo: "온라인 상환 카드 결제 수수료",
          refs: { fund: loan.fund_id, loan: row.loan_id, payment: state.intentId },
          idempotencyKey: `${row.idempotency_key}:fee`,
          lines: [
            { account: fundCash(loan.fund_id), amountWon: -feeWon },
            { account: fundCardFees(loan.fund_id), amountWon: feeWon },
          ],
        });
      }
      return { state: "recorded", problem: null };
    } catch (error) {
      if (!isRefusal(error)) throw error;
      await sql`ROLLBACK TO SAVEPOINT online_repayment`.execute(trx);
      return refundUnapplicable(trx, services, row, error.code);
    }
  }
  if (state.status === "requires_payment_method" && state.declineCode) {
    await trx.updateTable("loan_online_payments").set({ last_error: state.declineCode.slice(0, 100), card_last4: state.cardLast4, updated_at: now }).where("id", "=", row.id).execute();
    return { state: row.state, problem: declineMessage(state.declineCode) };
  }
  return { state: row.state, problem: null };
}

function isRefusal(error: unknown): error is AppError {
  return error instanceof Error && error.name === "AppError" && "code" in error;
}

type PaymentRow = { id: number; public_id: string; loan_id: number; started_by: number; amount_won: number; idempotency_key: string; provider_intent_id: string | null };

async function refundUnapplicable(trx: Tx, services: Services, row: PaymentRow, reason: ErrorKey): Promise<AppliedPayment> {
  // Rare (the loan changed between starting and confirming): the money goes back in full rather than
  // sit unrecorded. A provider that cannot be reached leaves the payment pending for the next try.
  const refund = await services.payments.refund({ paymentIntentId: row.provider_intent_id ?? "", amountWon: row.amount_won, idempotencyKey: `${row.idempotency_key}:refund` });
  if (refund.status === "failed") throw new Error(`Refund of payment ${row.public_id} failed`);
  await trx
    .updateTable("loan_online_payments")
    .set({ state: "refunded", refund_id: refund.refundId, last_error: reason, updated_at: services.clock.now() })
    .where("id", "=", row.id)
    .execute();
  return { state: "refunded", problem: "onlinePaymentRefunded" };
}

async function sendReceipt(
  trx: Tx,
  services: Services,
  row: PaymentRow,
  paid: { totalWon: number; penaltyWon: number; interestWon: number; principalWon: number; paidOn: string; methodType: PaymentMethodType | null; cardLast4: string | null; intentId: string },
) {
  const loan = await trx
    .selectFrom("loans as l")
    .innerJoin("enterprises as e", "e.id", "l.enterprise_id")
    .select(["l.id", "l.enterprise_id", "e.name"])
    .where("l.id", "=", row.loan_id)
    .executeTakeFirstOrThrow();
  const payer = await trx.selectFrom("users").select(["email", "locale"]).where("id", "=", row.started_by).executeTakeFirstOrThrow();
  await enqueueEmail(trx, payer.email, "loanRepaymentReceipt", {
    locale: payer.locale,
    enterpriseName: loan.name,
    loanId: loan.id,
    paidOn: paid.paidOn,
    amountWon: paid.totalWon,
    penaltyWon: paid.penaltyWon,
    interestWon: paid.interestWon,
    principalWon: paid.principalWon,
    paymentMethod: paid.methodType,
    cardLast4: paid.cardLast4,
    paymentReference: paid.intentId,
    outstandingWon: outstandingPrincipal(await loadInstalments(trx, loan.id)),
    loanUrl: `${services.origin}/enterprises/${loan.enterprise_id}/loans/${loan.id}`,
  });
}

async function pendingIntent(services: Services, loanId: number, publicId: string) {
  const row = await findLoanPayment(services, loanId, publicId);
  if (!row) throw new AppError("invalidChoice", 404);
  return row;
}

function outcome(applied: AppliedPayment | null, state: IntentState) {
  if (applied?.problem === "onlinePaymentRefunded") throw new AppError("onlinePaymentRefunded", 409);
  if (applied?.problem) throw new AppError(applied.problem, 402, "cardNumber");
  return { state: applied?.state ?? null, requiresAction: state.status === "requires_action" };
}

/** The demo card form for a loan payment: checks what was typed, lets the demo processor answer, applies it. */
export async function confirmLoanDemoCard(services: Services, loanId: number, publicId: string, card: CardInput) {
  const provider = requireDemoProcessor(services);
  const checked = checkCard(card, seoulDate(services.clock.now()));
  if (!checked.ok) throw new AppError(checked.error, 422, checked.field);
  const row = await pendingIntent(services, loanId, publicId);
  // Already recorded (a double submit, a retried request): report where it stands.
  if (row.state !== "pending" || !row.provider_intent_id) return { state: row.state, requiresAction: false };
  if (!offeredMethods(services.payments.methods, { kind: "payment", amountWon: row.amount_won }).includes("card")) throw new AppError("paymentMethodNotOffered", 422);
  const state = await provider.confirmWithCard(row.provider_intent_id, checked.card);
  return outcome(await applyLoanPaymentState(services, row.id, state), state);
}

/** The demo 3-D Secure page's answer for a loan payment. */
export async function completeLoanDemoAuthentication(services: Services, loanId: number, publicId: string, approve: boolean) {
  const provider = requireDemoProcessor(services);
  const row = await pendingIntent(services, loanId, publicId);
  if (row.state !== "pending" || !row.provider_intent_id) return { state: row.state, requiresAction: false };
  const state = await provider.authenticate(row.provider_intent_id, approve);
  return outcome(await applyLoanPaymentState(services, row.id, state), state);
}

/**
 * The member chose a method approved on the provider's own page (a Korean card's issuer app, a
 * wallet): the payment's intent is confirmed with it and the member is sent there; they come back
 * to the loan's return page. Null `redirectUrl` when nothing is left to approve.
 */
export async function confirmLoanRedirect(services: Services, loanId: number, publicId: string, methodType: PaymentMethodType): Promise<{ redirectUrl: string | null }> {
  const row = await pendingIntent(services, loanId, publicId);
  const loan = await services.db.selectFrom("loans").select("enterprise_id").where("id", "=", loanId).executeTakeFirstOrThrow();
  if (row.state !== "pending" || !row.provider_intent_id) return { redirectUrl: null };
  const offered = offeredMethods(services.payments.methods, { kind: "payment", amountWon: row.amount_won });
  if (!isRedirectMethod(methodType) || !offered.includes(methodType)) throw new AppError("paymentMethodNotOffered", 422, "method");
  const returnUrl = `${services.origin}/enterprises/${loan.enterprise_id}/loans/${loanId}/pay/return?payment=${row.public_id}`;
  const { redirectUrl, state } = await services.payments.confirmRedirect({ kind: "payment", intentId: row.provider_intent_id, methodType, returnUrl });
  if (!redirectUrl) await applyLoanPaymentState(services, row.id, state);
  return { redirectUrl };
}

/** The return page after Stripe or a wallet: read the intent now rather than wait for the webhook. */
export async function refreshLoanPayment(services: Services, loanId: number, publicId: string): Promise<AppliedPayment | null> {
  const row = await findLoanPayment(services, loanId, publicId);
  if (!row?.provider_intent_id) return null;
  if (row.state === "recorded" || row.state === "refunded") return { state: row.state, problem: null };
  return applyLoanPaymentState(services, row.id, await services.payments.getPayment(row.provider_intent_id));
}

/**
 * Repairs what a lost webhook or a crash left behind: payments still pending (or superseded)
 * after a quiet period are asked of the provider and applied. Looked-at rows wait another period.
 */
export async function reconcileLoanPayments(services: Services): Promise<number> {
  const now = services.clock.now();
  const quietSince = new Date(now.getTime() - QUIET_BEFORE_RECONCILE_MS);
  const rows = await services.db
    .selectFrom("loan_online_payments")
    .select(["id", "provider_intent_id"])
    .where("state", "in", ["pending", "superseded"])
    .where("provider_intent_id", "is not", null)
    .where("updated_at", "<", quietSince)
    // A superseded payment is rarely confirmed later; after two days only the webhook will tell.
    .where((eb) => eb.or([eb("state", "=", "pending"), eb("created_at", ">", new Date(now.getTime() - 2 * 86_400_000))]))
    .orderBy("updated_at")
    .limit(200)
    .execute();
  let applied = 0;
  for (const row of rows) {
    try {
      const state = await services.payments.getPayment(row.provider_intent_id ?? "");
      const after = await applyLoanPaymentState(services, row.id, state);
      if (after?.state === "recorded" || after?.state === "refunded") applied += 1;
      else await services.db.updateTable("loan_online_payments").set({ updated_at: now }).where("id", "=", row.id).where("state", "in", ["pending", "superseded"]).execute();
    } catch (error) {
      if (!isPaymentUnavailable(error)) throw error;
    }
  }
  return applied;
}
