import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
export { outbox, processedEvents, deadLetters } from "@tickets/common";

/** Mirrors migrations/reports/0002_sales_read_model.sql. Days are Vietnam days 'YYYY-MM-DD'; times ms. */
export const eventInfo = sqliteTable(
  "event_info",
  {
    eventId: text("event_id").primaryKey(),
    organizerId: text("organizer_id").notNull(),
    title: text("title").notNull(),
    refreshedAt: integer("refreshed_at").notNull(),
  },
  (t) => [index("event_info_organizer").on(t.organizerId)],
);

export const ticketTypeNames = sqliteTable(
  "ticket_type_names",
  { eventId: text("event_id").notNull(), ticketTypeId: text("ticket_type_id").notNull(), name: text("name").notNull() },
  (t) => [primaryKey({ columns: [t.eventId, t.ticketTypeId] })],
);

export const orderFacts = sqliteTable(
  "order_facts",
  {
    orderId: text("order_id").primaryKey(),
    eventId: text("event_id").notNull(),
    confirmedAt: integer("confirmed_at").notNull(),
    day: text("day").notNull(),
    totalVnd: integer("total_vnd").notNull(),
    stamp: text("stamp").notNull(),
  },
  (t) => [index("order_facts_event").on(t.eventId, t.day)],
);

export const orderItemFacts = sqliteTable(
  "order_item_facts",
  {
    orderId: text("order_id").notNull(),
    ticketTypeId: text("ticket_type_id").notNull(),
    unitPriceVnd: integer("unit_price_vnd").notNull(),
    quantity: integer("quantity").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.ticketTypeId] })],
);

export const refundFacts = sqliteTable(
  "refund_facts",
  {
    refundId: text("refund_id").primaryKey(),
    orderId: text("order_id").notNull(),
    eventId: text("event_id").notNull(),
    amountVnd: integer("amount_vnd").notNull(),
    succeededAt: integer("succeeded_at").notNull(),
    day: text("day").notNull(),
    appliedStamp: text("applied_stamp"),
  },
  (t) => [index("refund_facts_order").on(t.orderId), index("refund_facts_event").on(t.eventId)],
);

export const checkinFacts = sqliteTable("checkin_facts", {
  ticketId: text("ticket_id").primaryKey(),
  orderId: text("order_id").notNull(),
  eventId: text("event_id").notNull(),
  ticketTypeId: text("ticket_type_id").notNull(),
  checkedInAt: integer("checked_in_at").notNull(),
  day: text("day").notNull(),
  stamp: text("stamp").notNull(),
});

export const salesDaily = sqliteTable(
  "sales_daily",
  {
    eventId: text("event_id").notNull(),
    ticketTypeId: text("ticket_type_id").notNull(),
    day: text("day").notNull(),
    ticketsSold: integer("tickets_sold").notNull().default(0),
    grossVnd: integer("gross_vnd").notNull().default(0),
    refundedVnd: integer("refunded_vnd").notNull().default(0),
    checkIns: integer("check_ins").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.ticketTypeId, t.day] }), index("sales_daily_day").on(t.day, t.eventId)],
);

export const ordersDaily = sqliteTable(
  "orders_daily",
  { eventId: text("event_id").notNull(), day: text("day").notNull(), orders: integer("orders").notNull().default(0) },
  (t) => [primaryKey({ columns: [t.eventId, t.day] })],
);

export const salesMinutely = sqliteTable(
  "sales_minutely",
  {
    eventId: text("event_id").notNull(),
    minute: integer("minute").notNull(),
    ticketsSold: integer("tickets_sold").notNull().default(0),
    grossVnd: integer("gross_vnd").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.minute] })],
);

export const RUN_STATUSES = ["running", "ok", "drift", "failed"] as const;
export const reconciliationRuns = sqliteTable(
  "reconciliation_runs",
  {
    id: text("id").primaryKey(),
    startedAt: integer("started_at").notNull(),
    finishedAt: integer("finished_at"),
    status: text("status", { enum: RUN_STATUSES }).notNull(),
    eventsChecked: integer("events_checked").notNull().default(0),
    driftCount: integer("drift_count").notNull().default(0),
    error: text("error"),
  },
  (t) => [index("reconciliation_runs_started").on(t.startedAt)],
);

/**
 * ticketsSold, grossVnd (per ticket type) and orders: read model vs the orders worker; refunds and
 * refundsVnd: refund facts vs the refunds worker's succeeded refunds; refundedVnd: the aggregate vs
 * the refund facts it counted (a refund of an order never sold is a fact but is not counted).
 */
export const DRIFT_METRICS = ["ticketsSold", "grossVnd", "orders", "refunds", "refundsVnd", "refundedVnd"] as const;
export type DriftMetric = (typeof DRIFT_METRICS)[number];
export const reconciliationDrifts = sqliteTable(
  "reconciliation_drifts",
  {
    runId: text("run_id").notNull(),
    eventId: text("event_id").notNull(),
    ticketTypeId: text("ticket_type_id").notNull(),
    metric: text("metric", { enum: DRIFT_METRICS }).notNull(),
    expected: integer("expected").notNull(),
    actual: integer("actual").notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.eventId, t.ticketTypeId, t.metric] })],
);

export const dailyReports = sqliteTable(
  "daily_reports",
  {
    organizerId: text("organizer_id").notNull(),
    day: text("day").notNull(),
    r2Key: text("r2_key").notNull(),
    noticeId: text("notice_id").notNull(),
    writtenAt: integer("written_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.organizerId, t.day] })],
);

/** Mirrors migrations/reports/0004_audit_log.sql: one row per AuditRecorded event (id = its envelope id). */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: text("id").primaryKey(),
    at: text("at").notNull(),
    actorId: text("actor_id").notNull(),
    action: text("action").notNull(),
    target: text("target").notNull(),
    ip: text("ip"),
    service: text("service").notNull(),
    details: text("details"),
    recordedAt: integer("recorded_at").notNull(),
  },
  (t) => [index("audit_log_at").on(t.at, t.id), index("audit_log_actor").on(t.actorId, t.at, t.id)],
);
export type AuditRow = typeof auditLog.$inferSelect;

export const schema = {
  auditLog,
  eventInfo,
  ticketTypeNames,
  orderFacts,
  orderItemFacts,
  refundFacts,
  checkinFacts,
  salesDaily,
  ordersDaily,
  salesMinutely,
  reconciliationRuns,
  reconciliationDrifts,
  dailyReports,
};
export type DriftRow = typeof reconciliationDrifts.$inferSelect;
export type RunRow = typeof reconciliationRuns.$inferSelect;
