import type { QueueEnv, ReceiptsEnv } from "@tickets/common";
import type { EventsRpc } from "../../events/src/rpc";
import type { OrdersRpc } from "../../orders/src/rpc";
import type { PaymentsRpc } from "../../payments/src/rpc";

export type { OrderSummary } from "../../orders/src/rpc";
export type { RefundPolicy } from "../../events/src/rpc";

/** What refunds calls on other workers' RPC entrypoints. */
export type PaymentsRefundApi = Pick<PaymentsRpc, "refund">;
export type OrdersApi = Pick<OrdersRpc, "getOrder">;
export type EventsApi = Pick<EventsRpc, "getEventAccess" | "getEventSummary">;

export type Env = QueueEnv & ReceiptsEnv & {
  DB: D1Database;
  INTERNAL_AUTH_SECRET: string;
  PAYMENTS_RPC: PaymentsRefundApi;
  ORDERS_RPC: OrdersApi;
  EVENTS_RPC: EventsApi;
  /** Our own inbox: a buyer's RefundRequested is settled by this worker's queue consumer. */
  REFUNDS_INBOX: Queue;
  ORDERS_INBOX: Queue;
  TICKETS_INBOX: Queue;
  NOTIFICATIONS_INBOX: Queue;
};
