import { describe, expect, it } from "vitest";
import { checkCard, luhnValid } from "./demo-cards";
import { processorFeeWon } from "./fees";

describe("checkCard", () => {
  const today = "2026-11-24";
  it("knows the test cards", () => {
    expect(checkCard({ number: "4242 4242 4242 4242", expiry: "12/30", cvc: "123" }, today)).toMatchObject({ ok: true, card: { last4: "4242", behaviour: "succeeds" } });
    expect(checkCard({ number: "4000000000000002", expiry: "12/30", cvc: "123" }, today)).toMatchObject({ ok: true, card: { behaviour: "declined" } });
    expect(checkCard({ number: "4000 0000 0000 3220", expiry: "12/30", cvc: "123" }, today)).toMatchObject({ ok: true, card: { behaviour: "requires_authentication" } });
  });
  it("refuses bad numbers, past expiries and bad CVCs", () => {
    expect(checkCard({ number: "4242 4242 4242 4241", expiry: "12/30", cvc: "123" }, today)).toMatchObject({ ok: false, field: "cardNumber" });
    expect(checkCard({ number: "4242424242424242", expiry: "10/26", cvc: "123" }, today)).toMatchObject({ ok: false, field: "cardExpiry" });
    expect(checkCard({ number: "4242424242424242", expiry: "11/26", cvc: "123" }, today)).toMatchObject({ ok: true });
    expect(checkCard({ number: "4242424242424242", expiry: "13/30", cvc: "123" }, today)).toMatchObject({ ok: false, field: "cardExpiry" });
    expect(checkCard({ number: "4242424242424242", expiry: "12/30", cvc: "12" }, today)).toMatchObject({ ok: false, field: "cardCvc" });
  });
  it("implements Luhn", () => {
    expect(luhnValid("79927398713")).toBe(true);
    expect(luhnValid("79927398710")).toBe(false);
  });
});

describe("processorFeeWon", () => {
  it("truncates to the won", () => {
    expect(processorFeeWon(10_000, 320)).toBe(320);
    expect(processorFeeWon(33_333, 320)).toBe(1066);
    expect(processorFeeWon(999, 320)).toBe(31);
    expect(() => processorFeeWon(1.5, 320)).toThrow(RangeError);
  });
});
