import { describe, expect, it } from "vitest";
import { retryDelayMinutes } from "./outbox";

describe("retryDelayMinutes", () => {
  it("doubles and caps at a day", () => {
    expect([1, 2, 3, 4].map(retryDelayMinutes)).toEqual([1, 2, 4, 8]);
    expect(retryDelayMinutes(20)).toBe(1440);
  });
});
