import { describe, expect, it } from "vitest";
import { formatWon, formatWonShort, parseWonInput, percentOf } from "./money";

describe("formatWon", () => {
  it("formats whole won the Korean way", () => {
    expect(formatWon(9_600_000)).toBe("9,600,000원");
    expect(formatWon(0)).toBe("0원");
    expect(formatWon(9_600_000, "en")).toBe("₩9,600,000");
  });
});

describe("formatWonShort", () => {
  it("uses 만 and 억 units", () => {
    expect(formatWonShort(9_600_000)).toBe("960만원");
    expect(formatWonShort(100_000_000)).toBe("1억원");
    expect(formatWonShort(118_700_000)).toBe("1억 1,870만원");
    expect(formatWonShort(5_000)).toBe("5,000원");
  });
  it("uses K/M/B in English, never rounding up", () => {
    expect(formatWonShort(9_600_000, "en")).toBe("₩9.6M");
    expect(formatWonShort(3_749_999, "en")).toBe("₩3.7M");
    expect(formatWonShort(100_000_000, "en")).toBe("₩100M");
    expect(formatWonShort(950, "en")).toBe("₩950");
  });
});

describe("parseWonInput", () => {
  it("accepts digits with separators and a trailing 원", () => {
    expect(parseWonInput("10000")).toBe(10_000);
    expect(parseWonInput(" 1,000,000 ")).toBe(1_000_000);
    expect(parseWonInput("50,000원")).toBe(50_000);
  });
  it.each(["", "-5", "1.5", "1e6", "abc", "0x10", "１０００", "99999999999999", "10 000 000 000 0"])("refuses %j", (input) => {
    expect(parseWonInput(input)).toBeNull();
  });
});

describe("percentOf", () => {
  it("floors and never divides by zero", () => {
    expect(percentOf(3_740_000, 3_000_000)).toBe(124);
    expect(percentOf(2_999_999, 3_000_000)).toBe(99);
    expect(percentOf(5, 0)).toBe(0);
  });
});
