import type { IncomingMessage, ServerResponse } from "node:http";
import { Transform, type Readable } from "node:stream";

// Request bodies are capped by kind before they are read: a Content-Length over the cap is
// refused without reading a byte of the body, and a body without one (chunked) is counted as it
// streams and cut off at the cap. Either way the answer is 413, nothing more is kept and the
// connection is closed, so memory stays flat whatever the client sends.

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

/** How long, and how much, of a refused body is read and dropped before the connection is closed. */
const LINGER_MS = 2000;
const LINGER_BYTES = 8 * MiB;

function refuse(req: IncomingMessage, res: ServerResponse, kind: BodyKind, limit: number): void {
  if (res.headersSent) return;
  const message = `Request body too large: the limit for ${kind === "upload" ? "uploads" : kind === "form" ? "forms" : kind} is ${limit / KiB} KiB.`;
  const korean = "요청 본문이 너무 큽니다.";
  const json = kind === "api" || kind === "webhook";
  const body = Buffer.from(json ? JSON.stringify({ error: "payloadTooLarge", message: `${korean} ${message}` }) : `413 Payload Too Large\n${korean}\n${message}\n`);
  res.writeHead(413, {
    "Content-Type": json ? "application/json; charset=utf-8" : "text/plain; charset=utf-8",
    "Content-Length": String(body.length),
    Connection: "close",
  });
  // The whole answer goes out now; the response ends (and the connection closes) after lingering.
  res.write(body);
  linger(req, () => res.end());
}

/**
 * The client may still be sending. Closing a connection with unread data resets it, and the
 * client can lose the 413 it was sent; so what follows is read and dropped (never kept) until the
 * body ends, for LINGER_MS or LINGER_BYTES at most, and only then is the connection closed.
 */
function linger(req: IncomingMessage, done: () => void): void {
  let dropped = 0;
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    req.off("data", drop);
    done();
  };
  const drop = (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > LINGER_BYTES) finish();
  };
  const timer = setTimeout(finish, LINGER_MS);
  req.on("data", drop);
  req.once("end", finish);
  req.once("close", finish);
  req.resume();
}

/**
 * The request's body as a stream that stops at the cap for its kind, or null when the request
 * was refused at once (its declared length is over the cap). Past the cap the stream fails and
 * the 413 is sent and `onRefused` called; whatever was reading the body then fails too and its
 * response is dropped.
 */
export function limitedBody(req: IncomingMessage, res: ServerResponse, path: string, onRefused: () => void): Readable | null {
  const kind = bodyKind(path, req.headers["content-type"]);
  const limit = BODY_LIMITS[kind];
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > limit) {
    refuse(req, res, kind, limit);
    onRefused();
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
      refuse(req, res, kind, limit);
      onRefused();
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
