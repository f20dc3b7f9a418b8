import type { Locale } from "../i18n/locale";

export const SEOUL_TZ = "Asia/Seoul";

/** The Asia/Seoul calendar date of an instant, as YYYY-MM-DD. */
export function seoulDate(at: Date): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: SEOUL_TZ, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
}

/** The instant a Seoul calendar day begins (00:00 KST = 15:00 UTC the day before). */
export function startOfSeoulDay(isoDate: string): Date {
  return new Date(`${isoDate}T00:00:00+09:00`);
}

/** The instant just after a Seoul calendar day ends: deadlines are inclusive of their whole day. */
export function endOfSeoulDay(isoDate: string): Date {
  return new Date(startOfSeoulDay(isoDate).getTime() + 86_400_000);
}

export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

/** Whole Seoul days from `today` until the end of `isoDate` (0 on the last day). */
export function daysLeft(today: string, isoDate: string): number {
  const ms = new Date(`${isoDate}T00:00:00Z`).getTime() - new Date(`${today}T00:00:00Z`).getTime();
  return Math.max(0, Math.round(ms / 86_400_000));
}

export function formatDate(isoDate: string, locale: Locale): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  return new Intl.DateTimeFormat(locale === "ko" ? "ko-KR" : "en-GB", {
    timeZone: "UTC",
    year: "numeric",
    month: locale === "ko" ? "long" : "short",
    day: "numeric",
  }).format(date);
}

export function formatDateTime(at: Date | string | null, locale: Locale): string {
  if (at === null) return "";
  // 24-hour clock: the day-period words (오전/오후) depend on the ICU data Node was built with, so
  // the server and the browser could render the same time differently.
  return new Intl.DateTimeFormat(locale === "ko" ? "ko-KR" : "en-GB", {
    timeZone: SEOUL_TZ,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(new Date(at));
}
