import { benchCloseCampaign } from "../tests/bench/close-campaign";
import { benchPledgeApi } from "../tests/bench/pledge-api";
import { printTable, type BenchResult } from "../tests/bench/harness";

// npm run bench [-- P1 P2 …]: runs the benchmarks and prints their figures as a table.
const benches: Record<string, () => Promise<BenchResult>> = {
  P1: () => benchPledgeApi(Number(process.env.BENCH_SECONDS ?? 15)),
  P2: () => benchCloseCampaign(Number(process.env.BENCH_PLEDGES ?? 100_000)),
};

const chosen = process.argv.slice(2).filter((id) => id in benches);
const results: BenchResult[] = [];
for (const id of chosen.length > 0 ? chosen : Object.keys(benches)) {
  console.log(`running ${id}…`);
  const bench = benches[id];
  if (bench) results.push(await bench());
}
console.log(`\nmachine: ${(await import("node:os")).cpus().length} cores, ${Math.round((await import("node:os")).totalmem() / 2 ** 30)} GiB, node ${process.version}\n`);
printTable(results);
process.exit(0);
