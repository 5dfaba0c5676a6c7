import { sqliteTable, text, integer, index } from "drizzle-orm/sqlite-core";
export { outbox, processedEvents, deadLetters } from "@tickets/common";

/** Mirrors migrations/refunds/0002_refunds.sql. One refund per order; times in ms. */
export const refunds = sqliteTable(
  "refunds",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id").notNull().unique(),
    eventId: text("event_id").notNull(),
    buyerId: text("buyer_id").notNull(),
    buyerEmail: text("buyer_email"),
    amountVnd: integer("amount_vnd").notNull(),
    reason: text("reason").notNull(),
    source: text("source").notNull(),
    status: text("status").notNull(),
    responseCode: text("response_code"),
    message: text("message"),
    lastEventId: text("last_event_id"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("refunds_by_buyer").on(t.buyerId, t.id)],
);

export const schema = { refunds };
export type RefundRow = typeof refunds.$inferSelect;
export type RefundStatus = "requested" | "processing" | "succeeded" | "failed";
