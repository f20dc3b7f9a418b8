import { spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyStoredLedger } from "../../app/ledger/ledger.server";
import { drainLedger, getSequencingStatus } from "../../app/ledger/sequencer.server";
import { createDatabase, type Database } from "../../app/utils/db.server";
import { freePort, startEmbeddedPostgres, type EmbeddedServer } from "../../db/embedded";
import { migrateToLatest } from "../../db/migrate";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createPledgeLoadSetup, postPledge, type PledgeLoadSetup } from "../support/pledge-load";
import { inSteps } from "../support/steps";

// R7 and R8: the server, then PostgreSQL itself (the postmaster, fsync on), is killed with SIGKILL
// in the middle of a pledge load and started again; clients retry what was not acknowledged with
// the same Idempotency-Key. Every acknowledged pledge must be there exactly once, the ledger
// sequencer must resume, and the ledger must balance and verify.

const root = resolve(import.meta.dirname, "../..");
// Production mode needs a configured checkpoint key.
const signingKey = generateKeyPairSync("ed25519").privateKey.export({ format: "der", type: "pkcs8" }).toString("base64");

/** What the servers wrote to stderr, shown when a test fails. */
let serverErrors = "";
/** A client that hears nothing for this long gives up and later retries with the same key. */
const REQUEST_TIMEOUT_MS = 20_000;


async function startServer(databaseUrl: string, port: number): Promise<ChildProcess> {
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start-server.ts"], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production", DATABASE_URL: databaseUrl, PORT: String(port), HOST: "127.0.0.1", APP_ORIGIN: url, DEMO_DATA: "off", DEV_TOOLS: "off", JOBS: "off", LEDGER_SIGNING_KEY: signingKey },
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr?.on("data", (chunk: Buffer) => (serverErrors = (serverErrors + chunk.toString()).slice(-4000)));
  child.once("exit", (code, signal) => (serverErrors += `\n[server exited: ${code ?? signal}]`));
  // Generous: on a loaded machine compiling and starting the server takes a while.
  for (const until = Date.now() + 90_000; Date.now() < until; ) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return child;
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  throw new Error("server did not start");
}

/** Clients pledging in a loop until `stop()`; a key whose request failed is kept to retry. */
function pledgeLoad(base: () => string, setup: PledgeLoadSetup, beforeRetry: () => Promise<void> = async () => {}) {
  const acknowledged = new Map<string, string>();
  const pending = new Set<string>();
  let stopped = false;
  const send = async (client: number, key: string) => {
    const response = await postPledge(base(), setup.slug, setup.tokens[client] ?? "", key, 1_000 + (key.length % 7) * 1_000, AbortSignal.timeout(REQUEST_TIMEOUT_MS));
    if (response.status !== 200 && response.status !== 201) throw new Error(`status ${response.status}`);
    const body = (await response.json()) as { pledge: string; state: string };
    if (body.state !== "collected") throw new Error(`state ${body.state}`);
    acknowledged.set(key, body.pledge);
    pending.delete(key);
  };
  const clients = setup.tokens.map(async (_, c) => {
    for (let i = 0; !stopped; i++) {
      const key = `crash-${c}-${i}`;
      pending.add(key);
      try {
        await send(c, key);
      } catch {
        // The server or its database went away mid-request: this key is retried later.
        return;
      }
    }
  });
  return {
    acknowledged,
    /** Waits until some pledges were acknowledged: the kill then lands in the middle of the load. */
    running: async () => {
      for (const until = Date.now() + 60_000; acknowledged.size < 10 && Date.now() < until; ) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300));
    },
    stop: async () => {
      stopped = true;
      await Promise.all(clients);
    },
    /** Retries every unacknowledged key until it is acknowledged (the database may still be starting). */
    retryPending: async () => {
      for (const key of [...pending]) {
        const client = Number(key.split("-")[1]);
        for (let attempt = 0; ; attempt++) {
          try {
            await send(client, key);
            break;
          } catch (error) {
            await beforeRetry();
            if (attempt >= 50) throw new Error(`retrying ${key} failed: ${String(error)}\nserver stderr: ${serverErrors}`);
            await new Promise((r) => setTimeout(r, 200));
          }
        }
      }
    },
  };
}

/** Every acknowledged pledge once, collected, with one collection entry; the ledger drains and verifies. */
async function expectExactlyOnce(db: Database, acknowledged: Map<string, string>): Promise<void> {
  const rows = await db.selectFrom("pledges").select(["id", "public_id", "idempotency_key", "state"]).where("idempotency_key", "like", "crash-%").execute();
  const byKey = new Map(rows.map((r) => [r.idempotency_key, r]));
  expect(rows).toHaveLength(byKey.size);
  for (const [key, publicId] of acknowledged) {
    expect(byKey.get(key)?.public_id).toBe(publicId);
    expect(byKey.get(key)?.state).toBe("collected");
  }
  const keys = rows.map((r) => `pledge:${r.id}:collected`);
  const entries = await sql<{ n: number }>`SELECT count(*)::int AS n FROM journal_entries WHERE idempotency_key = ANY(${keys})`.execute(db);
  expect(entries.rows[0]?.n).toBe(rows.filter((r) => r.state === "collected").length);
}

describe("crash recovery", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t.drop();
  });

  it("keeps every acknowledged pledge exactly once across a SIGKILL of the server and a restart", async () => {
    const setup = await createPledgeLoadSetup(t.owner, { backers: 8 });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    let server = await startServer(t.url, port);
    const load = pledgeLoad(() => base, setup);
    await load.running();
    server.kill("SIGKILL");
    await load.stop();
    expect(load.acknowledged.size).toBeGreaterThan(0);

    server = await startServer(t.url, port);
    try {
      await load.retryPending();
      // The restarted server's own sequencer numbers everything, including what waited at the kill.
      for (let i = 0; i < 100 && (await getSequencingStatus(t.db)).waiting > 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect((await getSequencingStatus(t.db)).waiting).toBe(0);
    } finally {
      server.kill("SIGTERM");
    }
    await expectExactlyOnce(t.db, load.acknowledged);
    expect((await verifyStoredLedger(t.db)).ok).toBe(true);
  }, 240_000);
});

describe("database crash recovery", () => {
  // Its own cluster with normal durability (fsync on): the one the other tests share is fast and
  // must not be killed.
  const dataDir = resolve(root, `.data/test-crash-pg-${process.pid}`);
  let cluster: EmbeddedServer | null = null;
  let port = 0;
  const start = async () => (cluster = await startEmbeddedPostgres({ dataDir, port }));
  const killPostmaster = () => {
    process.kill(Number(readFileSync(resolve(dataDir, "postmaster.pid"), "utf8").split("\n")[0]), "SIGKILL");
    // Nothing left to stop: the cluster is started again by restart().
    cluster = null;
  };
  /** Starts the cluster again once PostgreSQL has recovered (and the orphaned backends have gone). */
  const restart = async () => {
    for (let attempt = 0; ; attempt++) {
      await new Promise((r) => setTimeout(r, 500));
      try {
        await start();
        return;
      } catch (error) {
        if (attempt >= 20) throw error;
      }
    }
  };
  beforeAll(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(`${dataDir}.credentials.json`, { force: true });
    port = await freePort();
    await start();
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(`${dataDir}.credentials.json`, { force: true });
  });

  it("serves queries and transactions again within seconds of every restart of PostgreSQL", async () => {
    // A pool that lost its connections to a killed server must neither lose a waiting transaction
    // nor wait out a long backoff: the sequencer is such a loop, and it stopped for good once.
    const db = createDatabase(cluster!.urlFor("postgres"), { asAppRole: false, max: 10 });
    let stopped = false;
    const lastSuccess = [0, 0, 0, 0];
    const worker = async (index: number) => {
      while (!stopped) {
        await db
          .transaction()
          .execute((trx) => sql`SELECT pg_sleep(0.01)`.execute(trx))
          .then(() => (lastSuccess[index] = Date.now()), () => null);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const singleQueries = async () => {
      while (!stopped) {
        await sql`SELECT 1`.execute(db).catch(() => null);
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    const workers = [...lastSuccess.keys()].map(worker).concat(singleQueries());
    try {
      await inSteps(100_000, () => `last successes: ${lastSuccess.map((at) => (at ? `${Date.now() - at} ms ago` : "never")).join(", ")}`, async (step) => {
        for (let round = 1; round <= 4; round++) {
          step(`restart ${round}: killing the postmaster`);
          killPostmaster();
          step(`restart ${round}: starting PostgreSQL again`);
          await restart();
          const restarted = Date.now();
          step(`restart ${round}: waiting for every worker to commit again`);
          while (lastSuccess.some((at) => at < restarted) && Date.now() - restarted < 5_000) await new Promise((r) => setTimeout(r, 50));
          expect(lastSuccess.every((at) => at >= restarted), `round ${round}: a worker committed nothing within 5 s of the restart`).toBe(true);
        }
      });
    } finally {
      stopped = true;
      // A worker stuck for good must not hold the test until its timeout.
      await Promise.race([Promise.all(workers).then(() => db.destroy()), new Promise((r) => setTimeout(r, 5_000))]);
    }
  }, 120_000);

  it("keeps every acknowledged pledge exactly once across a SIGKILL of the postmaster, and the sequencer resumes", async () => {
    const url = cluster!.urlFor("postgres");
    const owner = createDatabase(url, { asAppRole: false, max: 2 });
    const db = createDatabase(url, { max: 4 });
    const appPort = await freePort();
    const base = `http://127.0.0.1:${appPort}`;
    // Assigned inside the steps below, so its type is spelled out for the finally block.
    let server = null as ChildProcess | null;
    try {
      await inSteps(270_000, () => `server stderr: ${serverErrors}`, async (step) => {
        step("migrating and setting up");
        await migrateToLatest(owner);
        const setup = await createPledgeLoadSetup(owner, { backers: 8 });
        step("starting the server");
        server = await startServer(url, appPort);
        // A server process that exits anyway is started again, as a supervisor would.
        const restartIfDown = async () => {
          if (server && server.exitCode === null && server.signalCode === null) return;
          server = await startServer(url, appPort);
        };
        const load = pledgeLoad(() => base, setup, restartIfDown);
        step("waiting for the first acknowledged pledges");
        await load.running();
        killPostmaster();
        step("stopping the clients after the kill");
        await load.stop();
        expect(load.acknowledged.size).toBeGreaterThan(0);

        // PostgreSQL recovers from its WAL (once the orphaned backends have gone); the server's
        // connections come back by themselves.
        step("restarting PostgreSQL");
        await restart();
        step("retrying the unacknowledged pledges");
        await restartIfDown();
        await load.retryPending();
        step("waiting for the sequencer");
        for (let i = 0; i < 100 && (await getSequencingStatus(db)).waiting > 0; i++) await new Promise((r) => setTimeout(r, 100));
        expect((await getSequencingStatus(db)).waiting).toBe(0);
        step("checking the pledges and the ledger");
        await drainLedger(db);
        await expectExactlyOnce(db, load.acknowledged);
        expect((await verifyStoredLedger(db)).ok).toBe(true);
      });
    } finally {
      server?.kill("SIGTERM");
      await db.destroy();
      await owner.destroy();
    }
  }, 300_000);
});
