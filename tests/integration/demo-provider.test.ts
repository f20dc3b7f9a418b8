import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DemoPaymentProvider } from "../../app/payments/demo-provider.server";
import { systemClock } from "../../app/utils/clock";
import { createTestDatabase, type TestDatabase } from "../support/db";

// The demo processor answers a repeated request as Stripe's idempotency does: a used key gives
// back what it made the first time, and nothing is made twice.

let t: TestDatabase;
let processor: DemoPaymentProvider;

beforeAll(async () => {
  t = await createTestDatabase();
  processor = new DemoPaymentProvider(t.db, systemClock, 320);
});
afterAll(async () => {
  await t.drop();
});

const intentsWithKeyLike = async (pattern: string) => (await t.db.selectFrom("demo_payment_intents").select("id").where("idempotency_key", "like", pattern).execute()).length;

describe("demo processor, keys used again", () => {
  it("charges a saved card once and answers the same charge for its key", async () => {
    const charge = { customerId: "cus_demo_key", paymentMethodId: "pm_demo_succeeds_4242", methodType: "card" as const, amountWon: 30_000, pledgePublicId: "p-key", idempotencyKey: "charge-key-1" };
    const first = await processor.chargeSaved(charge);
    const again = await processor.chargeSaved(charge);
    expect(first).toMatchObject({ outcome: "succeeded", feeWon: 960 });
    expect(again).toEqual(first);
    expect(await intentsWithKeyLike("charge-key-%")).toBe(1);
  });

  it("answers a declined charge the same way for its key", async () => {
    const charge = { customerId: "cus_demo_key", paymentMethodId: "pm_demo_declined_0002", methodType: "card" as const, amountWon: 30_000, pledgePublicId: "p-key-2", idempotencyKey: "charge-key-2" };
    const first = await processor.chargeSaved(charge);
    expect(first).toMatchObject({ outcome: "declined", declineCode: "card_declined" });
    expect(await processor.chargeSaved(charge)).toEqual(first);
  });

  it("refunds a payment once and answers the same refund for its key", async () => {
    const payment = await processor.chargeSaved({ customerId: "cus_demo_key", paymentMethodId: "pm_demo_succeeds_4242", methodType: "card", amountWon: 10_000, pledgePublicId: "p-key-3", idempotencyKey: "charge-key-3" });
    if (payment.outcome !== "succeeded") throw new Error("the demo card should have paid");
    const refund = { paymentIntentId: payment.paymentIntentId, amountWon: 10_000, idempotencyKey: "refund-key-1" };
    const first = await processor.refund(refund);
    expect(first.status).toBe("succeeded");
    expect(await processor.refund(refund)).toEqual(first);
    expect(await intentsWithKeyLike("refund-key-%")).toBe(1);
  });
});
