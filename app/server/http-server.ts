import { randomUUID, timingSafeEqual } from "node:crypto";
import { readdirSync } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { createReadableStreamFromReadable, createRequestHandler, type ServerBuild } from "@remix-run/node";
import express from "express";
import { sql } from "kysely";
import { LOCALE_COOKIE } from "../i18n/locale.server";
import { dataVersionSource } from "../page-cache/data-version.server";
import { createPublicReads } from "./public-reads.server";
import { createPageCache, PAGE_CACHE_SETTINGS, type PageCache, type PageCacheSettings } from "../page-cache/page-cache.server";
import { checkMutation } from "../utils/csrf.server";
import { limitedBody } from "./body-limit";
import { precompressedAssets } from "./compressed-assets.server";
import { isLocalRequest } from "./client-address";
import { createLoadShedder, type LoadLimits } from "./load-shedding.server";
import { metricsText, type MetricsText } from "./metrics.server";
import { isInvalidHeaderValue, refuseMalformed, refusedAsMalformed } from "./request-guard";
import { createRoutePatternMatcher } from "./route-patterns";
import type { Services } from "./services";

/** A readiness probe answers in bounded time: a database that accepts but never replies is not ready. */
const READINESS_TIMEOUT_MS = 2_000;

async function databaseReadiness(services: Services): Promise<"up" | "down" | "timeout"> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((done) => (timer = setTimeout(() => done("timeout"), READINESS_TIMEOUT_MS)));
  const answered = sql`SELECT 1`.execute(services.db).then(
    () => "up" as const,
    () => "down" as const,
  );
  try {
    return await Promise.race([answered, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

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
  limits: LoadLimits;
  /** Bearer token that opens /metrics on this port; without it /metrics is not served here. */
  metricsToken: string | null;
  /** The metrics a scrape gets: this process's by default, the whole cluster's under WEB_CONCURRENCY. */
  collectMetrics?: () => Promise<MetricsText>;
  /** Shared renderings of public pages for anonymous visitors (null: every request rendered). */
  pageCache: (PageCacheSettings & { versionMaxAgeMs: number; clockVersion?: () => string }) | null;
  /** Names this web process in every response's `X-Served-By` (its number in the cluster), so an operator can tell which one answered. */
  servedBy?: string;
}

export interface HttpApp {
  handler: express.Express;
  /** From now on: not ready (/healthz 503), and every response closes its connection. */
  startDraining(): void;
  /** Resolves when no request is in flight. */
  whenIdle(): Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

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

// Pages and JSON are made whole in memory (renderToString, json()): sent in one write, without a
// stream pipeline (a 404 page: 2.4 ms of CPU instead of 2.8–3.3). Exports and files stream with backpressure.
const WHOLE_BODY = /^(text\/html|application\/json)\b/;

async function sendFetchResponse(res: express.Response, response: Response): Promise<void> {
  if (res.headersSent) {
    // Answered already (a body over its limit): what Remix made of the cut-off request is dropped.
    await response.body?.cancel();
    return;
  }
  res.statusMessage = response.statusText;
  res.status(response.status);
  for (const [key, value] of response.headers.entries()) res.append(key, value);
  // Rendered for this visitor (signed in, or carrying their CSRF token): no cache may keep it.
  if (!response.headers.has("Cache-Control")) res.setHeader("Cache-Control", "private, no-store");
  if (response.body && WHOLE_BODY.test(response.headers.get("Content-Type") ?? "")) {
    res.end(Buffer.from(await response.arrayBuffer()));
  } else if (response.body) {
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

/** Serves the product's metrics in the Prometheus text format. */
async function sendMetrics(res: express.Response, collect: () => Promise<MetricsText>): Promise<void> {
  const { contentType, body } = await collect();
  res.status(200).set({ "Content-Type": contentType, "Cache-Control": "no-store" }).end(body);
}

export function createHttpApp(options: HttpServerOptions): HttpApp {
  const { services } = options;
  const app = express();
  app.disable("x-powered-by");
  // Requests reach Remix as Fetch requests built from the raw URL: Express's query parsing is unused.
  app.set("query parser", false);
  // One proxy hop: the client address is the one our proxy saw, not what the client claims.
  if (options.trustProxy) app.set("trust proxy", 1);
  let draining = false;
  let inFlight = 0;
  const idle: (() => void)[] = [];
  const routeOf = createRoutePatternMatcher(options.build.routes);

  // One log line and one observation per request, labelled by route pattern, never by path.
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    const forwarded = options.trustProxy ? req.get("X-Request-Id") : undefined;
    const requestId = forwarded && REQUEST_ID.test(forwarded) ? forwarded : randomUUID();
    res.setHeader("X-Request-Id", requestId);
    if (options.servedBy) res.setHeader("X-Served-By", options.servedBy);
    if (draining) res.setHeader("Connection", "close");
    services.metrics.httpInFlight.inc();
    inFlight += 1;
    res.once("close", () => {
      services.metrics.httpInFlight.dec();
      inFlight -= 1;
      if (inFlight === 0) for (const done of idle.splice(0)) done();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = typeof res.locals.route === "string" ? res.locals.route : "static";
      const status = res.headersSent ? res.statusCode : 499;
      const labels = { method: req.method, route, status: String(status) };
      services.metrics.httpRequests.inc(labels);
      services.metrics.httpDuration.observe(labels, seconds);
      services.logger.info("request", { request_id: requestId, method: req.method, route, status, duration_ms: Math.round(seconds * 10_000) / 10, aborted: !res.writableFinished || undefined });
    });
    next();
  });

  // Liveness: the process answers. Readiness: it can serve (database reachable, not shutting down).
  app.get("/livez", (_req, res) => {
    res.locals.route = "/livez";
    res.set("Cache-Control", "no-store").json({ ok: true });
  });
  app.get("/healthz", async (_req, res) => {
    res.locals.route = "/healthz";
    res.set("Cache-Control", "no-store");
    if (draining) return void res.status(503).json({ ok: false, db: "unchecked", draining: true });
    const db = await databaseReadiness(services);
    if (db === "up") res.json({ ok: true, db });
    else res.status(503).json({ ok: false, db });
  });
  app.get("/metrics", async (req, res, next) => {
    res.locals.route = "/metrics";
    const token = options.metricsToken;
    // Without a token the metrics are served only on their own port (METRICS_PORT).
    if (!token) return void res.status(404).end();
    if (!safeEqual(req.get("Authorization") ?? "", `Bearer ${token}`)) return void res.status(401).set("WWW-Authenticate", "Bearer").end();
    await sendMetrics(res, options.collectMetrics ?? (() => metricsText(services.metrics))).catch(next);
  });

  const headers = securityHeaders(services.payments.name === "stripe");
  app.use((_req, res, next) => {
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    if (services.origin.startsWith("https://")) {
      res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    }
    next();
  });
  app.use((req, res, next) => {
    if (!refusedAsMalformed(req, res)) next();
  });
  app.use("/build", precompressedAssets(`${options.assetsDir}/build`), express.static(`${options.assetsDir}/build`, { immutable: true, maxAge: "1y" }));
  // Other files of the assets directory are looked up only under their own top-level names, not for every page.
  const assetRoots = new Set(readdirSync(options.assetsDir).filter((name) => name !== "build").map((name) => `/${name}`));
  if (assetRoots.size > 0) {
    const assets = express.static(options.assetsDir, { maxAge: "1h" });
    app.use((req, res, next) => (assetRoots.has(req.path.replace(/^(\/[^/]*).*$/s, "$1")) ? assets(req, res, next) : next()));
  }

  const handle = createRequestHandler(options.build, options.mode);
  const { allowedOrigins } = options;
  const shedder = createLoadShedder(options.limits, () => services.metrics.httpShed.inc());
  // One source for the page cache and the replica check, so a page is never rendered from a replica older than the version it is kept under.
  const versions = dataVersionSource(services.db, options.pageCache?.versionMaxAgeMs ?? PAGE_CACHE_SETTINGS.versionMaxAgeMs);
  const publicReads = createPublicReads(services.db, services.readDb, versions, services.logger);
  const pageCache: PageCache | null = options.pageCache
    ? createPageCache({
        settings: options.pageCache,
        versions,
        // The demo clock's distance from real time: moving it renders every page again.
        clockVersion: options.pageCache.clockVersion ?? (() => String(Math.round((services.clock.now().getTime() - Date.now()) / 1000))),
        render: async (pathAndQuery, locale, audience) => {
          // Only the language cookie, and our own origin whatever the Host header said.
          const request = new Request(`${services.origin}${pathAndQuery}`, { headers: { Cookie: `${LOCALE_COOKIE}=${locale}` } });
          const response = await handle(request, { services, clientIp: null, clientIsLocal: audience === "local", sharedRendering: true, publicReads });
          return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
        },
        log: (line) => services.logger.warn("page cache", { detail: line }),
      })
    : null;

  app.all(
    "*",
    (req, res, next) => {
      res.locals.route = routeOf(req.path);
      next();
    },
    shedder.middleware,
    async (req, res, next) => {
      try {
        const clientIsLocal = isLocalRequest(req, { trustProxy: options.trustProxy, clientIp: req.ip });
        // Only with dev tools on does a visitor on this machine see more (their links) than anyone else.
        if (pageCache?.accepts(req) && (await pageCache.serve(req, res, services.devTools && clientIsLocal ? "local" : "anyone"))) return;
        const request = toFetchRequest(req, res);
        if (!request) return;
        const refusal = await checkMutation(request, allowedOrigins);
        if (refusal) {
          await sendFetchResponse(res, refusal);
          return;
        }
        const response = await handle(request, { services, clientIp: req.ip ?? null, clientIsLocal, sharedRendering: false, publicReads });
        await sendFetchResponse(res, response);
      } catch (error) {
        if (res.headersSent && res.statusCode === 413) return;
        if (!res.headersSent && isInvalidHeaderValue(error)) {
          refuseMalformed(res, "a value that cannot be sent in a header");
          return;
        }
        next(error);
      }
    },
  );
  // Express needs the four parameters to see an error handler.
  app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    // Express marks what the client got wrong (a path that cannot be decoded) with a 4xx status.
    const status = (error as { status?: unknown }).status;
    if (typeof status === "number" && status >= 400 && status < 500) {
      res.locals.route ??= "malformed";
      return void res.status(status).type("text/plain").end("Bad Request");
    }
    services.logger.error("request failed", error, { request_id: String(res.getHeader("X-Request-Id") ?? "") });
    if (res.headersSent) return void res.destroy();
    res.status(500).type("text/plain").end("Internal Server Error");
  });
  return {
    handler: app,
    startDraining: () => {
      draining = true;
    },
    whenIdle: () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((done) => idle.push(done))),
  };
}

function safeEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** /metrics alone on its own port (METRICS_PORT), for a scraper on a private network: no token. */
export function createMetricsApp(collect: () => Promise<MetricsText>): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.get("/metrics", (_req, res, next) => void sendMetrics(res, collect).catch(next));
  return app;
}
