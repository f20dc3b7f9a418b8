import type { SequencingStatus } from "../ledger/sequencer.server";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * The product's Prometheus metrics, one registry per process. Counters and histograms count what
 * this process did; the `shared` gauges (queue depth, ledger head) read the database when scraped,
 * so every process reports the same value for them. Under WEB_CONCURRENCY the primary sums the web
 * processes' series (the shared gauges: their maximum), so one scrape describes the whole server.
 */
export interface AppMetrics {
  registry: Registry;
  httpRequests: Counter<"method" | "route" | "status">;
  httpDuration: Histogram<"method" | "route" | "status">;
  httpInFlight: Gauge;
  httpShed: Counter;
  jobsFailed: Counter<"queue">;
  chargesFailed: Counter;
  webhooksRejected: Counter<"provider">;
  loginsThrottled: Counter;
}

/** What the shared gauges read at scrape time. */
export interface SharedState {
  queueDepth(): Promise<{ queue: string; state: string; jobs: number }[]>;
  ledgerSequencing(): Promise<SequencingStatus>;
}

export function createMetrics(options: { shared?: SharedState; processMetrics?: boolean } = {}): AppMetrics {
  const { shared } = options;
  const registry = new Registry();
  // Node's own figures (memory, event-loop lag, CPU): once per process, not for test registries.
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: "hamkke_process_" });
  const labelled = { registers: [registry] };
  const metrics: AppMetrics = {
    registry,
    httpRequests: new Counter({ name: "hamkke_http_requests_total", help: "HTTP requests by route pattern and status.", labelNames: ["method", "route", "status"], ...labelled }),
    httpDuration: new Histogram({
      name: "hamkke_http_request_duration_seconds",
      help: "Time to the end of the response, by route pattern and status.",
      labelNames: ["method", "route", "status"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      ...labelled,
    }),
    httpInFlight: new Gauge({ name: "hamkke_http_requests_in_flight", help: "Requests being handled or waiting for a slot.", ...labelled }),
    httpShed: new Counter({ name: "hamkke_http_requests_shed_total", help: "Requests answered 503 because the server was at its limit.", ...labelled }),
    jobsFailed: new Counter({ name: "hamkke_jobs_failed_total", help: "Background jobs that failed in this process, by queue.", labelNames: ["queue"], ...labelled }),
    chargesFailed: new Counter({ name: "hamkke_charges_failed_total", help: "Pledge charges the processor declined.", ...labelled }),
    webhooksRejected: new Counter({ name: "hamkke_webhooks_rejected_total", help: "Webhook deliveries refused (bad or missing signature).", labelNames: ["provider"], ...labelled }),
    loginsThrottled: new Counter({ name: "hamkke_logins_throttled_total", help: "Log-ins refused by the throttle (429).", ...labelled }),
  };
  if (shared) {
    new Gauge({
      name: "hamkke_job_queue_depth",
      aggregator: "max",
      help: "Jobs waiting or running, by queue and state (from the database: the same on every process).",
      labelNames: ["queue", "state"],
      ...labelled,
      async collect() {
        this.reset();
        for (const row of await shared.queueDepth()) this.set({ queue: row.queue, state: row.state }, row.jobs);
      },
    });
    // Both ledger gauges come from one read per scrape (the registry collects them concurrently).
    let reading: Promise<SequencingStatus> | null = null;
    const sequencing = () => {
      reading ??= shared.ledgerSequencing().finally(() => setTimeout(() => (reading = null), 0));
      return reading;
    };
    new Gauge({
      name: "hamkke_ledger_head_seq",
      aggregator: "max",
      help: "Seq of the newest sequenced ledger entry (from the database).",
      ...labelled,
      async collect() {
        this.set((await sequencing()).headSeq);
      },
    });
    new Gauge({
      name: "hamkke_ledger_entries_waiting",
      aggregator: "max",
      help: "Ledger entries committed but not yet sequenced (read with the head seq).",
      ...labelled,
      async collect() {
        this.set((await sequencing()).waiting);
      },
    });
    new Gauge({
      name: "hamkke_ledger_oldest_waiting_seconds",
      aggregator: "max",
      help: "Seconds since the oldest entry still waiting for its seq was written (0 when none waits).",
      ...labelled,
      async collect() {
        this.set((await sequencing()).oldestWaitingSeconds);
      },
    });
  }
  return metrics;
}

export interface MetricsText {
  contentType: string;
  body: string;
}

/** This process's metrics in the Prometheus text format. */
export async function metricsText(metrics: AppMetrics): Promise<MetricsText> {
  return { contentType: metrics.registry.contentType, body: await metrics.registry.metrics() };
}
