import { currentTrace, type QueueEnv, type ReceiptsEnv, type MetricsRecorder } from "@tickets/common";
import type { EventsApi, InventoryApi, NotificationsApi, PaymentsApi, RefundsApi, TicketsApi } from "./ports";

export type Env = QueueEnv & ReceiptsEnv & {
  DB: D1Database;
  INTERNAL_AUTH_SECRET: string;
  /** Business metrics (Analytics Engine; packages/common/src/metrics.ts). */
  METRICS: AnalyticsEngineDataset;
  /** Development only: the readable local copy of the metrics (workers/dev-metrics). */
  DEV_METRICS?: MetricsRecorder;
  HOLD_TTL_SECONDS?: string;
  INVENTORY: DurableObjectNamespace;
  EVENTS_RPC: Fetcher & EventsApi;
  PAYMENTS_RPC: Fetcher & PaymentsApi;
  TICKETS_RPC: Fetcher & TicketsApi;
  /** An event cancellation's refunds (the batch in domain/event-cancellation.ts). */
  REFUNDS_RPC: Fetcher & RefundsApi;
  /** The messages an order caused, for its timeline. */
  NOTIFICATIONS_RPC: Fetcher & NotificationsApi;
  /** How long the timeline waits for each service's steps (ms, default 1500). */
  TIMELINE_SOURCE_TIMEOUT_MS?: string;
  TICKETS_INBOX: Queue;
  NOTIFICATIONS_INBOX: Queue;
  REFUNDS_INBOX: Queue;
  ORDERS_INBOX: Queue;
};

/**
 * The event's inventory object (one per event, hosted by the events worker). Each call carries
 * the current trace (request id, order id), which the object's log lines repeat.
 */
export function inventory(env: Env, eventId: string): InventoryApi {
  const stub = env.INVENTORY.get(env.INVENTORY.idFromName(eventId)) as unknown as InventoryApi;
  return {
    hold: (req) => stub.hold({ ...req, trace: currentTrace() }),
    release: (orderId) => stub.release(orderId, currentTrace()),
    commit: (orderId) => stub.commit(orderId, currentTrace()),
    restock: (orderId, items) => stub.restock(orderId, items, currentTrace()),
  };
}

export function holdTtlSeconds(env: Env): number {
  const n = Number(env.HOLD_TTL_SECONDS ?? "900");
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 900;
}
