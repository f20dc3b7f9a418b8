import { readdirSync, readFileSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import autocannon from "autocannon";
import { sql } from "kysely";
import { createDatabase, type Database } from "../../app/utils/db.server";
import { freePort, startEmbeddedPostgres, type EmbeddedServer } from "../../db/embedded";
import { migrateToLatest } from "../../db/migrate";

const root = resolve(import.meta.dirname, "../..");

const countingStatements = () => process.env.BENCH_PG_STATEMENTS === "top" || process.env.BENCH_PG_STATEMENTS === "all";

export interface BenchDatabase {
  server: EmbeddedServer;
  url: string;
  owner: Database;
  db: Database;
  stop(): Promise<void>;
}

/** A fresh cluster with normal durability (fsync on): benchmark figures are for the real thing. */
export async function startBenchDatabase(name: string): Promise<BenchDatabase> {
  const dataDir = resolve(root, `.data/bench-${name}`);
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(`${dataDir}.credentials.json`, { force: true });
  // BENCH_PG_STATEMENTS=top|all: the server counts time per statement (pg_stat_statements; "all" also
  // counts those run inside functions and triggers), printed by printTopStatements.
  const settings = countingStatements() ? ["shared_preload_libraries=pg_stat_statements", `pg_stat_statements.track=${process.env.BENCH_PG_STATEMENTS}`, "pg_stat_statements.track_planning=on"] : [];
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), settings });
  const admin = createDatabase(server.url, { asAppRole: false, max: 1 });
  await sql.raw("CREATE DATABASE hamkke_bench").execute(admin);
  await admin.destroy();
  const url = server.urlFor("hamkke_bench");
  const owner = createDatabase(url, { asAppRole: false, max: 4 });
  await migrateToLatest(owner);
  if (settings.length > 0) await sql`CREATE EXTENSION pg_stat_statements`.execute(owner);
  const db = createDatabase(url, { max: 20 });
  return {
    server,
    url,
    owner,
    db,
    stop: async () => {
      await db.destroy();
      await owner.destroy();
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(`${dataDir}.credentials.json`, { force: true });
    },
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

export interface BenchResult {
  id: string;
  name: string;
  figures: string;
  goal: string;
  met: boolean | null;
  notes?: string;
}

export function printTable(results: readonly BenchResult[]): void {
  const rows = results.map((r) => [r.id, r.name, r.figures, r.goal, r.met === null ? "n/a" : r.met ? "met" : "NOT MET"]);
  const header = ["#", "benchmark", "result", "goal", "status"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
  for (const row of rows) console.log(line(row));
  for (const r of results) if (r.notes) console.log(`\n${r.id}: ${r.notes}`);
}

/** Samples this process's memory while work runs: peak RSS and heap, in MiB. */
export function memorySampler(everyMs = 200) {
  let peakRss = 0;
  let peakHeap = 0;
  const take = () => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      take();
      return { peakRssMiB: Math.round(peakRss / 1048576), peakHeapMiB: Math.round(peakHeap / 1048576) };
    },
  };
}

/** BENCH_PG_STATEMENTS: forgets the statement counts so far (e.g. a warm-up's). */
export async function resetStatementCounts(owner: Database): Promise<void> {
  if (countingStatements()) await sql`SELECT pg_stat_statements_reset()`.execute(owner);
}

/** BENCH_PG_STATEMENTS: the statements that took the server's time since the last reset, then resets the counts. */
export async function printTopStatements(owner: Database, title: string, divisor: number): Promise<void> {
  if (!countingStatements()) return;
  const rows = await sql<{ query: string; calls: number; plans: number; total: number; planning: number; mean: number }>`
    SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS query, calls::int, plans::int, total_exec_time::float8 AS total,
      total_plan_time::float8 AS planning, mean_exec_time::float8 AS mean
    FROM pg_stat_statements ORDER BY total_exec_time + total_plan_time DESC LIMIT ${Number(process.env.BENCH_PG_TOP ?? 20)}`.execute(owner);
  const all = await sql<{ total: number; planning: number; calls: number }>`
    SELECT coalesce(sum(total_exec_time), 0)::float8 AS total, coalesce(sum(total_plan_time), 0)::float8 AS planning, coalesce(sum(calls), 0)::int AS calls
    FROM pg_stat_statements`.execute(owner);
  const sum = all.rows[0] ?? { total: 0, planning: 0, calls: 0 };
  console.log(`  ${title}: ${sum.calls} statements, ${(sum.total / divisor).toFixed(2)} ms of execution and ${(sum.planning / divisor).toFixed(2)} ms of planning per unit (${divisor} units); the top ones (execution, planning):`);
  for (const row of rows.rows) {
    console.log(`    ${row.total.toFixed(0).padStart(7)} ms ${row.planning.toFixed(0).padStart(6)} ms ${String(row.calls).padStart(7)}× ${row.mean.toFixed(3).padStart(8)} ms ${String(row.plans).padStart(7)} plans  ${row.query}`);
  }
  await resetStatementCounts(owner);
}

const CLOCK_TICKS_PER_SECOND = 100;

/** CPU seconds used so far by this machine's processes, grouped: this process (the load), PostgreSQL, other Node processes (the server). */
export function cpuByRole(): Record<"load" | "postgres" | "server" | "other", number> {
  const totals = { load: 0, postgres: 0, server: 0, other: 0 };
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // the process ended while we looked
    }
    const command = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const seconds = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
    const role = Number(entry) === process.pid ? "load" : command === "postgres" ? "postgres" : command.startsWith("node") || command.startsWith("MainThread") ? "server" : "other";
    totals[role] += seconds;
  }
  return totals;
}

/** Milliseconds of CPU per unit of work, by role, between two `cpuByRole` readings. */
export function cpuPerUnit(before: ReturnType<typeof cpuByRole>, after: ReturnType<typeof cpuByRole>, units: number): string {
  const roles = ["server", "postgres", "load", "other"] as const;
  return roles.map((role) => `${role} ${(((after[role] - before[role]) * 1000) / Math.max(1, units)).toFixed(1)}`).join(", ") + " ms CPU each";
}

/**
 * Runs autocannon and reports each response's status and time (ms) as it comes: the instance's
 * "response" event, which autocannon emits but its types do not list. A request's own onResponse
 * runs just before it, so a caller can tell which request a response answered.
 */
export function timedAutocannon(options: autocannon.Options, onResponse: (status: number, ms: number) => void): Promise<autocannon.Result> {
  return new Promise((done, fail) => {
    const instance = autocannon(options, (error: unknown, result: autocannon.Result) => (error ? fail(error) : done(result)));
    (instance as NodeJS.EventEmitter).on("response", (_client: unknown, status: number, _bytes: number, ms: number) => onResponse(status, ms));
  });
}

