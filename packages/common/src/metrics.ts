import type { MiddlewareHandler } from "hono";
import { z } from "zod";
import { groupCommitPer } from "./group-commit";

/**
 * Business metrics, written to Workers Analytics Engine (one dataset, `tickets_metrics`, shared
 * by every worker). The names are this list and nothing else, so a dashboard query or an alert
 * rule (docs/alerts.md) cannot drift from what the code writes.
 */
export const METRIC_NAMES = [
  /** orders: a new order held its tickets (201). subject = eventId */
  "order_created",
  /** orders: POST /api/orders refused with 409 sold_out. subject = eventId */
  "order_sold_out",
  /** payments: a verified IPN recorded an outcome. label = succeeded | failed, subject = orderId */
  "payment",
  /** payments: an IPN answered with anything but 00. label = bad_checksum | order_not_found | invalid_amount | already_confirmed | unknown_error */
  "ipn_error",
  /** tickets: tickets issued for a confirmed order. value = ms from the payment's record to issuance, subject = orderId */
  "tickets_issued",
  /** tickets: a check-in attempt (online or synced). label = admitted | already_checked_in | void | superseded | not_found | invalid, subject = eventId */
  "check_in",
  /** any inbox consumer: age of the oldest message of a batch when it is consumed. label = queue, value = ms */
  "queue_lag",
  /** events (WaitingRoom): an account took a place. label = presale | waiting | admitted (room off), subject = eventId */
  "waiting_room_joined",
  /** events (WaitingRoom): buyers let in by one admission tick. value = how many, label = the rate factor (1, 0.5, 0), subject = eventId */
  "waiting_room_admitted",
  /** any dead-letter consumer: a message parked after its retries ran out. label = queue */
  "dead_letter",
  /** any worker: a response with status ≥ 500. label = status code */
  "http_5xx",
] as const;
export const metricNameSchema = z.enum(METRIC_NAMES);
export type MetricName = z.infer<typeof metricNameSchema>;

/**
 * One data point as stored: Analytics Engine's columns are positional, so the layout is fixed
 * here once: blob1 = name, blob2 = worker, blob3 = label, blob4 = subject, double1 = value,
 * index1 = name (the sampling key: each metric is sampled on its own).
 */
export const metricPointSchema = z.object({
  name: metricNameSchema,
  worker: z.string().max(40),
  label: z.string().max(80).default(""),
  subject: z.string().max(120).default(""),
  value: z.number().default(1),
  /** ms since epoch; set by the local recorder (Analytics Engine stamps its own `timestamp`). */
  at: z.number().int().optional(),
});
export type MetricPoint = z.infer<typeof metricPointSchema>;
export type MetricInput = { label?: string; subject?: string; value?: number };

/** The development recorder (workers/dev-metrics) over RPC: bound only by `npm run dev` and the tests. */
export type MetricsRecorder = { record(points: MetricPoint[]): Promise<unknown> };
/** Reading it back (tests, and the local driver of GET /api/admin/metrics). `since`: ms since epoch. */
export type MetricsReader = MetricsRecorder & {
  points(query?: { since?: number; name?: MetricName; subject?: string }): Promise<MetricPoint[]>;
};

/**
 * What a worker binds to write metrics: `METRICS` (Analytics Engine; locally Wrangler accepts
 * the binding and drops every write) and, in development only, `DEV_METRICS`, which keeps the
 * points where tests and the local admin summary can read them.
 */
export type MetricsEnv = { METRICS?: AnalyticsEngineDataset; DEV_METRICS?: MetricsRecorder };

export function toDataPoint(p: MetricPoint): AnalyticsEngineDataPoint {
  return { blobs: [p.name, p.worker, p.label, p.subject], doubles: [p.value], indexes: [p.name] };
}

/**
 * Development only: points recorded at the same time in one isolate share one call to the
 * dev-metrics worker (a flash sale records several per order; one RPC each was a measurable
 * share of the local runtime's time, which production's writeDataPoint does not cost).
 */
const recordDevPoint = groupCommitPer<MetricsRecorder, MetricPoint>(async (recorder, points) => void (await recorder.record(points)), { windowMs: 0, maxItems: 500 });

/**
 * Writes one data point. Analytics Engine's write is synchronous and never fails the request;
 * the returned promise only waits for the development recorder (resolved at once in
 * production), so a request handler may hand it to `waitUntil` instead of awaiting it.
 */
export function recordMetric(env: MetricsEnv, worker: string, name: MetricName, input: MetricInput = {}): Promise<void> {
  const point = metricPointSchema.parse({ name, worker, ...input });
  try {
    env.METRICS?.writeDataPoint(toDataPoint(point));
  } catch (err) {
    console.error(JSON.stringify({ level: "error", msg: "metric_write_failed", name, error: (err as Error).message }));
  }
  if (!env.DEV_METRICS) return Promise.resolve();
  return recordDevPoint(env.DEV_METRICS, { ...point, at: Date.now() }, () => undefined).then(
    () => undefined,
    (err) => console.error(JSON.stringify({ level: "error", msg: "dev_metric_failed", name, error: (err as Error).message })),
  );
}

/** Counts every 5xx this worker answers (`http_5xx`, labelled with the status). */
export function countServerErrors(worker: string): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (c.res.status < 500) return;
    const pending = recordMetric((c.env ?? {}) as MetricsEnv, worker, "http_5xx", { label: String(c.res.status) });
    try {
      c.executionCtx.waitUntil(pending);
    } catch {
      await pending; // no execution context (app.request in a test)
    }
  };
}
