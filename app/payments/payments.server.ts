import type { Clock } from "../utils/clock";
import type { Database } from "../utils/db.server";
import type { Env } from "../utils/env.server";
import { DemoPaymentProvider } from "./demo-provider.server";
import type { PaymentProvider } from "./provider";
import { createStripeClient, StripePaymentProvider } from "./stripe-provider.server";

/** Stripe when a secret key is configured; the built-in demo provider otherwise. */
export function createPaymentProvider(env: Env, db: Database, clock: Clock): PaymentProvider {
  if (env.STRIPE_SECRET_KEY) {
    return new StripePaymentProvider(createStripeClient({ secretKey: env.STRIPE_SECRET_KEY, apiBase: env.STRIPE_API_BASE }), env.PAYMENT_METHODS);
  }
  return new DemoPaymentProvider(db, clock, env.DEMO_FEE_BP, env.PAYMENT_METHODS);
}
