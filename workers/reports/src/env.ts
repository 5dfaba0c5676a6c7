import type { QueueEnv, MetricsReader } from "@tickets/common";
import type { EventsRpc } from "../../events/src/rpc";
import type { OrdersRpc } from "../../orders/src/rpc";
import type { RefundsRpc } from "../../refunds/src/rpc";

/** What reports calls on other workers' RPC entrypoints. */
export type EventsApi = Pick<EventsRpc, "getEventAccess" | "getEventSummary" | "listOrganizerEvents" | "listTicketTypes">;
export type OrdersApi = Pick<OrdersRpc, "salesTotals">;
export type RefundsApi = Pick<RefundsRpc, "succeededTotals">;

export type Env = QueueEnv & {
  DB: D1Database;
  INTERNAL_AUTH_SECRET: string;
  /** Business metrics (Analytics Engine; packages/common/src/metrics.ts). */
  METRICS: AnalyticsEngineDataset;
  /** Development only: the readable local copy of the metrics (workers/dev-metrics); GET /api/admin/metrics reads it when bound. */
  DEV_METRICS?: MetricsReader;
  /** The Analytics Engine dataset GET /api/admin/metrics reads in a deployed environment (the METRICS binding's). */
  METRICS_DATASET: string;
  /** Secrets for the Analytics Engine SQL API (Account Analytics: Read); without them the summary answers 503. */
  CLOUDFLARE_ACCOUNT_ID?: string;
  METRICS_API_TOKEN?: string;
  EVENTS_RPC: EventsApi;
  ORDERS_RPC: OrdersApi;
  REFUNDS_RPC: RefundsApi;
  /** Daily organizer CSVs (daily/<organizerId>/<YYYY-MM-DD>.csv). */
  REPORTS_BUCKET: R2Bucket;
  /** DailyReportReady → notifications. */
  NOTIFICATIONS_INBOX: Queue;
  /** Its own inbox: an operator replays dead letters into it (npm run dlq). */
  REPORTS_INBOX: Queue;
  /** How long reconciliation waits before reading a difference again (default 15 s). */
  RECONCILE_RECHECK_MS?: string;
};
