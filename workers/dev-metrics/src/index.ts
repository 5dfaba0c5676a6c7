import { DurableObject, WorkerEntrypoint } from "cloudflare:workers";
import { z } from "zod";
import { errorResponse, metricNameSchema, metricPointSchema, type MetricPoint } from "@tickets/common";

type Env = { POINTS: DurableObjectNamespace<MetricPoints> };

export const pointsQuerySchema = z.object({
  /** ms since epoch; default: the last hour */
  since: z.coerce.number().int().nonnegative().optional(),
  name: metricNameSchema.optional(),
  subject: z.string().max(120).optional(),
});
export type PointsQuery = z.infer<typeof pointsQuerySchema>;

/** Local stand-in for an Analytics Engine dataset that can be read back: one table of points. */
export class MetricPoints extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      `CREATE TABLE IF NOT EXISTS metric_points (seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, name TEXT NOT NULL, worker TEXT NOT NULL, label TEXT NOT NULL, subject TEXT NOT NULL, value REAL NOT NULL);
       CREATE INDEX IF NOT EXISTS metric_points_at ON metric_points (at);`,
    );
  }

  record(points: MetricPoint[]): number {
    for (const p of points) {
      this.ctx.storage.sql.exec(
        "INSERT INTO metric_points (at, name, worker, label, subject, value) VALUES (?, ?, ?, ?, ?, ?)",
        p.at ?? Date.now(), p.name, p.worker, p.label, p.subject, p.value,
      );
    }
    return points.length;
  }

  list(query: PointsQuery): MetricPoint[] {
    const since = query.since ?? Date.now() - 3_600_000;
    return this.ctx.storage.sql
      .exec<{ at: number; name: string; worker: string; label: string; subject: string; value: number }>(
        `SELECT at, name, worker, label, subject, value FROM metric_points
         WHERE at >= ? AND (? IS NULL OR name = ?) AND (? IS NULL OR subject = ?) ORDER BY seq`,
        since, query.name ?? null, query.name ?? null, query.subject ?? null, query.subject ?? null,
      )
      .toArray()
      .map((row) => metricPointSchema.parse(row));
  }
}

const store = (env: Env) => env.POINTS.get(env.POINTS.idFromName("points"));

/**
 * What the other workers bind as DEV_METRICS: `record` (packages/common recordMetric), `points`
 * (the reports worker's local metrics driver), and GET /__dev/metrics for the e2e tests (routed
 * by the gateway in development only, like /__dev/cron).
 */
export class DevMetrics extends WorkerEntrypoint<Env> {
  async record(points: MetricPoint[]): Promise<number> {
    return store(this.env).record(points.map((p) => metricPointSchema.parse(p)));
  }

  async points(query: PointsQuery = {}): Promise<MetricPoint[]> {
    return store(this.env).list(pointsQuerySchema.parse(query));
  }

  override fetch(request: Request): Promise<Response> {
    return serve(request, this.env);
  }
}

async function serve(request: Request, env: Env): Promise<Response> {
  const url = new URL(request.url);
  if (request.method !== "GET" || url.pathname !== "/__dev/metrics") return errorResponse(404, "not_found", "No such route");
  const query = pointsQuerySchema.safeParse(Object.fromEntries(url.searchParams));
  if (!query.success) return errorResponse(400, "invalid_request", "Query must be since?, name?, subject?", query.error.issues);
  return Response.json({ items: await store(env).list(query.data) });
}

export default { fetch: (request, env) => serve(request, env) } satisfies ExportedHandler<Env>;
