import { currentTrace, type QueueEnv, type ReceiptsEnv, type MetricsRecorder } from "@tickets/common";
import { inventoryFor, type InventoryNamespace } from "../../../durable-objects/inventory/shards";
import type { EventsApi, InventoryApi, NotificationsApi, PaymentsApi, RefundsApi, TicketsApi } from "./ports";

export type Env = QueueEnv & ReceiptsEnv & {
  DB: D1Database;
  INTERNAL_AUTH_SECRET: string;
  /** Business metrics (Analytics Engine; packages/common/src/metrics.ts). */
  METRICS: AnalyticsEngineDataset;
  /** Development only: the readable local copy of the metrics (workers/dev-metrics). */
  DEV_METRICS?: MetricsRecorder;
  /** Checks waiting-room passes (Queue-Pass) locally; the events worker signs them with the same secret. */
  QUEUE_PASS_SECRET: string;
  HOLD_TTL_SECONDS?: string;
  /** Hoarding defence (domain/hoarding.ts): unpaid holds of one event per client address (default 10; 0 = off). */
  HOLDS_PER_CLIENT?: string;
  /** Seconds a buyer waits after an unpaid hold of theirs ended before holding the same event again (default 60; 0 = off). */
  HOLD_COOLDOWN_SECONDS?: string;
  /** Holds made in the last minute that make an event hot, so checkout asks for Turnstile (default 120; 0 = never). */
  TURNSTILE_HOT_HOLDS_PER_MINUTE?: string;
  /** Turnstile secret (siteverify); Cloudflare's documented test secrets are verified locally. Unset: no challenge. */
  TURNSTILE_SECRET_KEY?: string;
  /** Turnstile site key (public), handed to clients in a challenge_required answer. */
  TURNSTILE_SITE_KEY?: string;
  /** How long checkout waits for the payments worker's payment URL (default 5000 ms). */
  PAYMENTS_TIMEOUT_MS?: string;
  /** Circuit breaker on the payments worker (domain/payments-guard.ts): failures that open it (default 5), cool-down (default 10000 ms). */
  BREAKER_FAILURE_THRESHOLD?: string;
  BREAKER_COOLDOWN_MS?: string;
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
 * The inventory object holding this buyer's stock of the event (hosted by the events worker): the
 * event's own object, or for a hot event the shard its buyer is routed to (durable-objects/README.md).
 * Each call carries the current trace (request id, order id), which the object's log lines repeat.
 */
export function inventory(env: Env, eventId: string, buyerId: string): InventoryApi {
  const stock = inventoryFor(env.INVENTORY as unknown as InventoryNamespace, eventId, buyerId);
  return {
    hold: (req) => stock.hold({ ...req, trace: currentTrace() }),
    release: (orderId, opts) => stock.release(orderId, { ...opts, trace: currentTrace() }),
    commit: (orderId) => stock.commit(orderId, currentTrace()),
    restock: (orderId, items) => stock.restock(orderId, items, currentTrace()),
  };
}

export function holdTtlSeconds(env: Env): number {
  const n = Number(env.HOLD_TTL_SECONDS ?? "900");
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 900;
}
