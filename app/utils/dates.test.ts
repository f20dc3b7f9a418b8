import { describe, expect, it } from "vitest";
import { daysLeft, endOfSeoulDay, formatDate, formatDateTime, isIsoDate, seoulDate, startOfSeoulDay } from "./dates";

describe("Seoul calendar dates", () => {
  it("takes the date in Asia/Seoul, not UTC", () => {
    expect(seoulDate(new Date("2016-03-15T14:59:59Z"))).toBe("2016-03-15");
    expect(seoulDate(new Date("2016-03-15T15:00:00Z"))).toBe("2016-03-16");
  });
  it("bounds a day in KST", () => {
    expect(startOfSeoulDay("2016-01-25").toISOString()).toBe("2016-01-24T15:00:00.000Z");
    expect(endOfSeoulDay("2016-03-15").toISOString()).toBe("2016-03-15T15:00:00.000Z");
  });
  it("validates real dates only", () => {
    expect(isIsoDate("2016-02-29")).toBe(true);
    expect(isIsoDate("2017-02-29")).toBe(false);
    expect(isIsoDate("2016-13-01")).toBe(false);
    expect(isIsoDate("16-01-01")).toBe(false);
  });
  it("counts days left, 0 on the last day", () => {
    expect(daysLeft("2016-03-10", "2016-03-15")).toBe(5);
    expect(daysLeft("2016-03-15", "2016-03-15")).toBe(0);
    expect(daysLeft("2016-03-20", "2016-03-15")).toBe(0);
  });
  it("formats in both languages", () => {
    expect(formatDate("2016-01-25", "ko")).toBe("2016년 1월 25일");
    expect(formatDate("2016-01-25", "en")).toBe("25 Jan 2016");
  });
  it("formats instants in Seoul time on a 24-hour clock, the same in Node and in browsers", () => {
    expect(formatDateTime("2026-11-22T21:05:00Z", "ko")).toBe("2026. 11. 23. 06:05");
    expect(formatDateTime("2026-11-22T21:05:00Z", "en")).toBe("23/11/2026, 06:05");
  });
});
