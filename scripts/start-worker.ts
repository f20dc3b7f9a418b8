import { resolve } from "node:path";
import { createMetricsApp } from "../app/server/http-server";
import { createLogger } from "../app/server/logger.server";
import { metricsText } from "../app/server/metrics.server";
import { onStopSignal, prepareDatabase, startRuntime, within } from "../app/server/runtime.server";
import { startupChoices } from "../app/utils/env.server";

// A dedicated background worker: pg-boss jobs (the minute tick and its sweepers) and mail
// delivery, with no web server. Run web servers with JOBS=off beside any number of these.

const root = resolve(import.meta.dirname, "..");
const logger = createLogger(undefined, { role: "worker", pid: process.pid });
const started = await (async () => {
  const { prepared, embedded, ownerDb } = await prepareDatabase(root, logger);
  await ownerDb.destroy();
  return { embedded, runtime: await startRuntime({ role: "worker", prepared, logger }) };
})().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
const { runtime, embedded } = started;
const { env, services } = runtime;
const metricsServer = env.METRICS_PORT ? createMetricsApp(() => metricsText(services.metrics)).listen(env.METRICS_PORT, startupChoices(env, embedded !== null).host) : null;
logger.info("worker started", { jobs: "pg-boss", mail: env.SMTP_URL ? "smtp" : "outbox", metrics_port: env.METRICS_PORT ?? null });

// SIGTERM: no new jobs; the running ones finish (up to SHUTDOWN_TIMEOUT_MS) before the exit.
onStopSignal(async (signal) => {
  logger.info("shutting down", { signal });
  await runtime.stopBackground(env.SHUTDOWN_TIMEOUT_MS);
  metricsServer?.close();
  await runtime.close();
  await within(logger, embedded?.stop() ?? Promise.resolve(), 10_000);
  logger.info("stopped", { signal });
  process.exit(0);
});
