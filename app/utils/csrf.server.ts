import { isSecureOrigin, readCookie, serializeCookie } from "./cookies";
import { newToken, tokensEqual } from "./tokens.server";

export const CSRF_COOKIE = "hf_csrf";
export const CSRF_FIELD = "csrf";
export const CSRF_HEADER = "x-csrf-token";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
/** Routes authenticated by a signature instead of a browser session. */
const SIGNED_PREFIXES = ["/api/webhooks/"];

/** The page's token, and a Set-Cookie when the visitor has none yet. */
export function ensureCsrfToken(request: Request, origin: string): { token: string; setCookie: string | null } {
  const existing = readCookie(request, CSRF_COOKIE);
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return { token: existing, setCookie: null };
  const token = newToken();
  return { token, setCookie: csrfCookie(token, origin) };
}

/** A fresh token, set on log-in so a token seen before authentication is not reused after. */
export function csrfCookie(token: string, origin: string): string {
  return serializeCookie(CSRF_COOKIE, token, { secure: isSecureOrigin(origin), maxAgeSeconds: 60 * 60 * 24 * 30 });
}

function refuse(reason: string): Response {
  return new Response(`403 Forbidden: ${reason}\n요청이 거부되었습니다. 페이지를 새로 고친 뒤 다시 시도하세요.\n`, {
    status: 403,
    headers: { "Content-Type": "text/plain; charset=utf-8" },
  });
}

function requestOrigin(request: Request): string | null {
  const origin = request.headers.get("Origin");
  if (origin && origin !== "null") return origin;
  const referer = request.headers.get("Referer");
  if (!referer) return null;
  try {
    return new URL(referer).origin;
  } catch {
    return null;
  }
}

/**
 * Every mutating request passes here before Remix sees it: the Origin (or Referer) must be ours
 * and the double-submit token (form field or header) must equal the HttpOnly cookie.
 * Returns the refusal, or null to let the request through.
 */
export async function checkMutation(request: Request, allowedOrigins: readonly string[]): Promise<Response | null> {
  if (SAFE_METHODS.has(request.method)) return null;
  const path = new URL(request.url).pathname;
  if (SIGNED_PREFIXES.some((prefix) => path.startsWith(prefix))) return null;

  const origin = requestOrigin(request);
  if (!origin || !allowedOrigins.includes(origin)) return refuse("cross-origin request");

  const cookieToken = readCookie(request, CSRF_COOKIE);
  if (!cookieToken) return refuse("missing CSRF cookie");

  let submitted = request.headers.get(CSRF_HEADER);
  if (!submitted) {
    const type = request.headers.get("Content-Type") ?? "";
    if (type.includes("application/x-www-form-urlencoded") || type.includes("multipart/form-data")) {
      try {
        const value = (await request.clone().formData()).get(CSRF_FIELD);
        submitted = typeof value === "string" ? value : null;
      } catch {
        return new Response("400 Bad Request: unreadable form\n", { status: 400 });
      }
    }
  }
  if (!submitted || !tokensEqual(submitted, cookieToken)) return refuse("missing or wrong CSRF token");
  return null;
}
