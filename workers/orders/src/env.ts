import type { QueueEnv, ReceiptsEnv } from "@tickets/common";
import { inventoryFor, type InventoryNamespace } from "../../../durable-objects/inventory/shards";
import type { EventsApi, InventoryApi, PaymentsApi, RefundsApi, TicketsApi } from "./ports";

export type Env = QueueEnv & ReceiptsEnv & {
  DB: D1Database;
  INTERNAL_AUTH_SECRET: string;
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

/**
 * The inventory object holding this buyer's stock of the event (hosted by the events worker): the
 * event's own object, or for a hot event the shard its buyer is routed to (durable-objects/README.md).
 */
export function inventory(env: Env, eventId: string, buyerId: string): InventoryApi {
  return inventoryFor(env.INVENTORY as unknown as InventoryNamespace, eventId, buyerId);
}

export function holdTtlSeconds(env: Env): number {
  const n = Number(env.HOLD_TTL_SECONDS ?? "900");
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 900;
}
