import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { createReadableStreamFromReadable, createRequestHandler, type ServerBuild } from "@remix-run/node";
import express from "express";
import { checkMutation } from "../utils/csrf.server";
import { limitedBody } from "./body-limit";
import { isLocalRequest } from "./client-address";
import { isInvalidHeaderValue, refuseMalformed, refusedAsMalformed } from "./request-guard";
import type { Services } from "./services";

function securityHeaders(stripe: boolean): Record<string, string> {
  // Stripe.js (card entry) is allowed only when Stripe is the payment provider.
  const stripeScript = stripe ? " https://js.stripe.com" : "";
  const stripeFrame = stripe ? "frame-src https://js.stripe.com https://hooks.stripe.com; " : "";
  const stripeConnect = stripe ? " https://api.stripe.com" : "";
  return {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Content-Security-Policy":
      `default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'${stripeScript}; ` +
      `${stripeFrame}connect-src 'self'${stripeConnect}; frame-ancestors 'none'; base-uri 'self'; form-action 'self'`,
  };
}

export interface HttpServerOptions {
  build: ServerBuild;
  services: Services;
  assetsDir: string;
  trustProxy: boolean;
  /** Origins whose forms may post here (the public origin, plus 127.0.0.1 for a local demo). */
  allowedOrigins: readonly string[];
  mode: "development" | "production" | "test";
}

/** The Fetch request Remix reads, or null when it was refused already (a body over its limit). */
function toFetchRequest(req: express.Request, res: express.Response): Request | null {
  const url = new URL(`${req.protocol}://${req.get("host") ?? "localhost"}${req.originalUrl}`);
  const headers = new Headers();
  for (const [key, values] of Object.entries(req.headers)) {
    if (values === undefined) continue;
    for (const value of Array.isArray(values) ? values : [values]) headers.append(key, value);
  }
  const controller = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  const init: RequestInit & { duplex?: "half" } = { method: req.method, headers, signal: controller.signal };
  if (req.method !== "GET" && req.method !== "HEAD") {
    // A refused body ends the request for whatever is reading it, quietly.
    const body = limitedBody(req, res, url.pathname, () => controller.abort());
    if (!body) return null;
    init.body = createReadableStreamFromReadable(body);
    init.duplex = "half";
  }
  return new Request(url.href, init);
}

async function sendFetchResponse(res: express.Response, response: Response): Promise<void> {
  if (res.headersSent) {
    // Answered already (a body over its limit): what Remix made of the cut-off request is dropped.
    await response.body?.cancel();
    return;
  }
  res.statusMessage = response.statusText;
  res.status(response.status);
  for (const [key, value] of response.headers.entries()) res.append(key, value);
  if (response.body) {
    // With backpressure: a streamed export is produced only as fast as the client reads it.
    try {
      await pipeline(Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>), res);
    } catch (error) {
      // The client went away mid-stream: the source was cancelled, nothing more to do.
      if (!res.headersSent || (error as { code?: string }).code !== "ERR_STREAM_PREMATURE_CLOSE") throw error;
    }
  } else {
    res.end();
  }
}

export function createHttpApp(options: HttpServerOptions): express.Express {
  const app = express();
  app.disable("x-powered-by");
  // One proxy hop: the client address is the one our proxy saw, not what the client claims.
  if (options.trustProxy) app.set("trust proxy", 1);

  const headers = securityHeaders(options.services.payments.name === "stripe");
  app.use((_req, res, next) => {
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    if (options.services.origin.startsWith("https://")) {
      res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    }
    next();
  });
  app.use((req, res, next) => {
    if (!refusedAsMalformed(req, res)) next();
  });
  app.use("/build", express.static(`${options.assetsDir}/build`, { immutable: true, maxAge: "1y" }));
  app.use(express.static(options.assetsDir, { maxAge: "1h" }));

  const handle = createRequestHandler(options.build, options.mode);
  const { allowedOrigins } = options;

  app.all("*", async (req, res, next) => {
    try {
      const request = toFetchRequest(req, res);
      if (!request) return;
      const refusal = await checkMutation(request, allowedOrigins);
      if (refusal) {
        await sendFetchResponse(res, refusal);
        return;
      }
      const clientIsLocal = isLocalRequest(req, { trustProxy: options.trustProxy, clientIp: req.ip });
      const response = await handle(request, { services: options.services, clientIp: req.ip ?? null, clientIsLocal });
      await sendFetchResponse(res, response);
    } catch (error) {
      if (res.headersSent && res.statusCode === 413) return;
      if (!res.headersSent && isInvalidHeaderValue(error)) {
        refuseMalformed(res, "a value that cannot be sent in a header");
        return;
      }
      next(error);
    }
  });
  return app;
}
