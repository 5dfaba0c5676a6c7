import type { MetricsRecorder } from "@tickets/common";
import type { EventsRpc } from "../../events/src/rpc";
import type { OrdersRpc } from "../../orders/src/rpc";

/** What support calls on other workers' RPC entrypoints (type-only: nothing of theirs is bundled). */
export type EventsApi = Pick<EventsRpc, "getEventAccess" | "managedEventIds">;
export type OrdersApi = Pick<OrdersRpc, "getOrder">;

export type Env = {
  DB: D1Database;
  INTERNAL_AUTH_SECRET: string;
  /** Business metrics (Analytics Engine; packages/common/src/metrics.ts). */
  METRICS: AnalyticsEngineDataset;
  /** Development only: the readable local copy of the metrics (workers/dev-metrics). */
  DEV_METRICS?: MetricsRecorder;
  EVENTS_RPC: EventsApi;
  ORDERS_RPC: OrdersApi;
  /** SupportReplyPosted goes here (the outbox relay fans it out). */
  NOTIFICATIONS_INBOX: Queue;
  /** AuditRecorded goes here (the reports worker keeps the audit log). */
  REPORTS_INBOX: Queue;
  /** New tickets one user may open per window (default 5 per 600 s). */
  SUPPORT_TICKET_LIMIT?: string;
  SUPPORT_TICKET_WINDOW_SECONDS?: string;
};

export function ticketRateLimit(env: Env): { limit: number; windowMs: number } {
  const positive = (v: string | undefined, fallback: number) => {
    const n = Number(v);
    return Number.isFinite(n) && n > 0 ? Math.floor(n) : fallback;
  };
  return { limit: positive(env.SUPPORT_TICKET_LIMIT, 5), windowMs: positive(env.SUPPORT_TICKET_WINDOW_SECONDS, 600) * 1000 };
}
