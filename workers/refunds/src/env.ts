import type { QueueEnv } from "@tickets/common";

/**
 * What refunds needs from other workers, typed as INTERFACES.md fixes them (kept here rather
 * than imported so this worker compiles and tests on its own).
 */
export interface PaymentsRefundApi {
  refund(input: { orderId: string; amountVnd: number; reason: string; requestedBy: string }): Promise<{
    status: "succeeded" | "failed";
    responseCode: string;
    message: string;
  }>;
}

export type OrderSummary = {
  id: string;
  eventId: string;
  buyerId: string;
  buyerEmail: string;
  status: "pending_payment" | "confirmed" | "cancelled" | "expired" | "refund_pending" | "refunded" | "partially_refunded";
  totalVnd: number;
  createdAt: string;
};
export interface OrdersApi {
  getOrder(orderId: string): Promise<OrderSummary | null>;
}

export type RefundPolicy = { fullRefundUntilHours: number; partialRefundUntilHours: number; partialRefundPercent: number };
export interface EventsApi {
  getEventAccess(eventId: string, userId: string): Promise<{ exists: boolean; organizerId: string | null; isOrganizer: boolean; isStaff: boolean }>;
  getEventSummary(eventId: string): Promise<{ id: string; startsAt: string; status: "draft" | "published"; refundPolicy: RefundPolicy } | null>;
}

export type Env = QueueEnv & {
  DB: D1Database;
  INTERNAL_AUTH_SECRET: string;
  PAYMENTS_RPC: Fetcher & PaymentsRefundApi;
  ORDERS_RPC: Fetcher & OrdersApi;
  EVENTS_RPC: Fetcher & EventsApi;
  REFUNDS_INBOX: Queue;
  ORDERS_INBOX: Queue;
  TICKETS_INBOX: Queue;
  NOTIFICATIONS_INBOX: Queue;
};
