import { describe, expect, it } from "vitest";
import { declineMessage, isRedirectMethod, offeredMethods, parseMethodList, PAYMENT_METHOD_TYPES, SAMSUNG_PAY_MAX_WON } from "./methods";

const ALL = PAYMENT_METHOD_TYPES;

describe("offeredMethods", () => {
  it("offers only what Stripe can save for an all-or-nothing pledge: no PAYCO, no Samsung Pay", () => {
    expect(offeredMethods(ALL, { kind: "setup" })).toEqual(["kr_card", "kakao_pay", "naver_pay", "card"]);
  });

  it("offers every method for a payment made now, in display order", () => {
    expect(offeredMethods(ALL, { kind: "payment", amountWon: 10_000 })).toEqual(["kr_card", "kakao_pay", "naver_pay", "payco", "samsung_pay", "card"]);
  });

  it("keeps Samsung Pay to 2,000,000 won a payment", () => {
    expect(offeredMethods(ALL, { kind: "payment", amountWon: SAMSUNG_PAY_MAX_WON })).toContain("samsung_pay");
    expect(offeredMethods(ALL, { kind: "payment", amountWon: SAMSUNG_PAY_MAX_WON + 1 })).toEqual(["kr_card", "kakao_pay", "naver_pay", "payco", "card"]);
  });

  it("offers no Korean method below 100 won, where Stripe refuses them", () => {
    expect(offeredMethods(ALL, { kind: "payment", amountWon: 99 })).toEqual(["card"]);
    expect(offeredMethods(ALL, { kind: "payment", amountWon: 100 })).toHaveLength(6);
  });

  it("offers only what the provider has enabled", () => {
    expect(offeredMethods(["card", "payco"], { kind: "setup" })).toEqual(["card"]);
    expect(offeredMethods(["payco", "card"], { kind: "payment", amountWon: 5_000 })).toEqual(["payco", "card"]);
    expect(offeredMethods([], { kind: "payment", amountWon: 5_000 })).toEqual([]);
  });
});

describe("parseMethodList", () => {
  it("reads a configured list into display order, ignoring spaces and empty items", () => {
    expect(parseMethodList(" card, kakao_pay ,,kr_card")).toEqual({ ok: true, methods: ["kr_card", "kakao_pay", "card"] });
    expect(parseMethodList("")).toEqual({ ok: true, methods: [] });
  });

  it("names the first unknown method", () => {
    expect(parseMethodList("card,toss_pay,kakao")).toEqual({ ok: false, unknown: "toss_pay" });
  });
});

describe("declineMessage and redirect methods", () => {
  it("tells a wallet the payer left apart from one the provider declined", () => {
    expect(declineMessage("payment_intent_authentication_failure")).toBe("walletNotApproved");
    expect(declineMessage("setup_intent_authentication_failure")).toBe("walletNotApproved");
    expect(declineMessage("payment_method_provider_decline")).toBe("walletDeclined");
    expect(declineMessage("insufficient_funds")).toBe("cardInsufficientFunds");
    expect(declineMessage("something_new")).toBe("cardDeclined");
  });

  it("confirms every Korean method on the provider's page, cards typed in on ours", () => {
    expect(PAYMENT_METHOD_TYPES.filter(isRedirectMethod)).toEqual(["kr_card", "kakao_pay", "naver_pay", "payco", "samsung_pay"]);
  });
});
