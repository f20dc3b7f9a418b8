import { isSecureOrigin, readCookie, serializeCookie } from "../utils/cookies";
import { resolveLocale, type Locale } from "./locale";

export const LOCALE_COOKIE = "hf_lang";

export function localeOf(request: Request): Locale {
  return resolveLocale(readCookie(request, LOCALE_COOKIE));
}

export function localeCookie(locale: Locale, origin: string): string {
  return serializeCookie(LOCALE_COOKIE, locale, { secure: isSecureOrigin(origin), httpOnly: false, maxAgeSeconds: 60 * 60 * 24 * 365 });
}
