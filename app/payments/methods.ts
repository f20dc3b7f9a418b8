import type { PaymentMethodType } from "../../db/types";
import type { ErrorKey } from "../i18n/messages/errors";

export type { PaymentMethodType };

/**
 * The ways a payer can pay, by Stripe's payment method type, in the order the pay page lists them:
 * Korean domestic cards through the issuer's app, the Korean wallets, then cards issued abroad
 * (typed in, or Stripe Elements).
 */
export const PAYMENT_METHOD_TYPES = ["kr_card", "kakao_pay", "naver_pay", "payco", "samsung_pay", "card"] as const satisfies readonly PaymentMethodType[];
// Every type the database accepts is listed (a new one added there fails the build here).
const listsEveryType: Exclude<PaymentMethodType, (typeof PAYMENT_METHOD_TYPES)[number]> extends never ? true : never = true;
void listsEveryType;

/** Confirmed on the provider's own page (issuer app, wallet) that sends the payer back to us. */
export const REDIRECT_METHOD_TYPES = ["kr_card", "kakao_pay", "naver_pay", "payco", "samsung_pay"] as const satisfies readonly PaymentMethodType[];
export type RedirectMethodType = (typeof REDIRECT_METHOD_TYPES)[number];

/** Stripe can save these with a SetupIntent and charge them off-session later; PAYCO and Samsung Pay it cannot. */
export const SAVEABLE_METHOD_TYPES = ["kr_card", "kakao_pay", "naver_pay", "card"] as const satisfies readonly PaymentMethodType[];

/** Stripe's limits for the Korean methods (KRW only). */
export const KOREAN_METHOD_MIN_WON = 100;
export const SAMSUNG_PAY_MAX_WON = 2_000_000;

export function isPaymentMethodType(value: unknown): value is PaymentMethodType {
  return typeof value === "string" && (PAYMENT_METHOD_TYPES as readonly string[]).includes(value);
}

export function isRedirectMethod(type: PaymentMethodType): type is RedirectMethodType {
  return (REDIRECT_METHOD_TYPES as readonly string[]).includes(type);
}

/** What the intent is for: saving a method now to charge it later, or paying an amount now. */
export type MethodUse = { kind: "setup" } | { kind: "payment"; amountWon: number };

/**
 * The methods offered for one intent: those the provider has enabled, that can do what the intent
 * needs (be saved, or take this amount), in display order.
 */
export function offeredMethods(enabled: readonly PaymentMethodType[], use: MethodUse): PaymentMethodType[] {
  return PAYMENT_METHOD_TYPES.filter((type) => {
    if (!enabled.includes(type)) return false;
    if (use.kind === "setup") return (SAVEABLE_METHOD_TYPES as readonly string[]).includes(type);
    if (isRedirectMethod(type) && use.amountWon < KOREAN_METHOD_MIN_WON) return false;
    return type !== "samsung_pay" || use.amountWon <= SAMSUNG_PAY_MAX_WON;
  });
}

/** A comma-separated list (configuration) as method types in display order, or the first unknown name. */
export function parseMethodList(text: string): { ok: true; methods: PaymentMethodType[] } | { ok: false; unknown: string } {
  const items = text
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
  const unknown = items.find((item) => !isPaymentMethodType(item));
  if (unknown !== undefined) return { ok: false, unknown };
  return { ok: true, methods: PAYMENT_METHOD_TYPES.filter((type) => items.includes(type)) };
}

const DECLINE_MESSAGES: Readonly<Record<string, ErrorKey>> = {
  card_declined: "cardDeclined",
  generic_decline: "cardDeclined",
  insufficient_funds: "cardInsufficientFunds",
  authentication_failed: "authenticationFailed",
  // Stripe's codes when the payer did not approve on the wallet's or issuer's page (or left it).
  payment_intent_authentication_failure: "walletNotApproved",
  setup_intent_authentication_failure: "walletNotApproved",
  payment_method_provider_decline: "walletDeclined",
};

/** The message for a processor's decline or failure code. */
export function declineMessage(code: string): ErrorKey {
  return DECLINE_MESSAGES[code] ?? "cardDeclined";
}
