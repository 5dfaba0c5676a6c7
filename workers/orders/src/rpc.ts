import { WorkerEntrypoint } from "cloudflare:workers";
import type { Env } from "./env";
import { getDb } from "./db/client";
import { loadOrder } from "./domain/repo";
import type { OrderStatus } from "./domain/status";
import type { PricedItem } from "./ports";
import { orderView } from "./domain/view";
import { salesTotals } from "./domain/sales-totals";
import { cancellationProgress, type CancellationProgress } from "./domain/event-cancellation";

export type { OrderStatus } from "./domain/status";
export type { PricedItem } from "./ports";
export type { TicketTypeSales, EventOrderCount } from "./domain/sales-totals";
export type { CancellationProgress } from "./domain/event-cancellation";

export type OrderSummary = {
  id: string;
  eventId: string;
  buyerId: string;
  buyerEmail: string;
  status: OrderStatus;
  totalVnd: number;
  items: PricedItem[];
  holdExpiresAt: string;
  createdAt: string;
};

/** Internal RPC for other workers (payments checks orders and amounts against it; events asks how a cancellation goes). */
export class OrdersRpc extends WorkerEntrypoint<Env> {
  async getOrder(orderId: string): Promise<OrderSummary | null> {
    const found = await loadOrder(getDb(this.env.DB), orderId);
    if (!found) return null;
    const { row, items } = found;
    return { ...orderView(row, items), buyerId: row.buyerId, buyerEmail: row.buyerEmail };
  }

  /** Sold tickets and gross per event and ticket type, and sold orders per event (reports' reconciliation). */
  async salesTotals(eventId?: string) {
    return salesTotals(getDb(this.env.DB), eventId);
  }

  async cancellationProgress(eventId: string): Promise<CancellationProgress> {
    return cancellationProgress(getDb(this.env.DB), this.env.REFUNDS_RPC, eventId);
  }
}
