import Stripe from "stripe";
import { addBudgetLine, createCampaign, reviewCampaign, submitForReview } from "../../app/campaigns/campaigns.server";
import { StripePaymentProvider, createStripeClient } from "../../app/payments/stripe-provider.server";
import type { FundingModel } from "../../db/types";
import { startFakeStripe, type FakeStripe } from "../fakes/stripe-server";
import { startApp, type TestApp } from "./app";
import type { TestDatabase } from "./db";
import { enterpriseId, userId } from "./seed";

// The app served against the fake Stripe through the real SDK, and webhooks signed as Stripe signs them.

export interface StripeTestApp {
  app: TestApp;
  fake: FakeStripe;
  /** Sends an event to the webhook endpoint over HTTP, signed (or tampered with) as asked. */
  deliver(event: unknown, options?: { secret?: string; timestamp?: number; tamper?: boolean }): Promise<Response>;
  close(): Promise<void>;
}

export async function startStripeApp(t: TestDatabase, keys: { secretKey: string; webhookSecret: string }): Promise<StripeTestApp> {
  const fake = await startFakeStripe();
  const app = await startApp(t.db, {
    env: { STRIPE_SECRET_KEY: keys.secretKey, STRIPE_WEBHOOK_SECRET: keys.webhookSecret, STRIPE_API_BASE: fake.url, STRIPE_PUBLISHABLE_KEY: "pk_test_hamkke" },
    payments: () => new StripePaymentProvider(createStripeClient({ secretKey: keys.secretKey, apiBase: fake.url })),
  });
  const signer = new Stripe(keys.secretKey);
  return {
    app,
    fake,
    deliver: (event, options = {}) => {
      const payload = JSON.stringify(event);
      const header = signer.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? keys.webhookSecret, timestamp: options.timestamp });
      const sent = options.tamper ? payload.replace('"livemode":false', '"livemode":true') : payload;
      return fetch(`${app.url}/api/webhooks/stripe`, { method: "POST", body: sent, headers: { "Content-Type": "application/json", "Stripe-Signature": header } });
    },
    close: async () => {
      await app.close();
      await fake.close();
    },
  };
}

/** The events the fake emitted for one intent, oldest first. */
export function eventsFor(fake: FakeStripe, intentId: string) {
  return fake.events.filter((e) => (e.data as { object: { id: string } }).object.id === intentId);
}

/** A campaign of 누럭놀이단 from 24 to 30 November 2026, approved (it goes live with the clock). */
export async function liveTestCampaign(t: TestDatabase, app: TestApp, goal: number, fundingModel: FundingModel): Promise<number> {
  const services = app.services;
  const { id } = await createCampaign(t.db, {
    enterpriseId: await enterpriseId(t, "누럭놀이단"),
    userId: await userId(t, "play@hamkke.demo"),
    now: services.clock.now(),
    basics: { title: "Stripe 테스트", summary: "요약", story: "", goal, fundingModel, startsOn: "2026-11-24", endsOn: "2026-11-30" },
  });
  await addBudgetLine(t.db, id, { name: "전체", amount: goal, required: true });
  await submitForReview(t.db, id, services.clock.now());
  await reviewCampaign(services, { campaignId: id, reviewerId: await userId(t, "operator@hamkke.demo"), decision: "approve", comment: "" });
  return id;
}
