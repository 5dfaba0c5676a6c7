import { createRoute, z } from "@hono/zod-openapi";
import { ApiError, METRIC_NAMES, errorResponses, jsonResponse, listOf, paginationQuery, requireRole, type ServiceApp } from "@tickets/common";
import type { Env } from "./env";
import { getDb } from "./db/client";
import { askEvents, requireReportReader } from "./domain/access";
import { attachment, salesCsv } from "./domain/csv";
import { dailyReportKey } from "./domain/daily";
import { latestRuns } from "./domain/reconcile";
import { metricsSummary, localSource, type MetricsSource } from "./domain/metrics-summary";
import { analyticsEngineSource } from "./domain/analytics-engine";
import { listAudit } from "./domain/audit";
import { eventSales, salesSeries, summary, SERIES_KEEP_MINUTES } from "./domain/sales";
import { DRIFT_METRICS, RUN_STATUSES } from "./db/schema";

const vnd = z.number().int();
const figures = { ticketsSold: z.number().int(), grossVnd: vnd, refundedVnd: vnd, netVnd: vnd.openapi({ description: "grossVnd − refundedVnd" }) };
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

const EventSalesSchema = z
  .object({
    eventId: z.string(),
    title: z.string().nullable(),
    ...figures,
    orders: z.number().int(),
    checkIns: z.number().int(),
    byTicketType: z.array(z.object({ ticketTypeId: z.string(), name: z.string(), ...figures, checkIns: z.number().int() })),
    byDay: z.array(z.object({ date: date.openapi({ description: "Vietnam day (Asia/Ho_Chi_Minh)" }), ...figures, orders: z.number().int(), checkIns: z.number().int() })),
  })
  .openapi("EventSales");

const SummarySchema = z
  .object({
    events: z.array(z.object({ eventId: z.string(), title: z.string(), ...figures })),
    totals: z.object(figures),
  })
  .openapi("OrganizerSalesSummary");

const RunSchema = z
  .object({
    id: z.string(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    status: z.enum(RUN_STATUSES),
    eventsChecked: z.number().int(),
    driftCount: z.number().int(),
    error: z.string().nullable(),
    drifts: z.array(
      z.object({
        eventId: z.string(),
        ticketTypeId: z.string().nullable(),
        metric: z.enum(DRIFT_METRICS),
        expected: z.number().int().openapi({ description: "What the orders / refunds worker says" }),
        actual: z.number().int().openapi({ description: "What the read model says" }),
      }),
    ),
  })
  .openapi("ReconciliationRun");

const eventParam = z.object({ id: z.string().min(1).max(64) });
const csvContent = { "text/csv": { schema: z.string().openapi({ description: "RFC 4180, UTF-8 with BOM, whole VND" }) } };

const salesRoute = createRoute({
  method: "get",
  path: "/api/reports/events/{id}/sales",
  operationId: "getSalesReport",
  tags: ["reports"],
  summary: "Sales of one event: totals, per ticket type, per Vietnam day (organizer of the event, admin)",
  description: "`?format=csv` answers the same figures as a CSV attachment. Figures show within seconds of a confirmation, refund or check-in.",
  security: [{ bearer: [] }],
  request: { params: eventParam, query: z.object({ format: z.enum(["json", "csv"]).default("json") }) },
  responses: {
    200: { description: "The report", content: { "application/json": { schema: EventSalesSchema }, ...csvContent } },
    ...errorResponses(400, 401, 404, 503),
  },
});

const seriesRoute = createRoute({
  method: "get",
  path: "/api/reports/events/{id}/sales/series",
  operationId: "getSalesSeries",
  description: "The organizer of the event or an admin; others get 404. One point per minute over the requested window (gaps filled with zero) for the dashboard's live chart.",
  tags: ["reports"],
  summary: "Confirmed sales per minute for the live chart, oldest first, every minute present (organizer of the event, admin)",
  security: [{ bearer: [] }],
  request: { params: eventParam, query: z.object({ minutes: z.coerce.number().int().min(1).max(SERIES_KEEP_MINUTES).default(60) }) },
  responses: {
    200: jsonResponse(z.object({ items: z.array(z.object({ at: z.string(), ticketsSold: z.number().int(), grossVnd: vnd })) })),
    ...errorResponses(400, 401, 404),
  },
});

const summaryRoute = createRoute({
  method: "get",
  path: "/api/reports/organizer/summary",
  operationId: "getOrganizerSummary",
  description: "Organizers see totals (tickets, revenue, refunds, check-ins) for each of their events; admins see every event that has sales; buyers get 403.",
  tags: ["reports"],
  summary: "Totals per event across the caller's events (organizer; admin: every event with sales)",
  security: [{ bearer: [] }],
  responses: { 200: jsonResponse(SummarySchema), ...errorResponses(401, 403, 503) },
});

const reconciliationRoute = createRoute({
  method: "get",
  path: "/api/reports/admin/reconciliation",
  operationId: "listReconciliationRuns",
  description: "Admins only (403 otherwise). The nightly job compares the sales read model with the orders and refunds services; each run lists the drifts it found and corrected.",
  tags: ["reports"],
  summary: "Latest nightly reconciliation runs of the read model against orders and refunds, with their drifts (admin)",
  security: [{ bearer: [] }],
  request: { query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(10) }) },
  responses: { 200: jsonResponse(z.object({ items: z.array(RunSchema) })), ...errorResponses(400, 401, 403) },
});

const AuditEntrySchema = z
  .object({
    id: z.string(),
    at: z.string().openapi({ description: "When the action happened (ISO-8601 UTC)" }),
    actorId: z.string().openapi({ description: "User id of the organizer or admin who acted" }),
    action: z.string().openapi({ example: "event.publish", description: "`<thing>.<verb>`: event.create|update|publish|cancel, ticket_type.create|update, staff.invite|revoke, refund.request|retry, support.reply|status" }),
    target: z.string().openapi({ example: "event:01JD8X3T4P0000000000000000", description: "`<kind>:<id>` of what was acted on" }),
    ip: z.string().nullable().openapi({ description: "Client address the request came from" }),
    service: z.string().openapi({ description: "The service that owns the data and recorded the action" }),
    details: z.record(z.string(), z.unknown()).nullable().openapi({ description: "A few facts about the change (fields changed, amounts)" }),
  })
  .openapi("AuditEntry");

const auditRoute = createRoute({
  method: "get",
  path: "/api/admin/audit",
  operationId: "listAuditLog",
  description:
    "Admins only (401 without a token, 403 for anyone else). Each entry is written by the service that owns the data, in the same transaction as the change, and shows here within seconds. Newest first; `actorId` filters to one user.",
  tags: ["admin"],
  summary: "Audit log of organizer and admin actions: who, what, when, from where (admin)",
  security: [{ bearer: [] }],
  request: { query: paginationQuery.extend({ actorId: z.string().min(1).max(64).optional() }) },
  responses: { 200: jsonResponse(listOf(AuditEntrySchema)), ...errorResponses(400, 401, 403) },
});

const dailyFileRoute = createRoute({
  method: "get",
  path: "/api/reports/files/daily/{date}",
  operationId: "getDailyReportFile",
  description: "The organizer the report was written for (others get 404). The CSV of the day's sales per event and ticket type; 404 when no report exists for that day.",
  tags: ["reports"],
  summary: "The caller's daily sales report CSV of one Vietnam day (the link in the daily_report email; organizer)",
  security: [{ bearer: [] }],
  request: { params: z.object({ date }) },
  responses: { 200: { description: "The CSV", content: csvContent }, ...errorResponses(400, 401, 403, 404) },
});

const counts = z.record(z.string(), z.number());
const MetricsSummarySchema = z
  .object({
    source: z.enum(["analytics_engine", "local"]).openapi({ description: "Analytics Engine in a deployed environment; the dev-metrics recorder locally" }),
    from: z.string(),
    to: z.string(),
    counts: z.object(Object.fromEntries(METRIC_NAMES.map((n) => [n, z.number()])) as Record<(typeof METRIC_NAMES)[number], z.ZodNumber>),
    byLabel: z.record(z.string(), counts).openapi({ description: "payment by outcome, ipn_error by reason, check_in by result, dead_letter by queue, http_5xx by status" }),
    issuanceLagMs: z.object({ count: z.number(), p50: z.number().nullable(), p95: z.number().nullable() }).openapi({ description: "From the payment's record to the tickets' issuance" }),
    serverErrors: z.object({ total: z.number(), byWorker: counts }),
    queueLagMaxMs: counts.openapi({ description: "Per inbox queue: age of the oldest message a consumer picked up" }),
  })
  .openapi("MetricsSummary");

const metricsRoute = createRoute({
  method: "get",
  path: "/api/admin/metrics",
  operationId: "getMetricsSummary",
  description:
    "Admins only (403 otherwise). The business metrics of the last hour from Workers Analytics Engine: orders created, sold-out refusals, payments by outcome, IPN errors, ticket issuance lag (p50/p95), check-ins, consumer lag, dead letters and 5xx per worker. 503 when the Analytics Engine SQL API is not configured or does not answer.",
  tags: ["operations"],
  summary: "Platform metrics of the last hour (admin)",
  security: [{ bearer: [] }],
  responses: { 200: jsonResponse(MetricsSummarySchema), ...errorResponses(401, 403, 503) },
});

/** Locally the recorder's points; deployed, the Analytics Engine SQL API (null when its secrets are missing). */
function metricsSource(env: Env): MetricsSource | null {
  if (env.DEV_METRICS) return localSource(env.DEV_METRICS);
  if (!env.CLOUDFLARE_ACCOUNT_ID || !env.METRICS_API_TOKEN) return null;
  return analyticsEngineSource({ accountId: env.CLOUDFLARE_ACCOUNT_ID, apiToken: env.METRICS_API_TOKEN, dataset: env.METRICS_DATASET });
}

const csvHeaders = (filename: string) => ({
  "content-type": "text/csv; charset=utf-8",
  "content-disposition": attachment(filename),
  "cache-control": "no-store",
});

export function mountRoutes(app: ServiceApp<Env>) {
  app.openapi(salesRoute, async (c) => {
    const { id } = c.req.valid("param");
    await requireReportReader(c.env.EVENTS_RPC, id, c.get("identity"), c.get("log"));
    const ticketTypes = await c.env.EVENTS_RPC.listTicketTypes(id).catch((err: Error) => {
      // Without them the report still has every type that sold, under the name it was sold with.
      c.get("log").warn("events_ticket_types_failed", { eventId: id, error: err.message });
      return undefined;
    });
    const report = await eventSales(getDb(c.env.DB), id, { ticketTypes });
    if (c.req.valid("query").format === "csv") {
      return c.body(salesCsv(report), 200, csvHeaders(`sales-${report.title ?? id}.csv`));
    }
    return c.json(report, 200);
  });

  app.openapi(seriesRoute, async (c) => {
    const { id } = c.req.valid("param");
    await requireReportReader(c.env.EVENTS_RPC, id, c.get("identity"), c.get("log"));
    return c.json({ items: await salesSeries(getDb(c.env.DB), id, c.req.valid("query").minutes) }, 200);
  });

  app.openapi(summaryRoute, async (c) => {
    const who = requireRole(c.get("identity"), "organizer", "admin");
    const db = getDb(c.env.DB);
    if (who.roles.includes("organizer")) {
      const listed = await askEvents(() => c.env.EVENTS_RPC.listOrganizerEvents(who.userId), c.get("log"));
      return c.json(await summary(db, who.userId, listed), 200);
    }
    return c.json(await summary(db, null), 200);
  });

  app.openapi(reconciliationRoute, async (c) => {
    requireRole(c.get("identity"), "admin");
    return c.json({ items: await latestRuns(getDb(c.env.DB), c.req.valid("query").limit) }, 200);
  });

  app.openapi(metricsRoute, async (c) => {
    requireRole(c.get("identity"), "admin");
    const source = metricsSource(c.env);
    if (!source) throw new ApiError(503, "metrics_unavailable", "The Analytics Engine SQL API is not configured (CLOUDFLARE_ACCOUNT_ID, METRICS_API_TOKEN)");
    try {
      return c.json(await metricsSummary(source, new Date()), 200);
    } catch (err) {
      c.get("log").error("metrics_query_failed", { source: source.kind, error: (err as Error).message });
      throw new ApiError(503, "metrics_unavailable", "The metrics store did not answer; try again");
    }
  });

  app.use("/api/admin/audit", async (c, next) => {
    requireRole(c.get("identity"), "admin"); // 401/403 before a 400 for a bad query
    await next();
  });
  app.openapi(auditRoute, async (c) => c.json(await listAudit(getDb(c.env.DB), c.req.valid("query")), 200));

  app.openapi(dailyFileRoute, async (c) => {
    const who = requireRole(c.get("identity"), "organizer", "admin");
    const { date: day } = c.req.valid("param");
    // The key is derived from the caller's own identity: nobody can name another organizer's file.
    const file = await c.env.REPORTS_BUCKET.get(dailyReportKey(who.userId, day));
    if (!file) throw new ApiError(404, "report_not_found", "No daily report for that day");
    return c.body(await file.text(), 200, csvHeaders(`sales-${day}.csv`));
  });
}
