import cluster, { type Worker } from "node:cluster";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { AggregatorRegistry } from "prom-client";
import { PAGE_CACHE_SETTINGS } from "../app/page-cache/page-cache.server";
import { createHttpApp, createMetricsApp } from "../app/server/http-server";
import { createLogger } from "../app/server/logger.server";
import type { MetricsText } from "../app/server/metrics.server";
import { onStopSignal, prepareDatabase, startRuntime, within, type PreparedDatabase } from "../app/server/runtime.server";
import { readEnv, startupChoices } from "../app/utils/env.server";

// Starts everything the product needs. The primary process starts PostgreSQL (embedded unless
// DATABASE_URL is set), migrates, loads the demo data and checks the ledger key, once; meanwhile
// it forks WEB_CONCURRENCY web processes (default: one per core) that load the app, wait for the
// database to be ready, then share the port. A web process that dies is replaced. Each web process
// serves pages and, unless JOBS=off, runs the background jobs (pg-boss hands each job to one).
// The primary serves the metrics of all of them, summed (METRICS_PORT, or /metrics with the token).

const env = readEnv();
const root = resolve(import.meta.dirname, "..");
const buildPath = resolve(root, "build/index.js");
const processes = env.WEB_CONCURRENCY ?? availableParallelism();
// Where to listen, demo data and dev tools: the embedded demo stays on this machine unless HOST says otherwise.
const choices = startupChoices(env, !env.DATABASE_URL);
const logger = createLogger(undefined, { role: cluster.isPrimary ? "primary" : "web", pid: process.pid });

type ToWeb = { type: "prepared"; prepared: PreparedDatabase } | { type: "metrics"; id: string; text: MetricsText | null };
type ToPrimary = { type: "ready" } | { type: "metrics"; id: string };

async function startPrimary(): Promise<void> {
  if (!existsSync(buildPath)) {
    console.error("The app is not built yet: run `npm run build` first (npm start does this for you).");
    process.exit(1);
  }
  if (choices.refusal) {
    console.error(choices.refusal);
    process.exit(1);
  }
  let stopping = false;
  let announced = false;
  let prepared: PreparedDatabase | null = null;
  const waiting = new Set<Worker>();
  const listening = new Set<number>();
  let stopEmbedded = async () => {};
  const aggregator = new AggregatorRegistry();
  const collect = async (): Promise<MetricsText> => ({ contentType: aggregator.contentType, body: await (await aggregator.clusterMetrics()).toString() });

  // SIGTERM: every web process drains (stops accepting, finishes its requests and jobs), then
  // the embedded PostgreSQL stops.
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    const exited = Promise.all(workers.map((w) => new Promise<void>((done) => (w.isDead() ? done() : w.once("exit", () => done())))));
    for (const worker of workers) worker.process.kill("SIGTERM");
    const forced = setTimeout(() => {
      for (const worker of workers) if (!worker.isDead()) worker.process.kill("SIGKILL");
    }, env.SHUTDOWN_TIMEOUT_MS + 5000);
    await exited;
    clearTimeout(forced);
    await within(logger, stopEmbedded(), 10_000);
    logger.info("stopped");
    process.exit(code);
  };
  onStopSignal(() => stopAll(0));

  // Web processes accept their connections themselves. Node's default on Linux (round robin) has
  // this process accept each connection and hand it to a web process, one per web process and
  // event-loop turn: under load a burst of new visitors waited seconds to be handed over.
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  const fork = () => {
    const worker = cluster.fork({ WEB_CONCURRENCY: String(processes) });
    worker.on("message", (message: ToPrimary) => {
      if (message.type === "metrics") {
        void collect().then(
          (text) => worker.send({ type: "metrics", id: message.id, text } satisfies ToWeb),
          (error: unknown) => {
            logger.error("metrics of the web processes could not be collected", error);
            worker.send({ type: "metrics", id: message.id, text: null } satisfies ToWeb);
          },
        );
        return;
      }
      if (message.type !== "ready") return;
      if (prepared) worker.send({ type: "prepared", prepared } satisfies ToWeb);
      else waiting.add(worker);
    });
  };
  let banner: string[] = [];
  cluster.on("listening", (worker, address) => {
    listening.add(worker.id);
    if (announced || listening.size < processes) return;
    announced = true;
    logger.info("listening", { port: address.port, web_processes: processes });
    // For a person at a terminal: where to go and how to sign in to the demo.
    const where = choices.localOnly ? `http://localhost:${address.port} (this machine only; see README to show it to others)` : `http://${choices.host}:${address.port}`;
    console.log(`\n함께펀드 (Hamkke Fund) is running at ${where} · ${processes} web process${processes === 1 ? "" : "es"}`);
    for (const line of banner) console.log(line);
  });
  cluster.on("exit", (worker, code, signal) => {
    waiting.delete(worker);
    const wasServing = listening.delete(worker.id);
    if (stopping) return;
    if (!wasServing) {
      // It died while starting: a configuration or code error that a restart would only repeat.
      logger.warn("a web process failed to start; stopping", { exit: code ?? signal });
      void stopAll(1);
      return;
    }
    logger.warn("web process exited; starting another", { worker_pid: worker.process.pid ?? null, exit: signal ?? code });
    setTimeout(() => {
      if (!stopping) fork();
    }, 1000);
  });
  // Forked first: they load the app while the database is prepared.
  for (let i = 0; i < processes; i++) fork();

  const ready = await prepareDatabase(root, logger).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    return null;
  });
  if (!ready) return stopAll(1);
  const { embedded, ownerDb } = ready;
  if (embedded) stopEmbedded = () => embedded.stop();
  const { DEMO_PASSWORD, seedDemoData } = await import("../db/seed/seed");
  const { loadLedgerSigner } = await import("../app/ledger/checkpoints.server");
  const { createFileStore } = await import("../app/files/file-store.server");
  const demoAccounts = choices.demoData ? await seedDemoData(ownerDb, undefined, { fileStore: createFileStore(env, ownerDb), password: env.DEMO_PASSWORD }) : [];
  // Here, once, so web processes never race to create the development key; a missing key stops the start.
  const signer = await loadLedgerSigner(ownerDb, env, { origin: env.APP_ORIGIN ?? `http://localhost:${env.PORT}`, developmentKeyAllowed: ready.prepared.developmentKeyAllowed }).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    return null;
  });
  await ownerDb.destroy();
  if (!signer) return stopAll(1);
  if (env.METRICS_PORT) createMetricsApp(collect).listen(env.METRICS_PORT, choices.host);

  banner = [
    `Database: ${embedded ? "embedded PostgreSQL (.data/pg)" : "DATABASE_URL"} · jobs: ${env.JOBS === "on" ? "pg-boss" : "inline"} · ledger sequencer: ${env.LEDGER_SEQUENCER === "on" ? "on" : "off"} · mail: ${env.SMTP_URL && env.JOBS === "on" ? "SMTP" : choices.devTools ? "local outbox (/dev/outbox)" : "kept in the outbox (no SMTP_URL)"} · dev tools: ${choices.devTools ? "on (this machine and platform admins)" : "off"} · payments: ${env.STRIPE_SECRET_KEY ? "stripe" : "demo"} · files: ${env.S3_BUCKET ? "S3" : "PostgreSQL"}`,
    ...(demoAccounts.length > 0 ? [`\nDemo accounts (password for all: ${env.DEMO_PASSWORD ? "the DEMO_PASSWORD you set" : DEMO_PASSWORD}):`, ...demoAccounts.map((a) => `  ${a.role.padEnd(28)} ${a.email}`)] : []),
    "",
  ];
  prepared = ready.prepared;
  for (const worker of waiting) worker.send({ type: "prepared", prepared } satisfies ToWeb);
  waiting.clear();
}

async function startWeb(): Promise<void> {
  const build = (await import(pathToFileURL(buildPath).href)) as ServerBuild;
  const prepared = await new Promise<PreparedDatabase>((done) => {
    const onMessage = (message: ToWeb) => {
      if (message.type !== "prepared") return;
      process.off("message", onMessage);
      done(message.prepared);
    };
    process.on("message", onMessage);
    process.send?.({ type: "ready" } satisfies ToPrimary);
  });
  // About 20 connections for the whole web tier, at least 5 per process.
  const runtime = await startRuntime({ role: "web", prepared, logger, poolMax: Math.max(5, Math.ceil(20 / processes)) });
  const { services } = runtime;
  // Constructing one is what makes prom-client answer the primary's requests in this process.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([services.metrics.registry]);
  const pendingMetrics = new Map<string, (text: MetricsText | null) => void>();
  process.on("message", (message: ToWeb) => {
    if (message.type === "metrics") pendingMetrics.get(message.id)?.(message.text);
  });
  const collectMetrics = () =>
    new Promise<MetricsText>((done, fail) => {
      const id = randomUUID();
      pendingMetrics.set(id, (text) => {
        pendingMetrics.delete(id);
        if (text) done(text);
        else fail(new Error("the primary could not collect the web processes' metrics"));
      });
      process.send?.({ type: "metrics", id } satisfies ToPrimary);
    });

  const app = createHttpApp({
    build,
    services,
    assetsDir: resolve(root, "build/public"),
    trustProxy: env.TRUST_PROXY === "on",
    allowedOrigins: env.APP_ORIGIN ? [env.APP_ORIGIN] : [services.origin, `http://127.0.0.1:${env.PORT}`],
    mode: env.NODE_ENV,
    pageCache: env.PAGE_CACHE === "on" ? PAGE_CACHE_SETTINGS : null,
    limits: { concurrency: env.MAX_CONCURRENT_REQUESTS, queue: env.MAX_QUEUED_REQUESTS, queueTimeoutMs: env.QUEUE_TIMEOUT_MS },
    metricsToken: env.METRICS_TOKEN ?? null,
    collectMetrics,
    servedBy: `web-${cluster.worker?.id ?? 0}`,
  });
  const server = app.handler.listen(env.PORT, choices.host);

  // SIGTERM: no new connections, in-flight requests and running jobs finish (up to
  // SHUTDOWN_TIMEOUT_MS), then the connections close and the process exits.
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("shutting down", { signal });
    app.startDraining();
    server.close();
    server.closeIdleConnections();
    const timeout = new Promise<"timeout">((done) => setTimeout(() => done("timeout"), env.SHUTDOWN_TIMEOUT_MS).unref());
    const [requests] = await Promise.all([Promise.race([app.whenIdle(), timeout]), runtime.stopBackground(env.SHUTDOWN_TIMEOUT_MS)]);
    if (requests === "timeout") {
      logger.warn("requests still running at the shutdown timeout were cut off");
      server.closeAllConnections();
    }
    await runtime.close();
    logger.info("stopped", { signal });
    process.exit(0);
  };
  onStopSignal(shutdown);
  // The primary is gone (killed): nobody hands this process connections any more.
  process.on("disconnect", () => void shutdown("disconnect"));
}

if (cluster.isPrimary) await startPrimary();
else await startWeb();
