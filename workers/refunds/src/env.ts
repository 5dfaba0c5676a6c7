import type { QueueEnv } from "@tickets/common";

/** PaymentsRpc.refund as INTERFACES.md fixes it. */
export interface PaymentsRefundApi {
  refund(input: { orderId: string; amountVnd: number; reason: string; requestedBy: string }): Promise<{
    status: "succeeded" | "failed";
    responseCode: string;
    message: string;
  }>;
}

export type Env = QueueEnv & {
  DB: D1Database;
  INTERNAL_AUTH_SECRET: string;
  PAYMENTS_RPC: Fetcher & PaymentsRefundApi;
  ORDERS_INBOX: Queue;
  TICKETS_INBOX: Queue;
  NOTIFICATIONS_INBOX: Queue;
};
