import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { seedDemoData } from "../db/seed/seed";
import { createHttpApp, createMetricsApp } from "../app/server/http-server";
import { onStopSignal, startRuntime } from "../app/server/runtime.server";

// Starts everything the product needs: PostgreSQL (embedded unless DATABASE_URL is set),
// migrations, demo data, background jobs (unless JOBS=off) and the web server.

const root = resolve(import.meta.dirname, "..");
const buildPath = resolve(root, "build/index.js");
if (!existsSync(buildPath)) {
  console.error("The app is not built yet: run `npm run build` first (npm start does this for you).");
  process.exit(1);
}

const runtime = await startRuntime({ root, role: "web" }).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
const { env, services, embedded, jobs } = runtime;
const { logger } = services;
const demoData = (env.DEMO_DATA ?? (embedded ? "on" : "off")) === "on";
const demoAccounts = demoData ? await seedDemoData(runtime.ownerDb, undefined, { fileStore: services.fileStore }) : [];
const allowedOrigins = env.APP_ORIGIN ? [env.APP_ORIGIN] : [services.origin, `http://127.0.0.1:${env.PORT}`];

const build = (await import(pathToFileURL(buildPath).href)) as ServerBuild;
const app = createHttpApp({
  build,
  services,
  assetsDir: resolve(root, "build/public"),
  trustProxy: env.TRUST_PROXY === "on",
  allowedOrigins,
  mode: env.NODE_ENV,
  limits: { concurrency: env.MAX_CONCURRENT_REQUESTS, queue: env.MAX_QUEUED_REQUESTS, queueTimeoutMs: env.QUEUE_TIMEOUT_MS },
  metricsToken: env.METRICS_TOKEN ?? null,
});

const server = app.handler.listen(env.PORT, env.HOST, () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : env.PORT;
  logger.info("listening", { port, database: embedded ? "embedded" : "DATABASE_URL", jobs: jobs ? "pg-boss" : "inline", mail: env.SMTP_URL && jobs ? "smtp" : "outbox", payments: services.payments.name, files: services.fileStore.kind });
  // For a person at a terminal: where to go and how to sign in to the demo.
  if (process.stdout.isTTY || demoAccounts.length > 0) {
    console.log(`\n함께펀드 (Hamkke Fund) is running at http://localhost:${port}`);
    if (demoAccounts.length > 0) {
      console.log("\nDemo accounts (password for all: hamkke-demo-2026):");
      for (const account of demoAccounts) console.log(`  ${account.role.padEnd(28)} ${account.email}`);
    }
    console.log("");
  }
});
const metricsServer = env.METRICS_PORT ? createMetricsApp(services).listen(env.METRICS_PORT, env.HOST) : null;

// SIGTERM: not ready at once, no new connections, in-flight requests and running jobs finish
// (up to SHUTDOWN_TIMEOUT_MS), then the connections close and the process exits.
onStopSignal(async (signal) => {
  logger.info("shutting down", { signal });
  app.startDraining();
  server.close();
  server.closeIdleConnections();
  const requestsDone = app.whenIdle();
  const timeout = new Promise<"timeout">((done) => setTimeout(() => done("timeout"), env.SHUTDOWN_TIMEOUT_MS).unref());
  const [requests] = await Promise.all([Promise.race([requestsDone, timeout]), runtime.stopBackground(env.SHUTDOWN_TIMEOUT_MS)]);
  if (requests === "timeout") {
    logger.warn("requests still running at the shutdown timeout were cut off");
    server.closeAllConnections();
  }
  metricsServer?.close();
  await runtime.close();
  logger.info("stopped", { signal });
  process.exit(0);
});
