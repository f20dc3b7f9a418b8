import type { Locale } from "../i18n/locale";

export const SEOUL_TZ = "Asia/Seoul";

// Formatters are made once: making one costs far more than formatting with it (making them per
// call was 3–4 % of a web process's CPU under the pledge API).
const seoulDayFormat = new Intl.DateTimeFormat("en-CA", { timeZone: SEOUL_TZ, year: "numeric", month: "2-digit", day: "2-digit" });

/** The Asia/Seoul calendar date of an instant, as YYYY-MM-DD. */
export function seoulDate(at: Date): string {
  return seoulDayFormat.format(at);
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

const dateFormats: Record<Locale, Intl.DateTimeFormat> = {
  ko: new Intl.DateTimeFormat("ko-KR", { timeZone: "UTC", year: "numeric", month: "long", day: "numeric" }),
  en: new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", year: "numeric", month: "short", day: "numeric" }),
};

export function formatDate(isoDate: string, locale: Locale): string {
  return dateFormats[locale].format(new Date(`${isoDate}T00:00:00Z`));
}

// 24-hour clock: the day-period words (오전/오후) depend on the ICU data Node was built with, so
// the server and the browser could render the same time differently.
const dateTimeOptions: Intl.DateTimeFormatOptions = { timeZone: SEOUL_TZ, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
const dateTimeFormats: Record<Locale, Intl.DateTimeFormat> = {
  ko: new Intl.DateTimeFormat("ko-KR", dateTimeOptions),
  en: new Intl.DateTimeFormat("en-GB", dateTimeOptions),
};

export function formatDateTime(at: Date | string | null, locale: Locale): string {
  if (at === null) return "";
  return dateTimeFormats[locale].format(new Date(at));
}
