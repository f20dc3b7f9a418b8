import { readdirSync } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { createReadableStreamFromReadable, createRequestHandler, type ServerBuild } from "@remix-run/node";
import express from "express";
import { LOCALE_COOKIE } from "../i18n/locale.server";
import { dataVersionSource } from "../page-cache/data-version.server";
import { createPageCache, type PageCache, type PageCacheSettings } from "../page-cache/page-cache.server";
import { checkMutation } from "../utils/csrf.server";
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
  /** Shared renderings of public pages for anonymous visitors (null: every request rendered). */
  pageCache: (PageCacheSettings & { versionMaxAgeMs: number; clockVersion?: () => string }) | null;
}

function toFetchRequest(req: express.Request, res: express.Response): Request {
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
    init.body = createReadableStreamFromReadable(req);
    init.duplex = "half";
  }
  return new Request(url.href, init);
}

async function sendFetchResponse(res: express.Response, response: Response): Promise<void> {
  res.statusMessage = response.statusText;
  res.status(response.status);
  for (const [key, value] of response.headers.entries()) res.append(key, value);
  // Rendered for this visitor (signed in, or carrying their CSRF token): no cache may keep it.
  if (!response.headers.has("Cache-Control")) res.setHeader("Cache-Control", "private, no-store");
  if (response.body) {
    // With backpressure: a streamed export is produced only as fast as the client reads it.
    try {
      await pipeline(Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>), res);
    } catch (error) {
      // The client went away mid-stream: the source was cancelled, nothing more to do.
      if ((error as { code?: string }).code !== "ERR_STREAM_PREMATURE_CLOSE") throw error;
    }
  } else {
    res.end();
  }
}

export function createHttpApp(options: HttpServerOptions): express.Express {
  const app = express();
  app.disable("x-powered-by");
  // Requests reach Remix as Fetch requests built from the raw URL: Express's query parsing is unused.
  app.set("query parser", false);
  if (options.trustProxy) app.set("trust proxy", true);

  const headers = securityHeaders(options.services.payments.name === "stripe");
  app.use((_req, res, next) => {
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    if (options.services.origin.startsWith("https://")) {
      res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    }
    next();
  });
  app.use("/build", express.static(`${options.assetsDir}/build`, { immutable: true, maxAge: "1y" }));
  // Other files of the assets directory are looked up only under their own top-level names, not for every page.
  const assetRoots = new Set(readdirSync(options.assetsDir).filter((name) => name !== "build").map((name) => `/${name}`));
  if (assetRoots.size > 0) {
    const assets = express.static(options.assetsDir, { maxAge: "1h" });
    app.use((req, res, next) => (assetRoots.has(req.path.replace(/^(\/[^/]*).*$/s, "$1")) ? assets(req, res, next) : next()));
  }

  const handle = createRequestHandler(options.build, options.mode);
  const { allowedOrigins, services } = options;
  const pageCache: PageCache | null = options.pageCache
    ? createPageCache({
        settings: options.pageCache,
        versions: dataVersionSource(services.db, options.pageCache.versionMaxAgeMs),
        // The demo clock's distance from real time: moving it renders every page again.
        clockVersion: options.pageCache.clockVersion ?? (() => String(Math.round((services.clock.now().getTime() - Date.now()) / 1000))),
        render: async (pathAndQuery, locale) => {
          // Only the language cookie, and our own origin whatever the Host header said.
          const request = new Request(`${services.origin}${pathAndQuery}`, { headers: { Cookie: `${LOCALE_COOKIE}=${locale}` } });
          const response = await handle(request, { services, clientIp: null, sharedRendering: true });
          return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
        },
        log: (line) => console.error(line),
      })
    : null;

  app.all("*", async (req, res, next) => {
    try {
      if (pageCache?.accepts(req)) {
        await pageCache.serve(req, res);
        return;
      }
      const request = toFetchRequest(req, res);
      const refusal = await checkMutation(request, allowedOrigins);
      if (refusal) {
        await sendFetchResponse(res, refusal);
        return;
      }
      const response = await handle(request, { services, clientIp: req.ip ?? null, sharedRendering: false });
      await sendFetchResponse(res, response);
    } catch (error) {
      next(error);
    }
  });
  return app;
}
