import type { IncomingMessage, ServerResponse } from "node:http";
import { hasControlCharacter } from "../utils/control-characters";

// Requests no page or API can mean, refused before Remix sees them, so they end as a 400 and
// never reach a query (PostgreSQL refuses NUL in text, which would be a 500): a NUL byte
// anywhere in the URL, control characters or broken percent-encoding in the path, a Host that
// is not a host. Header values with NUL or line breaks are refused by Node's parser already.

/** Why the request line cannot be served, or null when it can. */
export function malformedRequest(rawUrl: string, host: string | undefined): string | null {
  if (/%00/i.test(rawUrl) || rawUrl.includes("\u0000")) return "NUL byte in the URL";
  const queryAt = rawUrl.indexOf("?");
  const path = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return "broken percent-encoding in the path";
  }
  if (hasControlCharacter(decoded, { allowLineBreaks: false })) return "control character in the path";
  try {
    new URL(`http://${host ?? "localhost"}/`);
  } catch {
    return "invalid Host header";
  }
  return null;
}

export function refuseMalformed(res: ServerResponse, reason: string): void {
  res.statusCode = 400;
  res.setHeader("Content-Type", "text/plain; charset=utf-8");
  res.end(`400 Bad Request: ${reason}\n잘못된 요청입니다.\n`);
}

/** Guards the request line; true when it was refused (the response is sent). */
export function refusedAsMalformed(req: IncomingMessage, res: ServerResponse): boolean {
  const reason = malformedRequest(req.url ?? "/", req.headers.host);
  if (reason === null) return false;
  refuseMalformed(res, reason);
  return true;
}

/** A header value built from a request that the Fetch API refuses (a last line of defence). */
export function isInvalidHeaderValue(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return code === "ERR_INVALID_CHAR" || code === "ERR_HTTP_INVALID_HEADER_VALUE" || /invalid header value/i.test(error.message);
}
