import { readdirSync } from "node:fs";
import { loadavg } from "node:os";
import { resolve } from "node:path";
import autocannon from "autocannon";
import { verifyStoredLedger } from "../../app/ledger/ledger.server";
import { seedDemoData } from "../../db/seed/seed";
import { generateBenchData } from "./data";
import { cpuByRole, cpuPerUnit, percentile, printTopStatements, resetStatementCounts, startBenchDatabase, timedAutocannon, type BenchResult } from "./harness";
import { startServer } from "./pledge-api";

/**
 * What every browser sends: pages and assets then go out compressed, as they do to people. Without
 * it the spike's 72 KB bodies cost the load generator more CPU than the server (0.8 against 0.5 ms
 * a request): it measured autocannon.
 */
const BROWSER_HEADERS = { "accept-encoding": "br, gzip" };

/** One autocannon run: requests per second, latency percentiles (ms) and every kind of failure. */
export async function load(url: string, paths: readonly string[], connections: number, seconds: number) {
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    timeout: 10,
    headers: BROWSER_HEADERS,
    // Each connection asks for the paths in turn, as many visitors arriving from one link would.
    requests: paths.map((path) => ({ method: "GET", path })),
  });
  return {
    perSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures: result.errors + result.timeouts + result.non2xx,
  };
}

/**
 * Closed-loop clients over several kinds of page: each connection asks for the kinds in turn (the
 * path of each request from its kind's function and a running count), as `fetch` loops did, but
 * with autocannon's much cheaper client, which leaves the machine's two cores to the server. The
 * response time of every request, by kind, and the answers that were not 200 (or none: "failed").
 */
async function mixedLoad(url: string, pages: Record<string, (i: number) => string>, connections: number, seconds: number, firstRequest: number) {
  const names = Object.keys(pages);
  const timings = new Map<string, number[]>(names.map((name) => [name, []]));
  const statuses = new Map<number | "failed", number>();
  let requested = firstRequest;
  // A response's kind is recorded by its request's onResponse, just before timedAutocannon reports the response.
  let answered: string | null = null;
  const result = await timedAutocannon(
    {
      url,
      connections,
      duration: seconds,
      timeout: 10,
      headers: BROWSER_HEADERS,
      requests: names.map((name) => ({
        method: "GET" as const,
        setupRequest: (request) => ({ ...request, path: pages[name]?.(requested++) ?? "/" }),
        onResponse: () => {
          answered = name;
        },
      })),
    },
    (status, ms) => {
      if (answered) timings.get(answered)?.push(ms);
      if (status !== 200) statuses.set(status, (statuses.get(status) ?? 0) + 1);
    },
  );
  if (result.errors + result.timeouts > 0) statuses.set("failed", result.errors + result.timeouts);
  return { timings, statuses };
}

const describeLoad = (r: Awaited<ReturnType<typeof load>>) => `${Math.round(r.perSecond)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.failures} errors`;

// Its own variable: P1 reads BENCH_CLIENTS as a list of levels.
const CLIENTS = Number(process.env.BENCH_PAGE_CLIENTS ?? 50);

/**
 * P4: public pages under 50 concurrent clients with 10,000 campaigns and 1,000,000 pledges in the
 * database: a campaign page (random campaign), the campaign index, the ledger page and a campaign
 * escrow account page. Times are client-side on localhost (server time plus loopback).
 */
export async function benchPublicPages(sizes = { campaigns: 10_000, pledges: 1_000_000, ledgerEntries: 20_000 }, seconds = 15): Promise<BenchResult> {
  if (!Number.isSafeInteger(CLIENTS) || CLIENTS < 1) throw new Error(`BENCH_PAGE_CLIENTS must be a whole number of clients (got ${process.env.BENCH_PAGE_CLIENTS})`);
  const bench = await startBenchDatabase("pages");
  try {
    const data = await generateBenchData(bench.owner, sizes);
    console.log(`  generated ${sizes.campaigns} campaigns, ${sizes.pledges} pledges in ${data.seconds.rows.toFixed(0)} s; ${sizes.ledgerEntries} ledger entries (real append path) in ${data.seconds.ledger.toFixed(0)} s`);
    const server = await startServer(bench.url);
    try {
      const pages: Record<string, (i: number) => string> = {
        campaign: (i) => `/campaigns/${data.slugs(i * 7919)}`,
        index: () => "/campaigns",
        ledger: () => "/ledger",
        // Campaigns with ledger entries (the generated ledger covers the first tenth of its size).
        account: (i) => `/ledger/accounts/${encodeURIComponent(`campaign:${1 + ((i * 104_729) % Math.min(sizes.campaigns, Math.max(1, Math.floor(sizes.ledgerEntries / 10))))}:escrow`)}`,
      };
      const names = Object.keys(pages);
      // Warm-up: the first requests compile the bundle's routes and fill PostgreSQL's caches.
      for (const name of names) await (await fetch(`${server.url}${pages[name]?.(0)}`)).arrayBuffer();
      // Service time: one client, one request at a time (no queueing behind other requests).
      const alone = new Map<string, number[]>(names.map((name) => [name, []]));
      for (let i = 0; i < 40 * names.length; i++) {
        const name = names[i % names.length] ?? "index";
        const started = performance.now();
        await (await fetch(`${server.url}${pages[name]?.(i + 1)}`)).arrayBuffer();
        alone.get(name)?.push(performance.now() - started);
      }
      const aloneP95 = new Map(names.map((name) => [name, percentile([...(alone.get(name) ?? [])].sort((a, b) => a - b), 95)]));
      await resetStatementCounts(bench.owner);
      const cpuBefore = cpuByRole();
      const { timings, statuses } = await mixedLoad(server.url, pages, CLIENTS, seconds, 40 * names.length + 1);
      const errors = [...statuses.values()].reduce((sum, n) => sum + n, 0);
      const served = [...timings.values()].reduce((sum, t) => sum + t.length, 0);
      console.log(`  ${CLIENTS} clients: ${Math.round(served / seconds)} pages/s; ${cpuPerUnit(cpuBefore, cpuByRole(), served)}`);
      await printTopStatements(bench.owner, `${CLIENTS} clients`, served);
      // A spike: 500 visitors at once on one shared campaign, the index and the ledger, for 30 s.
      const spikeSeconds = Number(process.env.BENCH_SPIKE_SECONDS ?? 30);
      const spike = await load(server.url, ["/campaigns/bench-1", "/campaigns", "/ledger"], 500, spikeSeconds);
      // Yardstick in the same run: the same server's /healthz against a campaign page, 50 connections each.
      const healthz = await load(server.url, ["/healthz"], 50, 10);
      const campaignPage = await load(server.url, ["/campaigns/bench-1"], 50, 10);
      const p95 = new Map(names.map((name) => [name, percentile([...(timings.get(name) ?? [])].sort((a, b) => a - b), 95)]));
      const worst = Math.max(...p95.values());
      const verified = await verifyStoredLedger(bench.db);
      return {
        id: "P4",
        name: `public pages, ${CLIENTS} clients, ${sizes.campaigns.toLocaleString("en-US")} campaigns / ${sizes.pledges.toLocaleString("en-US")} pledges`,
        figures:
          `${CLIENTS} clients: p95 ${names.map((name) => `${name} ${p95.get(name)?.toFixed(0)}`).join(", ")} ms, ${Math.round(served / seconds)} req/s, ${errors} errors; ` +
          `1 client: p95 ${names.map((name) => `${name} ${aloneP95.get(name)?.toFixed(0)}`).join(", ")} ms (load ${loadavg()[0]?.toFixed(2)}); ledger ${verified.ok ? "verifies" : "FAILS"} (${verified.entries} entries)`,
        goal: "p95 < 50 ms, ≥ 1,000 pages/s; spike 0 errors, p99 < 1 s; no seq scan on large tables (integration test)",
        met: errors === 0 && worst < 50 && served / seconds >= 1000 && spike.failures === 0 && spike.p99 < 1000 && verified.ok,
        notes:
          `spike of 500 clients for ${spikeSeconds} s on one campaign, the index and the ledger: ${describeLoad(spike)}; ` +
          `50 connections: campaign page ${describeLoad(campaignPage)}, /healthz ${describeLoad(healthz)}: campaign page / healthz = ${(campaignPage.perSecond / healthz.perSecond).toFixed(2)} ` +
          `(load ${loadavg()[0]?.toFixed(2)})${errors > 0 ? `; non-200 answers: ${JSON.stringify(Object.fromEntries(statuses))}` : ""}`,
      };
    } finally {
      await server.stop();
    }
  } finally {
    await bench.stop();
  }
}

/**
 * P4 on the demo data (what `npm start` serves): a campaign page against the same server's
 * stylesheet, each under 200 concurrent connections.
 */
export async function benchDemoPages(seconds = 12): Promise<BenchResult> {
  const bench = await startBenchDatabase("demo-pages");
  try {
    await seedDemoData(bench.owner);
    const server = await startServer(bench.url);
    try {
      const assets = resolve(import.meta.dirname, "../../build/public/build/_assets");
      const stylesheet = readdirSync(assets).find((name) => name.endsWith(".css"));
      if (!stylesheet) throw new Error("no stylesheet in the build: npm run build");
      await load(server.url, ["/campaigns/demo-local-food-cafe", `/build/_assets/${stylesheet}`], 20, 2);
      const page = await load(server.url, ["/campaigns/demo-local-food-cafe"], 200, seconds);
      const asset = await load(server.url, [`/build/_assets/${stylesheet}`], 200, seconds);
      const ratio = page.perSecond / asset.perSecond;
      const verified = await verifyStoredLedger(bench.db);
      return {
        id: "P4d",
        name: "demo data, 200 connections: campaign page vs the stylesheet",
        figures: `campaign page ${describeLoad(page)}; stylesheet ${describeLoad(asset)}; ratio ${(ratio * 100).toFixed(0)} % (load ${loadavg()[0]?.toFixed(2)}); ledger ${verified.ok ? "verifies" : "FAILS"} (${verified.entries} entries)`,
        goal: "campaign page ≥ 50 % of the static asset's req/s",
        met: ratio >= 0.5 && page.failures === 0 && verified.ok,
      };
    } finally {
      await server.stop();
    }
  } finally {
    await bench.stop();
  }
}
