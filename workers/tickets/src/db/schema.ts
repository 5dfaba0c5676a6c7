import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export { outbox, processedEvents, deadLetters } from "@tickets/common";

export const TICKET_STATUSES = ["valid", "checked_in", "void"] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const tickets = sqliteTable(
  "tickets",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id").notNull(),
    eventId: text("event_id").notNull(),
    ticketTypeId: text("ticket_type_id").notNull(),
    ticketTypeName: text("ticket_type_name"),
    seatIndex: integer("seat_index").notNull(),
    ownerId: text("owner_id").notNull(),
    ownerEmail: text("owner_email"),
    code: text("code").notNull(),
    kid: text("kid").notNull(),
    version: integer("version").notNull().default(1),
    status: text("status", { enum: TICKET_STATUSES }).notNull().default("valid"),
    issuedAt: integer("issued_at").notNull(),
    checkedInAt: integer("checked_in_at"),
    checkedInBy: text("checked_in_by"),
    voidedAt: integer("voided_at"),
  },
  (t) => [
    uniqueIndex("tickets_seat").on(t.orderId, t.ticketTypeId, t.seatIndex),
    index("tickets_event").on(t.eventId, t.ticketTypeId),
    index("tickets_owner").on(t.ownerId, t.id),
  ],
);
export type TicketRow = typeof tickets.$inferSelect;

export const voidedOrders = sqliteTable("voided_orders", {
  orderId: text("order_id").primaryKey(),
  refundId: text("refund_id").notNull(),
  voidedAt: integer("voided_at").notNull(),
});

export const eventInfo = sqliteTable(
  "event_info",
  {
    eventId: text("event_id").primaryKey(),
    title: text("title").notNull(),
    venue: text("venue").notNull(),
    startsAt: integer("starts_at").notNull(),
    status: text("status").notNull(),
    refreshedAt: integer("refreshed_at").notNull(),
  },
  (t) => [index("event_info_starts").on(t.startsAt)],
);
