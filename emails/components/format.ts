import type { EmailLocale } from "./strings";

export function won(amount: number, locale: EmailLocale): string {
  const digits = new Intl.NumberFormat("ko-KR").format(amount);
  return locale === "ko" ? `${digits}원` : `₩${digits}`;
}
