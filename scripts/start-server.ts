import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { startEmbeddedPostgres } from "../db/embedded";
import { migrateToLatest } from "../db/migrate";
import { seedDemoData } from "../db/seed/seed";
import { createSmtpTransport, deliverPendingEmails } from "../app/email/outbox.server";
import { inlineJobQueue, startJobs } from "../app/jobs/jobs.server";
import { createPaymentProvider } from "../app/payments/payments.server";
import { loadLedgerSigner } from "../app/ledger/checkpoints.server";
import { startSequencer } from "../app/ledger/sequencer.server";
import { createHttpApp } from "../app/server/http-server";
import type { Services } from "../app/server/services";
import { createOffsetClock } from "../app/utils/clock.server";
import { createDatabase } from "../app/utils/db.server";
import { readEnv } from "../app/utils/env.server";

// Starts everything the product needs: PostgreSQL (embedded unless DATABASE_URL is set),
// migrations, demo data, background jobs and the web server.

const env = readEnv();
const root = resolve(import.meta.dirname, "..");
const log = (line: string) => console.log(line);

const buildPath = resolve(root, "build/index.js");
if (!existsSync(buildPath)) {
  console.error("The app is not built yet: run `npm run build` first (npm start does this for you).");
  process.exit(1);
}

const embedded = env.DATABASE_URL
  ? null
  : await startEmbeddedPostgres({
      dataDir: process.env.EMBEDDED_PG_DIR ?? resolve(root, ".data/pg"),
      port: Number(process.env.EMBEDDED_PG_PORT ?? 54329),
      log: process.env.PG_LOG === "on" ? log : undefined,
    });
const databaseUrl = env.DATABASE_URL ?? embedded?.urlFor("postgres") ?? "";
const demoData = (env.DEMO_DATA ?? (embedded ? "on" : "off")) === "on";
const devTools = (env.DEV_TOOLS ?? (embedded ? "on" : "off")) === "on";

const ownerDb = createDatabase(databaseUrl, { asAppRole: false, max: 3 });
const applied = await migrateToLatest(ownerDb);
if (applied.length > 0) log(`Migrated: ${applied.join(", ")}`);
const demoAccounts = demoData ? await seedDemoData(ownerDb) : [];

const db = createDatabase(databaseUrl, { max: 20 });
const clock = await createOffsetClock(db);
const origin = env.APP_ORIGIN ?? `http://localhost:${env.PORT}`;
const allowedOrigins = env.APP_ORIGIN ? [env.APP_ORIGIN] : [origin, `http://127.0.0.1:${env.PORT}`];

const uploadDir = env.UPLOAD_DIR ?? resolve(root, ".data/uploads");
const payments = createPaymentProvider(env, db, clock);
const ledgerSigner = await loadLedgerSigner(ownerDb, env, { origin, devTools }).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
const services: Services = { db, clock, env, origin, devTools, uploadDir, payments, ledgerSigner, jobs: { send: async () => {} } };
const jobs = env.JOBS === "on" ? await startJobs(databaseUrl, () => services, log) : null;
const sequencer = env.LEDGER_SEQUENCER === "on" ? startSequencer(db, { log }) : null;
services.jobs = jobs?.queue ?? inlineJobQueue(() => services);

const smtp = env.SMTP_URL ? createSmtpTransport(env.SMTP_URL) : null;
const mailTimer = smtp
  ? setInterval(() => void deliverPendingEmails(db, smtp, env.MAIL_FROM).catch((e: unknown) => log(`[mail] ${String(e)}`)), 2000)
  : null;

const build = (await import(pathToFileURL(buildPath).href)) as ServerBuild;
const app = createHttpApp({
  build,
  services,
  assetsDir: resolve(root, "build/public"),
  trustProxy: env.TRUST_PROXY === "on",
  allowedOrigins,
  mode: env.NODE_ENV,
});

const server = app.listen(env.PORT, env.HOST, () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : env.PORT;
  log(`\n함께펀드 (Hamkke Fund) is running at http://localhost:${port}`);
  log(`Database: ${embedded ? "embedded PostgreSQL (.data/pg)" : "DATABASE_URL"} · jobs: ${jobs ? "pg-boss" : "inline"} · ledger sequencer: ${sequencer ? "on" : "off"} · mail: ${smtp ? "SMTP" : "local outbox (/dev/outbox)"} · payments: ${payments.name}`);
  if (demoAccounts.length > 0) {
    log("\nDemo accounts (password for all: hamkke-demo-2026):");
    for (const account of demoAccounts) log(`  ${account.role.padEnd(28)} ${account.email}`);
  }
  log("");
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log(`\n${signal}: shutting down`);
  server.close();
  if (mailTimer) clearInterval(mailTimer);
  clock.stop();
  const within = (work: Promise<unknown>) => Promise.race([work.catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
  await within(jobs?.stop() ?? Promise.resolve());
  await within(sequencer?.stop() ?? Promise.resolve());
  await within(Promise.all([db.destroy(), ownerDb.destroy()]));
  await within(embedded?.stop() ?? Promise.resolve());
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
