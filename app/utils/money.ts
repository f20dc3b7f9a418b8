import type { Locale } from "../i18n/locale";

const fullFormat = new Intl.NumberFormat("ko-KR");

/** 9600000 → "9,600,000원" (ko) / "₩9,600,000" (en). */
export function formatWon(amountWon: number, locale: Locale = "ko"): string {
  const digits = fullFormat.format(amountWon);
  return locale === "ko" ? `${digits}원` : `₩${digits}`;
}

/** Short form for cards and charts: 9600000 → "960만원" / "₩9.6M". */
export function formatWonShort(amountWon: number, locale: Locale = "ko"): string {
  const sign = amountWon < 0 ? "-" : "";
  const abs = Math.abs(amountWon);
  if (locale === "en") {
    if (abs >= 1_000_000_000) return `${sign}₩${trimDecimal(abs / 1_000_000_000)}B`;
    if (abs >= 1_000_000) return `${sign}₩${trimDecimal(abs / 1_000_000)}M`;
    if (abs >= 1_000) return `${sign}₩${trimDecimal(abs / 1_000)}K`;
    return `${sign}₩${abs}`;
  }
  const eok = Math.floor(abs / 100_000_000);
  const man = Math.floor((abs % 100_000_000) / 10_000);
  if (eok > 0) return `${sign}${eok}억${man > 0 ? ` ${fullFormat.format(man)}만` : ""}원`;
  if (man > 0) return `${sign}${fullFormat.format(man)}만원`;
  return `${sign}${fullFormat.format(abs)}원`;
}

function trimDecimal(value: number): string {
  return (Math.floor(value * 10) / 10).toString();
}

/** Percent of goal reached, floored, for progress bars. */
export function percentOf(amountWon: number, goalWon: number): number {
  if (goalWon <= 0) return 0;
  return Math.floor((amountWon * 100) / goalWon);
}

export const MAX_WON = 10_000_000_000;

/**
 * Reads a won amount typed by a person: digits with optional thousands separators and an
 * optional trailing 원. Decimals, signs, exponents and anything else are refused.
 */
export function parseWonInput(input: string): number | null {
  const cleaned = input.trim().replace(/원$/u, "").replace(/[,\s]/g, "");
  if (!/^\d{1,11}$/.test(cleaned)) return null;
  const value = Number(cleaned);
  return Number.isSafeInteger(value) ? value : null;
}
