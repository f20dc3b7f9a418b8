// The one check for every return target a request names (`next` after log-in, after a language
// switch…). A target is followed only when it is a path on this site; anything else — another
// origin, `//host`, a scheme, control characters or backslashes that browsers silently drop or
// turn into slashes — goes to the fallback.

import { hasControlCharacter } from "./control-characters";

const BASE = new URL("http://same-origin.invalid/");
const MAX_LENGTH = 2000;

export function safeRedirect(target: unknown, fallback = "/"): string {
  if (typeof target !== "string" || target.length === 0 || target.length > MAX_LENGTH) return fallback;
  if (hasControlCharacter(target, { allowLineBreaks: false }) || target.includes("\\")) return fallback;
  if (!target.startsWith("/") || target.startsWith("//")) return fallback;
  let url: URL;
  try {
    url = new URL(target, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE.origin) return fallback;
  // What is followed is the parsed URL re-serialised, so it is exactly what was checked.
  return `${url.pathname}${url.search}${url.hash}`;
}
