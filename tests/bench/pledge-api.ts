import { generateKeyPairSync } from "node:crypto";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { sql } from "kysely";
import { createSession } from "../../app/auth/session.server";
import { verifyStoredLedger } from "../../app/ledger/ledger.server";
import { freePort } from "../../db/embedded";
import { seoulDateInDays } from "../support/dates";
import { percentile, startBenchDatabase, type BenchResult } from "./harness";

const root = resolve(import.meta.dirname, "../..");
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);

function findPgbench(): string | null {
  for (const candidate of ["/usr/lib/postgresql/17/bin/pgbench", "/usr/lib/postgresql/16/bin/pgbench", "/usr/lib/postgresql/15/bin/pgbench", "/usr/bin/pgbench"]) {
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/** pgbench's TPC-B-like read-write TPS against the same server, as the yardstick for P1. */
function pgbenchTps(url: string, seconds: number): number | null {
  const binary = findPgbench();
  if (!binary) return null;
  const target = new URL(url);
  const env = { ...process.env, PGPASSWORD: decodeURIComponent(target.password), PGHOST: target.hostname, PGPORT: target.port, PGUSER: target.username };
  execFileSync(binary, ["-i", "-q", "-s", "10", "postgres"], { env, stdio: "ignore" });
  const output = execFileSync(binary, ["-c", String(CLIENTS), "-j", "2", "-T", String(seconds), "-M", "prepared", "postgres"], { env }).toString();
  const match = output.match(/tps = ([\d.]+) \(without initial connection time\)/);
  return match?.[1] ? Number(match[1]) : null;
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

/**
 * P1: the pledge API end to end: HTTP → validation → pledge → demo card → collected → two
 * chained ledger entries, from 50 concurrent clients, keep-it-all so every pledge hits the ledger.
 */
export async function benchPledgeApi(seconds = 15): Promise<BenchResult> {
  const bench = await startBenchDatabase("pledge");
  try {
    const o = bench.owner;
    const host = await o.insertInto("host_organisations").values({ key: "bench", name: "벤치마크 구청", kind: "district", region: "광주" }).returning("id").executeTakeFirstOrThrow();
    const enterprise = await o
      .insertInto("enterprises")
      .values({ host_id: host.id, name: "벤치 협동조합", type: "cooperative", representative: "대표", district: "광주 광산구", business: "벤치", employees: 3, vulnerable_employees: 1, status: "verified", verified_at: new Date() })
      .returning("id")
      .executeTakeFirstOrThrow();
    const today = new Date().toISOString().slice(0, 10);
    const campaign = await o
      .insertInto("campaigns")
      .values({ slug: "bench-live", enterprise_id: enterprise.id, title: "벤치마크", goal_won: 10_000_000_000, funding_model: "keep_it_all", state: "draft", starts_on: seoulDateInDays(-30), ends_on: seoulDateInDays(365) })
      .returning("id")
      .executeTakeFirstOrThrow();
    await o.insertInto("budget_lines").values({ campaign_id: campaign.id, name: "전체", amount_won: 10_000_000_000 }).execute();
    for (const state of ["in_review", "approved", "live"] as const) await o.updateTable("campaigns").set({ state }).where("id", "=", campaign.id).execute();
    await sql`INSERT INTO users (email, password_hash, display_name) SELECT 'client' || i || '@bench.local', 'x', '후원자 ' || i FROM generate_series(1, ${CLIENTS}) i`.execute(o);
    const users = await o.selectFrom("users").select("id").orderBy("id").execute();
    const tokens = await Promise.all(users.map((u) => createSession(o, u.id, { ip: null, userAgent: null, now: new Date() })));
    const server = await startServer(bench.url);
    const csrf = "b".repeat(43);
    let latencies: number[] = [];
    let failures = 0;
    let counter = 0;
    try {
      const runFor = async (ms: number, record: boolean) => {
        const until = performance.now() + ms;
        await Promise.all(
          tokens.map(async (token) => {
            while (performance.now() < until) {
              counter += 1;
              const started = performance.now();
              const response = await fetch(`${server.url}/api/v1/campaigns/bench-live/pledges`, {
                method: "POST",
                headers: { "Content-Type": "application/json", Origin: server.url, Cookie: `hf_session=${token}; hf_csrf=${csrf}`, "X-CSRF-Token": csrf, "Idempotency-Key": `bench-${counter}-${today}` },
                body: JSON.stringify({ amount: 10_000, kind: "donation", backerKind: "individual", card: { number: "4242424242424242", expiry: "12/30", cvc: "123" } }),
              });
              const body = (await response.json()) as { state?: string };
              if (!record) continue;
              if (response.status === 201 && body.state === "collected") latencies.push(performance.now() - started);
              else failures += 1;
            }
          }),
        );
      };
      await runFor(3000, false);
      latencies = [];
      await runFor(seconds * 1000, true);
    } finally {
      await server.stop();
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    const throughput = latencies.length / seconds;
    const p99 = percentile(sorted, 99);
    const verified = await verifyStoredLedger(bench.db);
    const tps = pgbenchTps(bench.server.url, 10);
    const ratio = tps ? ` = ${((throughput / tps) * 100).toFixed(0)} % of pgbench ${Math.round(tps)} TPS` : " (pgbench not installed: apt-get install postgresql-15)";
    return {
      id: "P1",
      name: `pledge API, ${CLIENTS} clients, demo card, keep-it-all (2 ledger entries each)`,
      figures: `${throughput.toFixed(0)} pledges/s${ratio}; p50 ${percentile(sorted, 50).toFixed(0)} ms, p99 ${p99.toFixed(0)} ms; ${failures} failed; ledger ${verified.ok ? "verifies" : "FAILS"} (${verified.entries} entries)`,
      goal: "≥ 500 pledges/s, p99 < 150 ms",
      met: throughput >= 500 && p99 < 150 && failures === 0 && verified.ok,
    };
  } finally {
    await bench.stop();
  }
}
