import type { IncomingMessage, ServerResponse } from "node:http";
import { Transform, type Readable } from "node:stream";

// Request bodies are capped by kind before they are read: a Content-Length over the cap is
// refused without reading a byte, and a body without one (chunked) is counted as it streams and
// cut off at the cap. Either way the answer is 413 and the connection is closed, so memory stays
// flat whatever the client sends.

export type BodyKind = "form" | "upload" | "webhook" | "api";

const KiB = 1024;
const MiB = 1024 * KiB;

export const BODY_LIMITS: Readonly<Record<BodyKind, number>> = {
  /** URL-encoded forms: the longest text (a 50,000-character story in Hangul) is ~450 KiB encoded. */
  form: 1 * MiB,
  /** Multipart forms with files: documents are up to 20 MiB each, images 5 MiB. */
  upload: 50 * MiB,
  /** Payment processor webhooks (Stripe events are a few KiB). */
  webhook: 256 * KiB,
  /** JSON API requests (a pledge is a few hundred bytes). */
  api: 64 * KiB,
};

export function bodyKind(path: string, contentType: string | undefined): BodyKind {
  if (path.startsWith("/api/webhooks/")) return "webhook";
  if (path.startsWith("/api/")) return "api";
  if (/^\s*multipart\/form-data/i.test(contentType ?? "")) return "upload";
  return "form";
}

function refuse(res: ServerResponse, kind: BodyKind, limit: number): void {
  if (res.headersSent) return;
  const message = `Request body too large: the limit for ${kind === "upload" ? "uploads" : kind === "form" ? "forms" : kind} is ${limit / KiB} KiB.`;
  const korean = "요청 본문이 너무 큽니다.";
  // The client may still be sending: answer, then close instead of reading the rest.
  res.statusCode = 413;
  res.setHeader("Connection", "close");
  if (kind === "api" || kind === "webhook") {
    res.setHeader("Content-Type", "application/json; charset=utf-8");
    res.end(JSON.stringify({ error: "payloadTooLarge", message: `${korean} ${message}` }));
  } else {
    res.setHeader("Content-Type", "text/plain; charset=utf-8");
    res.end(`413 Payload Too Large\n${korean}\n${message}\n`);
  }
}

/**
 * The request's body as a stream that stops at the cap for its kind, or null when the request
 * was refused at once (its declared length is over the cap). Past the cap the stream fails and
 * the 413 is sent; whatever was reading the body then fails too and its response is dropped.
 */
export function limitedBody(req: IncomingMessage, res: ServerResponse, path: string): Readable | null {
  const kind = bodyKind(path, req.headers["content-type"]);
  const limit = BODY_LIMITS[kind];
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > limit) {
    refuse(res, kind, limit);
    req.pause();
    return null;
  }
  let seen = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen <= limit) {
        done(null, chunk);
        return;
      }
      req.unpipe(counter);
      req.pause();
      refuse(res, kind, limit);
      done(new PayloadTooLargeError(limit));
    },
  });
  req.on("error", (error) => counter.destroy(error));
  return req.pipe(counter);
}

export class PayloadTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body over ${limit} bytes`);
    this.name = "PayloadTooLargeError";
  }
}
