import { seoulDate } from "../../app/utils/dates";

const DAY_MS = 86_400_000;

/**
 * The Seoul calendar date `days` from now by the real clock, which the browser tier's server reads
 * (real time plus the demo clock's offset, zero in a fresh database). Tests type these instead of
 * calendar dates, so they pass on any day.
 */
export function seoulDateInDays(days: number): string {
  return seoulDate(new Date(Date.now() + days * DAY_MS));
}

/** The Seoul calendar month (YYYY-MM) `days` from now, for month fields such as a reward's delivery. */
export function seoulMonthInDays(days: number): string {
  return seoulDateInDays(days).slice(0, 7);
}

/** The Seoul calendar date `days` after `base` (the injected clock's now), for tests on a fixed clock. */
export function seoulDateAfter(base: Date, days: number): string {
  return seoulDate(new Date(base.getTime() + days * DAY_MS));
}

const inThreeYears = seoulDateInDays(3 * 365);

/**
 * A card expiry (MM/YY) about three years after today by the real clock: accepted by the demo
 * card check on any day the tests run, also on a fixed test clock in the past or after the demo
 * clock or time travel moved a few hundred days ahead.
 */
export const CARD_EXPIRY = `${inThreeYears.slice(5, 7)}/${inThreeYears.slice(2, 4)}`;
