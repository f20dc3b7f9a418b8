import { generateKeyPairSync } from "node:crypto";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";
import { sql } from "kysely";
import { verifyStoredLedger } from "../../app/ledger/ledger.server";
import { drainLedger } from "../../app/ledger/sequencer.server";
import type { Database } from "../../app/utils/db.server";
import { freePort } from "../../db/embedded";
import { createPledgeLoadSetup, pledgeRequest } from "../support/pledge-load";
import { cpuByRole, cpuPerUnit, percentile, printTopStatements, resetStatementCounts, startBenchDatabase, timedAutocannon, type BenchResult } from "./harness";
import { ensurePgbench } from "./pgbench";

const root = resolve(import.meta.dirname, "../..");

/** pgbench's TPC-B-like read-write TPS against the same server, with as many clients: P1's yardstick. */
function pgbenchTps(url: string, clients: number, seconds: number): number | string {
  const pgbench = ensurePgbench();
  if (typeof pgbench === "string") return pgbench;
  const target = new URL(url);
  const env = { ...process.env, ...pgbench.env, PGPASSWORD: decodeURIComponent(target.password), PGHOST: target.hostname, PGPORT: target.port, PGUSER: target.username };
  execFileSync(pgbench.binary, ["-i", "-q", "-s", "10", "postgres"], { env, stdio: "ignore" });
  const output = execFileSync(pgbench.binary, ["-c", String(clients), "-j", "2", "-T", String(seconds), "-M", "prepared", "postgres"], { env }).toString();
  const match = output.match(/tps = ([\d.]+) \(without initial connection time\)/);
  return match?.[1] ? Number(match[1]) : "pgbench printed no TPS";
}

/** Stops the server and waits for it to exit (and write its profile, when asked for one). */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once("exit", () => done());
    child.kill("SIGTERM");
  });
}

export async function startServer(databaseUrl: string) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // BENCH_CPU_PROF=<dir>: the server writes a V8 CPU profile there when it stops.
  const profile = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, "--import", "tsx", "scripts/start-server.ts"], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production", DATABASE_URL: databaseUrl, PORT: String(port), HOST: "127.0.0.1", APP_ORIGIN: url, DEMO_DATA: "off", DEV_TOOLS: "off", JOBS: "off", LEDGER_SIGNING_KEY: generateKeyPairSync("ed25519").privateKey.export({ format: "der", type: "pkcs8" }).toString("base64") },
    stdio: ["ignore", "ignore", "inherit"],
  });
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { url, stop: () => stopChild(child) };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill("SIGKILL");
  throw new Error("bench server did not start");
}

interface LoadLevel {
  clients: number;
  throughput: number;
  p50: number;
  p99: number;
  failures: number;
}

/**
 * Closed-loop clients for `ms` (after a warm-up): each sends a pledge as soon as the last was
 * answered, with a new idempotency key each time, as one of `clients` backers in turn.
 * autocannon's client leaves the machine's cores to the server (a `fetch` loop cost 2 ms of CPU a
 * pledge).
 */
async function runLevel(url: string, slug: string, tokens: readonly string[], clients: number, seconds: number, keyPrefix: string, onMeasuring: () => Promise<void>): Promise<LoadLevel> {
  let counter = 0;
  let latencies: number[] = [];
  let failures = 0;
  const runFor = async (ms: number, record: boolean) => {
    // Set by the request's onResponse, just before timedAutocannon reports the response.
    let collected = false;
    const result = await timedAutocannon(
      {
        url,
        connections: clients,
        duration: ms / 1000,
        timeout: 10,
        requests: [
          {
            method: "POST",
            setupRequest: (request) => {
              counter += 1;
              return { ...request, ...pledgeRequest(url, slug, tokens[counter % clients] ?? "", `${keyPrefix}-${counter}`, 10_000) };
            },
            onResponse: (status, body) => {
              collected = status === 201 && (JSON.parse(body) as { state?: string }).state === "collected";
            },
          },
        ],
      },
      (_status, responseMs) => {
        if (!record) return;
        if (collected) latencies.push(responseMs);
        else failures += 1;
      },
    );
    if (record) failures += result.errors + result.timeouts;
  };
  await runFor(Math.min(3000, seconds * 200), false);
  latencies = [];
  await onMeasuring();
  const cpuBefore = cpuByRole();
  await runFor(seconds * 1000, true);
  console.log(`  ${clients} clients: ${(latencies.length / seconds).toFixed(0)} pledges/s; ${cpuPerUnit(cpuBefore, cpuByRole(), latencies.length)}`);
  const sorted = [...latencies].sort((a, b) => a - b);
  return { clients, throughput: latencies.length / seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99), failures };
}

/** From each entry's insert (just before its transaction commits) to the commit of the batch that gave it its seq. */
async function sequencingDelays(db: Database, since: Date): Promise<{ p50: number; p99: number; entries: number }> {
  const rows = await sql<{ ms: number }>`
    SELECT extract(epoch FROM b.sequenced_at - e.recorded_at)::float8 * 1000 AS ms
    FROM journal_entries e JOIN ledger_batches b ON e.seq BETWEEN b.first_seq AND b.last_seq
    WHERE e.recorded_at >= ${since}
    ORDER BY 1`.execute(db);
  const sorted = rows.rows.map((r) => r.ms);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), entries: sorted.length };
}

const ms = (value: number) => `${value.toFixed(0)} ms`;

/**
 * BENCH_PG_SAMPLE=1: samples what the server's connections are doing every 50 ms (pg_stat_activity:
 * running on CPU, waiting for a lock, for the client, for I/O…) and prints the shares. Needs the
 * owner's connection: the app role cannot see other sessions' state.
 */
function sampleActivity(db: Database) {
  if (process.env.BENCH_PG_SAMPLE !== "1") return { stop: async () => {} };
  const counts = new Map<string, number>();
  let samples = 0;
  const timer = setInterval(() => {
    void sql<{ what: string; n: number }>`
      SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') || ' (' || state || ')' AS what, count(*)::int AS n
      FROM pg_stat_activity WHERE application_name = 'hamkke-fund' AND state <> 'idle' AND pid <> pg_backend_pid() GROUP BY 1`
      .execute(db)
      .then((result) => {
        samples += 1;
        for (const row of result.rows) counts.set(row.what, (counts.get(row.what) ?? 0) + row.n);
      })
      .catch(() => {});
  }, 50);
  return {
    stop: async () => {
      clearInterval(timer);
      const total = [...counts.values()].reduce((a, b) => a + b, 0);
      console.log(`  pg_stat_activity, ${samples} samples, busy connections ${(total / Math.max(1, samples)).toFixed(1)} on average:`);
      for (const [what, n] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`    ${((n / total) * 100).toFixed(1).padStart(5)} %  ${what}`);
    },
  };
}

/**
 * P1: the pledge API end to end: HTTP → validation → pledge → demo card → collected → two ledger
 * entries (sequenced by the server's own sequencer), keep-it-all so every pledge hits the ledger;
 * a curve over the client counts (BENCH_CLIENTS, default 1,10,50,200), judged at 50.
 */
export async function benchPledgeApi(seconds = 15): Promise<BenchResult> {
  const levels = (process.env.BENCH_CLIENTS ?? "1,10,50,200").split(",").map(Number).filter((n) => Number.isSafeInteger(n) && n > 0);
  const bench = await startBenchDatabase("pledge");
  try {
    const setup = await createPledgeLoadSetup(bench.owner, { backers: Math.max(...levels), slug: "bench-live" });
    const server = await startServer(bench.url);
    const results: LoadLevel[] = [];
    let delays: { p50: number; p99: number; entries: number } | null = null;
    try {
      for (const clients of levels) {
        const since = new Date();
        const activity = sampleActivity(bench.owner);
        results.push(await runLevel(server.url, setup.slug, setup.tokens, clients, seconds, `bench-${clients}-${Date.now()}`, () => resetStatementCounts(bench.owner)));
        await activity.stop();
        await printTopStatements(bench.owner, `${clients} clients`, Math.max(1, Math.round((results.at(-1)?.throughput ?? 0) * seconds)));
        if (clients === 50 || (delays === null && clients === levels.at(-1))) {
          await drainLedger(bench.db);
          delays = await sequencingDelays(bench.db, since);
        }
      }
    } finally {
      await server.stop();
    }
    await drainLedger(bench.db);
    const verified = await verifyStoredLedger(bench.db);
    const atFifty = results.find((r) => r.clients === 50) ?? results.at(-1);
    const tps = pgbenchTps(bench.server.url, atFifty?.clients ?? 50, 10);
    const ratio = typeof tps === "number" && atFifty ? (atFifty.throughput / tps) * 100 : null;
    const curve = results.map((r) => `${r.clients}: ${r.throughput.toFixed(0)}/s, p50 ${ms(r.p50)}, p99 ${ms(r.p99)}, ${r.failures} errors`).join("; ");
    const yardstick = typeof tps === "number" ? `pgbench ${Math.round(tps)} TPS at ${atFifty?.clients ?? 50} clients, ratio ${ratio?.toFixed(0)} %` : `no pgbench (${tps})`;
    const delay = delays ? `commit-to-seq p50 ${ms(delays.p50)}, p99 ${ms(delays.p99)} (${delays.entries} entries)` : "no delay measured";
    return {
      id: "P1",
      name: "pledge API, demo card, keep-it-all (2 ledger entries each), by clients",
      figures: `${curve}; ${yardstick}; ${delay}; ledger ${verified.ok ? "verifies" : "FAILS"} (${verified.entries} entries)`,
      goal: "at 50 clients ≥ 500 pledges/s, p99 < 150 ms, ≥ 25 % of pgbench; seq delay p99 < 1 s",
      met:
        atFifty !== undefined &&
        atFifty.clients === 50 &&
        atFifty.throughput >= 500 &&
        atFifty.p99 < 150 &&
        ratio !== null &&
        ratio >= 25 &&
        delays !== null &&
        delays.p99 < 1000 &&
        results.every((r) => r.failures === 0) &&
        verified.ok,
    };
  } finally {
    await bench.stop();
  }
}
