import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export { outbox, processedEvents, deadLetters } from "@tickets/common";

export const CHANNELS = ["email", "sms", "push"] as const;
export type Channel = (typeof CHANNELS)[number];
/** `dropped`: will never be delivered (a push subscription the push service says is gone). */
export const NOTIFICATION_STATUSES = ["queued", "sent", "failed", "dropped"] as const;

export const notifications = sqliteTable(
  "notifications",
  {
    id: text("id").primaryKey(),
    sourceId: text("source_id").notNull(),
    template: text("template").notNull(),
    channel: text("channel", { enum: CHANNELS }).notNull(),
    recipient: text("recipient").notNull(),
    userId: text("user_id"),
    locale: text("locale").notNull(),
    subject: text("subject").notNull(),
    bodyText: text("body_text").notNull(),
    bodyHtml: text("body_html"),
    status: text("status", { enum: NOTIFICATION_STATUSES }).notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    providerId: text("provider_id"),
    claimedUntil: integer("claimed_until"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    sentAt: integer("sent_at"),
    /** Push: the page the notification opens. */
    url: text("url"),
    /** The order the message is about (0008_notification_orders.sql), for the order's timeline. */
    orderId: text("order_id"),
  },
  (t) => [
    uniqueIndex("notifications_once").on(t.sourceId, t.template, t.recipient, t.channel),
    index("notifications_user").on(t.userId, t.id),
    index("notifications_order").on(t.orderId, t.createdAt),
  ],
);
export type NotificationRow = typeof notifications.$inferSelect;

/** Browsers' Web Push subscriptions, one per endpoint (see migrations/notifications/0004_push.sql). */
export const pushSubscriptions = sqliteTable(
  "push_subscriptions",
  {
    endpoint: text("endpoint").primaryKey(),
    userId: text("user_id").notNull(),
    p256dh: text("p256dh").notNull(),
    auth: text("auth").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("push_subscriptions_user").on(t.userId)],
);
export type PushSubscriptionRow = typeof pushSubscriptions.$inferSelect;

export const REMINDER_KINDS = ["24h", "2h"] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];

/** One row per reminder ever queued (see migrations/notifications/0003_reminders.sql). */
export const reminders = sqliteTable("reminders", {
  id: text("id").primaryKey(),
  eventId: text("event_id").notNull(),
  userId: text("user_id").notNull(),
  kind: text("kind", { enum: REMINDER_KINDS }).notNull(),
  startsAt: integer("starts_at").notNull(),
  lastEventId: text("last_event_id").notNull(),
  queuedAt: integer("queued_at").notNull(),
});

export const localOutbox = sqliteTable("local_outbox", {
  id: text("id").primaryKey(),
  channel: text("channel").notNull(),
  recipient: text("recipient").notNull(),
  subject: text("subject").notNull(),
  bodyText: text("body_text").notNull(),
  bodyHtml: text("body_html"),
  createdAt: integer("created_at").notNull(),
});

/** Mirrors migrations/notifications/0007_contact_verification.sql: phone numbers their users proved. */
export const verifiedContacts = sqliteTable(
  "verified_contacts",
  {
    userId: text("user_id").notNull(),
    channel: text("channel", { enum: ["sms"] }).notNull(),
    address: text("address").notNull(),
    verifiedAt: integer("verified_at").notNull(),
  },
  (t) => [uniqueIndex("verified_contacts_pk").on(t.userId, t.channel, t.address)],
);

/** The pending code of a user (its hash), one per channel. */
export const contactVerifications = sqliteTable(
  "contact_verifications",
  {
    userId: text("user_id").notNull(),
    channel: text("channel", { enum: ["sms"] }).notNull(),
    address: text("address").notNull(),
    codeHash: text("code_hash").notNull(),
    expiresAt: integer("expires_at").notNull(),
    attempts: integer("attempts").notNull().default(0),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("contact_verifications_pk").on(t.userId, t.channel)],
);
