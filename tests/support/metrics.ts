import type { AppMetrics } from "../../app/server/metrics.server";

/** The value of one series of a metric (0 when it was never touched). */
export async function metricValue(metrics: AppMetrics, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const found = values.find((v) => Object.entries(labels).every(([key, value]) => String(v.labels[key]) === value) && !("le" in v.labels));
  return found?.value ?? 0;
}
