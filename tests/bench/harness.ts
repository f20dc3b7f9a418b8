import { rmSync } from "node:fs";
import { resolve } from "node:path";
import { sql } from "kysely";
import { createDatabase, type Database } from "../../app/utils/db.server";
import { freePort, startEmbeddedPostgres, type EmbeddedServer } from "../../db/embedded";
import { migrateToLatest } from "../../db/migrate";

const root = resolve(import.meta.dirname, "../..");

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
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort() });
  const admin = createDatabase(server.url, { asAppRole: false, max: 1 });
  await sql.raw("CREATE DATABASE hamkke_bench").execute(admin);
  await admin.destroy();
  const url = server.urlFor("hamkke_bench");
  const owner = createDatabase(url, { asAppRole: false, max: 4 });
  await migrateToLatest(owner);
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
