import { spawnSync } from "node:child_process";
import { cpus, loadavg, totalmem } from "node:os";
import { resolve } from "node:path";
import { benchCloseCampaign } from "../tests/bench/close-campaign";
import { benchLoanSchedules } from "../tests/bench/loan-schedules";
import { benchPledgeApi } from "../tests/bench/pledge-api";
import { benchDemoPages, benchPublicPages } from "../tests/bench/public-pages";
import { printTable, type BenchResult } from "../tests/bench/harness";

// npm run bench [-- P1 P2 …]: runs the benchmarks and prints their figures as one table.
// Sizes for a quick look: BENCH_SECONDS, BENCH_PLEDGES (P2), BENCH_ENTRIES (P3),
// BENCH_CAMPAIGNS / BENCH_PAGE_PLEDGES / BENCH_LEDGER / BENCH_SPIKE_SECONDS (P4), BENCH_DEMO_SECONDS (P4d).
// Clients: BENCH_CLIENTS, a list of levels (P1); BENCH_PAGE_CLIENTS, a number (P4).

/** P3 runs in its own processes (it measures their peak RSS): its summary line becomes a row. */
function benchLedgerVerify(entries: number): BenchResult {
  const run = spawnSync(process.execPath, ["--import", "tsx", resolve(import.meta.dirname, "bench-ledger-verify.ts"), "--entries", String(entries)], { encoding: "utf8", maxBuffer: 16 << 20 });
  process.stdout.write(run.stdout.split("\n").map((l) => `  ${l}`).join("\n"));
  const summary = /P3: ([\d.]+) s for ([\d,]+) entries .*?: (met|NOT met); peak RSS (\d+) MB vs (\d+) MB for ([\d,]+) entries/.exec(run.stdout);
  const tree = /P3 tree: ([\d.]+) s for the Merkle tree .*?: (met|NOT met); built in ([\d.]+) s .*?verified from its tiles in ([\d.]+) s/.exec(run.stdout);
  if (!summary || !tree) return { id: "P3", name: "ledger verify", figures: "failed", goal: "< 10 s, constant memory", met: false, notes: run.stderr.slice(-2000) };
  return {
    id: "P3",
    name: `ledger verify of a ${summary[2]}-entry export; its Merkle tree built and verified`,
    figures: `${summary[1]} s, peak RSS ${summary[4]} MB (${summary[5]} MB for ${summary[6]} entries); tree ${tree[1]} s (build ${tree[3]} s, verify ${tree[4]} s)`,
    goal: "< 10 s each, constant memory",
    met: summary[3] === "met" && tree[2] === "met",
  };
}

const seconds = Number(process.env.BENCH_SECONDS ?? 15);
const benches: Record<string, () => Promise<BenchResult> | BenchResult> = {
  P1: () => benchPledgeApi(seconds),
  P2: () => benchCloseCampaign(Number(process.env.BENCH_PLEDGES ?? 100_000)),
  P3: () => benchLedgerVerify(Number(process.env.BENCH_ENTRIES ?? 1_000_000)),
  P4: () =>
    benchPublicPages(
      { campaigns: Number(process.env.BENCH_CAMPAIGNS ?? 10_000), pledges: Number(process.env.BENCH_PAGE_PLEDGES ?? 1_000_000), ledgerEntries: Number(process.env.BENCH_LEDGER ?? 20_000) },
      seconds,
    ),
  P4d: () => benchDemoPages(Number(process.env.BENCH_DEMO_SECONDS ?? 12)),
  P5: () => benchLoanSchedules(),
};

const chosen = process.argv.slice(2).filter((id) => id in benches);
const results: BenchResult[] = [];
const loadBefore = loadavg()[0] ?? 0;
for (const id of chosen.length > 0 ? chosen : Object.keys(benches)) {
  console.log(`running ${id}…`);
  const bench = benches[id];
  if (bench) results.push(await bench());
}
console.log(`\nmachine: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}; load average ${loadBefore.toFixed(2)} at the start, ${(loadavg()[0] ?? 0).toFixed(2)} at the end\n`);
printTable(results);
process.exit(0);
