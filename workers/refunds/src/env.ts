import type { QueueEnv, ReceiptsEnv, MetricsRecorder } from "@tickets/common";
import type { EventsRpc } from "../../events/src/rpc";
import type { OrdersRpc } from "../../orders/src/rpc";
import type { PaymentsRpc } from "../../payments/src/rpc";
import type { TicketsApi } from "../../tickets/src/rpc";

export type { OrderSummary } from "../../orders/src/rpc";
export type { RefundPolicy } from "../../events/src/rpc";
export type { RefundOutcome } from "../../payments/src/rpc";

/** What refunds calls on other workers' RPC entrypoints. */
export type PaymentsRefundApi = Pick<PaymentsRpc, "refund">;
export type OrdersApi = Pick<OrdersRpc, "getOrder">;
export type EventsApi = Pick<EventsRpc, "getEventAccess" | "getEventSummary">;
export type TicketsOfOrderApi = Pick<TicketsApi, "ticketsForOrder">;

export type Env = QueueEnv & ReceiptsEnv & {
  DB: D1Database;
  INTERNAL_AUTH_SECRET: string;
  /** Business metrics (Analytics Engine; packages/common/src/metrics.ts). */
  METRICS: AnalyticsEngineDataset;
  /** Development only: the readable local copy of the metrics (workers/dev-metrics). */
  DEV_METRICS?: MetricsRecorder;
  PAYMENTS_RPC: PaymentsRefundApi;
  ORDERS_RPC: OrdersApi;
  EVENTS_RPC: EventsApi;
  TICKETS_RPC: TicketsOfOrderApi;
  /** Our own inbox: requested refunds (and their delayed re-attempts) are settled by this worker's consumer. */
  REFUNDS_INBOX: Queue;
  ORDERS_INBOX: Queue;
  TICKETS_INBOX: Queue;
  NOTIFICATIONS_INBOX: Queue;
  /** Base of the retry backoff in seconds (default 5: retries after 5, 10, 20 s). */
  REFUND_RETRY_BASE_SECONDS?: string;
};
