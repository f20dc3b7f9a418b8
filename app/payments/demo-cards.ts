import type { ErrorKey } from "../i18n/messages/errors";

// The demo provider's test cards, as in Stripe's test mode:
//   4242 4242 4242 4242  succeeds
//   4000 0000 0000 0002  is declined
//   4000 0000 0000 9995  is declined for insufficient funds
//   4000 0000 0000 3220  asks for authentication (3-D Secure) first
//   4000 0000 0000 0341  is saved, but charging it later fails (to demo a failed collection)
// Any other number that passes the Luhn check succeeds.

export type DemoCardBehaviour = "succeeds" | "declined" | "insufficient_funds" | "requires_authentication" | "fails_off_session";

export const DEMO_CARDS: Readonly<Record<string, DemoCardBehaviour>> = {
  "4242424242424242": "succeeds",
  "4000000000000002": "declined",
  "4000000000009995": "insufficient_funds",
  "4000000000003220": "requires_authentication",
  "4000000000000341": "fails_off_session",
};

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

export interface CardInput {
  number: string;
  expiry: string;
  cvc: string;
}

export interface CheckedCard {
  digits: string;
  last4: string;
  behaviour: DemoCardBehaviour;
}

/** Validates what was typed; returns the field and message key of the first problem. */
export function checkCard(input: CardInput, today: string): { ok: true; card: CheckedCard } | { ok: false; field: "cardNumber" | "cardExpiry" | "cardCvc"; error: ErrorKey } {
  const digits = input.number.replace(/[\s-]/g, "");
  if (!/^\d{13,19}$/.test(digits) || !luhnValid(digits)) return { ok: false, field: "cardNumber", error: "cardNumberInvalid" };
  const expiry = input.expiry.replace(/\s/g, "").match(/^(0[1-9]|1[0-2])\/?(\d{2})$/);
  if (!expiry) return { ok: false, field: "cardExpiry", error: "cardExpired" };
  const expiryMonth = `20${expiry[2]}-${expiry[1]}`;
  if (expiryMonth < today.slice(0, 7)) return { ok: false, field: "cardExpiry", error: "cardExpired" };
  if (!/^\d{3,4}$/.test(input.cvc.trim())) return { ok: false, field: "cardCvc", error: "cardCvcInvalid" };
  return { ok: true, card: { digits, last4: digits.slice(-4), behaviour: DEMO_CARDS[digits] ?? "succeeds" } };
}
