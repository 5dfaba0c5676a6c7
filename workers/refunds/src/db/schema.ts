import { sqliteTable, text, integer, index } from "drizzle-orm/sqlite-core";
export { outbox, processedEvents, deadLetters } from "@tickets/common";

/** Mirrors migrations/refunds/0002_refunds.sql as rebuilt by 0003_refund_ledger.sql. Times in ms. */
export const refunds = sqliteTable(
  "refunds",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id").notNull(),
    eventId: text("event_id").notNull(),
    buyerId: text("buyer_id").notNull(),
    buyerEmail: text("buyer_email"),
    amountVnd: integer("amount_vnd").notNull(),
    /** The order's paid total when asked for (null on rows older than 0003). */
    paidVnd: integer("paid_vnd"),
    reason: text("reason").notNull(),
    source: text("source").notNull(),
    requestedBy: text("requested_by"),
    requestKey: text("request_key").unique(),
    status: text("status").notNull(),
    responseCode: text("response_code"),
    message: text("message"),
    failureReason: text("failure_reason"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at"),
    leaseUntil: integer("lease_until"),
    leaseToken: text("lease_token"),
    lastEventId: text("last_event_id"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("refunds_by_buyer").on(t.buyerId, t.id),
    index("refunds_by_order").on(t.orderId, t.status),
    index("refunds_due").on(t.status, t.nextAttemptAt),
  ],
);

export const schema = { refunds };
export type RefundRow = typeof refunds.$inferSelect;
export type RefundStatus = "requested" | "processing" | "succeeded" | "failed";
export const REFUND_SOURCES = ["buyer", "automatic", "organizer", "admin", "event_cancelled"] as const;
export type RefundSource = (typeof REFUND_SOURCES)[number];
