import type { QueueEnv, ReceiptsEnv } from "@tickets/common";
import type { EventsApi, InventoryApi, PaymentsApi, RefundsApi, TicketsApi } from "./ports";

export type Env = QueueEnv & ReceiptsEnv & {
  DB: D1Database;
  INTERNAL_AUTH_SECRET: string;
  /** Checks waiting-room passes (Queue-Pass) locally; the events worker signs them with the same secret. */
  QUEUE_PASS_SECRET: string;
  HOLD_TTL_SECONDS?: string;
  INVENTORY: DurableObjectNamespace;
  EVENTS_RPC: Fetcher & EventsApi;
  PAYMENTS_RPC: Fetcher & PaymentsApi;
  TICKETS_RPC: Fetcher & TicketsApi;
  /** An event cancellation's refunds (the batch in domain/event-cancellation.ts). */
  REFUNDS_RPC: Fetcher & RefundsApi;
  TICKETS_INBOX: Queue;
  NOTIFICATIONS_INBOX: Queue;
  REFUNDS_INBOX: Queue;
  ORDERS_INBOX: Queue;
};

/** The event's inventory object (one per event, hosted by the events worker). */
export function inventory(env: Env, eventId: string): InventoryApi {
  return env.INVENTORY.get(env.INVENTORY.idFromName(eventId)) as unknown as InventoryApi;
}

export function holdTtlSeconds(env: Env): number {
  const n = Number(env.HOLD_TTL_SECONDS ?? "900");
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 900;
}
