import { METRIC_NAMES, type MetricName, type MetricPoint, type MetricsReader } from "@tickets/common";

/** One group of data points: how many (sample-weighted) and the largest value. */
export type MetricGroup = { name: MetricName; worker: string; label: string; count: number; maxValue: number };
export type LagQuantiles = { count: number; p50: number | null; p95: number | null };

/**
 * Where the summary's figures come from. Production: the Analytics Engine SQL API. Development
 * and tests: the points the dev-metrics worker recorded (Wrangler drops local Analytics Engine writes).
 */
export interface MetricsSource {
  readonly kind: "analytics_engine" | "local";
  groups(since: Date): Promise<MetricGroup[]>;
  issuanceLag(since: Date): Promise<LagQuantiles>;
}

export type MetricsSummary = {
  source: MetricsSource["kind"];
  from: string;
  to: string;
  counts: Record<MetricName, number>;
  byLabel: Partial<Record<MetricName, Record<string, number>>>;
  issuanceLagMs: LagQuantiles;
  serverErrors: { total: number; byWorker: Record<string, number> };
  /** Per inbox queue: the oldest message a consumer picked up in the window (ms). */
  queueLagMaxMs: Record<string, number>;
};

/** Metrics whose label is worth a breakdown in the summary. */
const LABELLED: MetricName[] = ["payment", "ipn_error", "check_in", "dead_letter", "http_5xx"];

export async function metricsSummary(source: MetricsSource, now: Date, windowMinutes = 60): Promise<MetricsSummary> {
  const since = new Date(now.getTime() - windowMinutes * 60_000);
  const [groups, issuanceLagMs] = await Promise.all([source.groups(since), source.issuanceLag(since)]);
  const counts = Object.fromEntries(METRIC_NAMES.map((n) => [n, 0])) as Record<MetricName, number>;
  const byLabel: MetricsSummary["byLabel"] = {};
  const serverErrors = { total: 0, byWorker: {} as Record<string, number> };
  const queueLagMaxMs: Record<string, number> = {};
  for (const g of groups) {
    if (!(g.name in counts)) continue; // a name this version no longer writes
    counts[g.name] += g.count;
    if (LABELLED.includes(g.name)) {
      const labels = (byLabel[g.name] ??= {});
      labels[g.label] = (labels[g.label] ?? 0) + g.count;
    }
    if (g.name === "http_5xx") {
      serverErrors.total += g.count;
      serverErrors.byWorker[g.worker] = (serverErrors.byWorker[g.worker] ?? 0) + g.count;
    }
    if (g.name === "queue_lag") queueLagMaxMs[g.label] = Math.max(queueLagMaxMs[g.label] ?? 0, g.maxValue);
  }
  return { source: source.kind, from: since.toISOString(), to: now.toISOString(), counts, byLabel, issuanceLagMs, serverErrors, queueLagMaxMs };
}

/** Nearest-rank quantile of sorted values (what Analytics Engine's quantileExactWeighted returns: a value that occurred). */
export function quantile(sorted: number[], q: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** The local driver: the dev-metrics worker's points, grouped here. */
export function localSource(reader: MetricsReader): MetricsSource {
  const points = (since: Date, name?: MetricName) => reader.points({ since: since.getTime(), name });
  return {
    kind: "local",
    async groups(since) {
      const groups = new Map<string, MetricGroup>();
      for (const p of await points(since)) {
        const key = JSON.stringify([p.name, p.worker, p.label]);
        const g = groups.get(key) ?? { name: p.name, worker: p.worker, label: p.label, count: 0, maxValue: -Infinity };
        g.count += 1;
        g.maxValue = Math.max(g.maxValue, p.value);
        groups.set(key, g);
      }
      return [...groups.values()];
    },
    async issuanceLag(since) {
      const lags = (await points(since, "tickets_issued")).map((p: MetricPoint) => p.value).sort((a, b) => a - b);
      return { count: lags.length, p50: quantile(lags, 0.5), p95: quantile(lags, 0.95) };
    },
  };
}
