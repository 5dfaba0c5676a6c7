import { sqliteTable, text, integer, unique } from "drizzle-orm/sqlite-core";

export { outbox, processedEvents, deadLetters } from "@tickets/common";

/** Mirrors migrations/events/*.sql. Times are ms since the epoch. */
export const events = sqliteTable("events", {
  id: text("id").primaryKey(),
  organizerId: text("organizer_id").notNull(),
  title: text("title").notNull(),
  description: text("description").notNull().default(""),
  venue: text("venue").notNull(),
  city: text("city"),
  startsAt: integer("starts_at").notNull(),
  endsAt: integer("ends_at").notNull(),
  status: text("status", { enum: ["draft", "published"] }).notNull().default("draft"),
  refundFullHours: integer("refund_full_hours").notNull().default(72),
  refundPartialHours: integer("refund_partial_hours").notNull().default(0),
  refundPartialPercent: integer("refund_partial_percent").notNull().default(0),
  revision: integer("revision").notNull().default(1),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
  publishedAt: integer("published_at"),
  categoryId: text("category_id"),
  /** Set once the event is cancelled (0004): the API's status is then "cancelled". */
  cancelledAt: integer("cancelled_at"),
  cancellationReason: text("cancellation_reason"),
  cancelledBy: text("cancelled_by"),
  /** The waiting room (0006): see durable-objects/waiting-room.ts. */
  queueEnabled: integer("queue_enabled", { mode: "boolean" }).notNull().default(false),
  queueAdmitPerMinute: integer("queue_admit_per_minute").notNull().default(60),
  queueForced: integer("queue_forced", { mode: "boolean" }).notNull().default(false),
  queueAutoThreshold: integer("queue_auto_threshold"),
  queueAutoAt: integer("queue_auto_at"),
});

export const ticketTypes = sqliteTable("ticket_types", {
  id: text("id").primaryKey(),
  eventId: text("event_id").notNull(),
  name: text("name").notNull(),
  priceVnd: integer("price_vnd").notNull(),
  quantity: integer("quantity").notNull(),
  maxPerOrder: integer("max_per_order").notNull(),
  salesStartAt: integer("sales_start_at"),
  salesEndAt: integer("sales_end_at"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/** Written only by the EventInventory object (see durable-objects/inventory/events-db.ts). */
export const ticketAvailability = sqliteTable("ticket_availability", {
  ticketTypeId: text("ticket_type_id").primaryKey(),
  eventId: text("event_id").notNull(),
  held: integer("held").notNull(),
  sold: integer("sold").notNull(),
  version: integer("version").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/** Mirrors migrations/events/0006_staff_invites.sql: door staff, invited by email (user_id once the account is known). */
export const staffInvites = sqliteTable(
  "staff_invites",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id").notNull(),
    email: text("email").notNull(),
    userId: text("user_id"),
    invitedBy: text("invited_by").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [unique("staff_invites_event_email").on(t.eventId, t.email)],
);

export type EventRow = typeof events.$inferSelect;
export type TicketTypeRow = typeof ticketTypes.$inferSelect;
export type StaffRow = typeof staffInvites.$inferSelect;
