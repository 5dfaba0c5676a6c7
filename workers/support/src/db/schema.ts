import { sqliteTable, text, integer, index } from "drizzle-orm/sqlite-core";

export { outbox, processedEvents, deadLetters } from "@tickets/common";

export const TICKET_STATUSES = ["open", "pending", "closed"] as const;
export const MESSAGE_ROLES = ["author", "organizer", "staff", "admin"] as const;

/** Mirrors migrations/support/0002_tickets.sql. Times are ms since the epoch. */
export const supportTickets = sqliteTable(
  "support_tickets",
  {
    id: text("id").primaryKey(),
    authorId: text("author_id").notNull(),
    authorEmail: text("author_email").notNull(),
    subject: text("subject").notNull(),
    status: text("status", { enum: TICKET_STATUSES }).notNull(),
    orderId: text("order_id"),
    eventId: text("event_id"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    lastActivityAt: integer("last_activity_at").notNull(),
  },
  (t) => [
    index("support_tickets_activity").on(t.lastActivityAt, t.id),
    index("support_tickets_author").on(t.authorId, t.lastActivityAt, t.id),
    index("support_tickets_event").on(t.eventId, t.lastActivityAt, t.id),
    index("support_tickets_author_created").on(t.authorId, t.createdAt),
  ],
);

export const supportMessages = sqliteTable(
  "support_messages",
  {
    id: text("id").primaryKey(),
    ticketId: text("ticket_id")
      .notNull()
      .references(() => supportTickets.id),
    authorId: text("author_id").notNull(),
    authorRole: text("author_role", { enum: MESSAGE_ROLES }).notNull(),
    body: text("body").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("support_messages_ticket").on(t.ticketId, t.createdAt, t.id)],
);

export type TicketRow = typeof supportTickets.$inferSelect;
export type MessageRow = typeof supportMessages.$inferSelect;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export type MessageRole = (typeof MESSAGE_ROLES)[number];

export const schema = { supportTickets, supportMessages };
