import { resolve } from "node:path";
import { createMetricsApp } from "../app/server/http-server";
import { onStopSignal, startRuntime } from "../app/server/runtime.server";

// A dedicated background worker: pg-boss jobs (the minute tick and its sweepers) and mail
// delivery, with no web server. Run web servers with JOBS=off beside any number of these.

const root = resolve(import.meta.dirname, "..");
const runtime = await startRuntime({ root, role: "worker" }).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
const { env, services } = runtime;
const metricsServer = env.METRICS_PORT ? createMetricsApp(services).listen(env.METRICS_PORT, env.HOST) : null;
services.logger.info("worker started", { jobs: "pg-boss", mail: env.SMTP_URL ? "smtp" : "outbox", metrics_port: env.METRICS_PORT ?? null });

// SIGTERM: no new jobs; the running ones finish (up to SHUTDOWN_TIMEOUT_MS) before the exit.
onStopSignal(async (signal) => {
  services.logger.info("shutting down", { signal });
  await runtime.stopBackground(env.SHUTDOWN_TIMEOUT_MS);
  metricsServer?.close();
  await runtime.close();
  services.logger.info("stopped", { signal });
  process.exit(0);
});
