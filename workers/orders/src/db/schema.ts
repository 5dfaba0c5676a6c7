import { sqliteTable, text, integer, primaryKey, index } from "drizzle-orm/sqlite-core";
export { outbox, processedEvents, deadLetters } from "@tickets/common";

/** Mirrors migrations/orders/0002_orders.sql, 0003_derived_order_ids.sql, 0004_confirmed_at.sql and 0005_orders_by_event.sql. Times are ms since the epoch. */
export const orders = sqliteTable(
  "orders",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id").notNull(),
    buyerId: text("buyer_id").notNull(),
    buyerEmail: text("buyer_email").notNull(),
    status: text("status").notNull(),
    totalVnd: integer("total_vnd").notNull(),
    holdExpiresAt: integer("hold_expires_at").notNull(),
    paymentUrl: text("payment_url"),
    paymentId: text("payment_id"),
    paidAmountVnd: integer("paid_amount_vnd"),
    transactionNo: text("transaction_no"),
    paidAt: integer("paid_at"),
    note: text("note"),
    lastEventId: text("last_event_id"),
    /** SHA-256 of the canonical checkout request (a key reused with another body → 422). */
    bodyHash: text("body_hash").notNull().default(""),
    /** When the order was confirmed (0004_confirmed_at.sql); null for an order never sold. */
    confirmedAt: integer("confirmed_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("orders_by_buyer_created").on(t.buyerId, t.createdAt, t.id),
    index("orders_by_status_expiry").on(t.status, t.holdExpiresAt),
    index("orders_by_event_created").on(t.eventId, t.createdAt, t.id),
    index("orders_by_event_status").on(t.eventId, t.status, t.id),
  ],
);

export const orderItems = sqliteTable(
  "order_items",
  {
    orderId: text("order_id").notNull(),
    ticketTypeId: text("ticket_type_id").notNull(),
    name: text("name").notNull(),
    unitPriceVnd: integer("unit_price_vnd").notNull(),
    quantity: integer("quantity").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.ticketTypeId] })],
);

/** Mirrors migrations/orders/0004_event_cancellations.sql: one refund batch per cancelled event. */
export const eventCancellations = sqliteTable("event_cancellations", {
  id: text("id").primaryKey(),
  reason: text("reason").notNull(),
  status: text("status", { enum: ["running", "completed"] }).notNull(),
  total: integer("total").notNull(),
  requested: integer("requested").notNull().default(0),
  cursor: text("cursor").notNull().default(""),
  lastEventId: text("last_event_id"),
  startedAt: integer("started_at").notNull(),
  completedAt: integer("completed_at"),
  updatedAt: integer("updated_at").notNull(),
});

export const schema = { orders, orderItems, eventCancellations };
export type OrderRow = typeof orders.$inferSelect;
export type OrderItemRow = typeof orderItems.$inferSelect;
export type EventCancellationRow = typeof eventCancellations.$inferSelect;
