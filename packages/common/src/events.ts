import { z } from "zod";
import { ulid } from "ulid";
import { currentTrace } from "./log.ts"; // with its extension: scripts/saga-docs.ts loads this file in plain node

/** Every saga event travels in this envelope, validated with zod on both sides. */
export const orderItemSchema = z.object({
  ticketTypeId: z.string(),
  quantity: z.number().int().positive(),
  unitPriceVnd: z.number().int().nonnegative().optional(),
  name: z.string().optional(),
});

const orderRef = {
  orderId: z.string(),
  eventId: z.string(),
  buyerId: z.string(),
  buyerEmail: z.string().optional(),
  locale: z.enum(["vi", "en"]).optional(),
};

export const eventPayloadSchemas = {
  OrderCreated: z.object({ ...orderRef, totalVnd: z.number().int(), items: z.array(orderItemSchema), holdExpiresAt: z.string() }),
  OrderConfirmed: z.object({
    ...orderRef,
    totalVnd: z.number().int(),
    items: z.array(orderItemSchema),
    /** When payments recorded the payment (its PaymentSucceeded's occurredAt): tickets measure issuance lag from it. */
    paymentRecordedAt: z.string().optional(),
  }),
  OrderCancelled: z.object({ ...orderRef, reason: z.string() }),
  OrderExpired: z.object({ ...orderRef }),
  /** The inventory object let an unpaid hold run out (its alarm fired). */
  HoldExpired: z.object({ orderId: z.string(), eventId: z.string() }),
  /** An order's payment started: the buyer is sent the link (payments writes it with the attempt that made the URL, once per order). */
  PaymentRequested: z.object({ ...orderRef, amountVnd: z.number().int(), paymentUrl: z.string(), holdExpiresAt: z.string() }),
  PaymentSucceeded: z.object({
    orderId: z.string(),
    paymentId: z.string(),
    amountVnd: z.number().int(),
    transactionNo: z.string(),
    paidAt: z.string(),
  }),
  PaymentFailed: z.object({ orderId: z.string(), paymentId: z.string(), responseCode: z.string(), reason: z.string() }),
  /** A payment we must give back (e.g. it arrived after the hold expired and the stock was gone). */
  RefundRequired: z.object({ ...orderRef, amountVnd: z.number().int(), reason: z.string() }),
  /** A refund was asked for (buyer, organizer, admin, cancellation) or is due again; the refund row already exists. */
  RefundRequested: z.object({ ...orderRef, refundId: z.string(), amountVnd: z.number().int(), reason: z.string(), requestedBy: z.string() }),
  TicketsIssued: z.object({
    ...orderRef,
    tickets: z.array(z.object({ id: z.string(), code: z.string(), ticketTypeId: z.string() })),
  }),
  /**
   * `refundedTotalVnd`: everything refunded for the order so far, this refund included.
   * `voidsTickets` false: money only (an organizer's partial refund), the tickets stay valid;
   * absent or true: the order's tickets are void and their stock goes back on sale.
   */
  RefundSucceeded: z.object({
    ...orderRef,
    refundId: z.string(),
    amountVnd: z.number().int(),
    refundedTotalVnd: z.number().int().optional(),
    voidsTickets: z.boolean().optional(),
  }),
  RefundFailed: z.object({ ...orderRef, refundId: z.string(), reason: z.string() }),
  /** A holder is due a reminder of `kind` (24 h or 2 h before `startsAt`); queued once per (event, holder, kind, start). */
  EventReminderDue: z.object({
    eventId: z.string(),
    buyerId: z.string(),
    buyerEmail: z.string().optional(),
    startsAt: z.string(),
    title: z.string(),
    kind: z.enum(["24h", "2h"]).default("24h"),
  }),
  /** A reply on a support ticket, for the other side: the author, or the organizer of the ticket's event. */
  SupportReplyPosted: z.object({
    ticketId: z.string(),
    messageId: z.string(),
    subject: z.string(),
    excerpt: z.string(),
    recipientId: z.string(),
    recipientEmail: z.string().optional(),
    /** "author": the one who opened the ticket (links to /support); "organizer": the event's organizer (/organizer/support). */
    recipientSide: z.enum(["author", "organizer"]),
    orderId: z.string().optional(),
    eventId: z.string().optional(),
  }),
  /** A ticket was admitted at the door (live or from an offline scanner's sync); at most once per ticket. */
  TicketCheckedIn: z.object({
    ticketId: z.string(),
    orderId: z.string(),
    eventId: z.string(),
    ticketTypeId: z.string(),
    ticketTypeName: z.string().optional(),
    checkedInAt: z.string(),
  }),
  /** The reports worker wrote an organizer's daily sales CSV (one per organizer and Vietnam day). */
  DailyReportReady: z.object({
    organizerId: z.string(),
    date: z.string(),
    events: z.number().int().nonnegative(),
    ticketsSold: z.number().int(),
    grossVnd: z.number().int(),
    refundedVnd: z.number().int(),
    netVnd: z.number().int(),
    /** Path of the CSV behind the gateway (GET, the organizer's own bearer token). */
    path: z.string(),
  }),
  /** An organizer or admin cancelled the event: sales are frozen; orders refunds every paid order. */
  EventCancelled: z.object({ eventId: z.string(), reason: z.string(), cancelledBy: z.string(), cancelledAt: z.string() }),
  /** The orders worker's cancellation job moves on by one chunk (its cursor lives in its D1, not here). */
  EventCancellationStep: z.object({ eventId: z.string() }),
  /** A paid order of a cancelled event: its full refund was requested; the buyer is told. */
  OrderEventCancelled: z.object({ ...orderRef, refundId: z.string().nullable(), amountVnd: z.number().int(), reason: z.string() }),
  /**
   * An organizer or admin changed something (audit.ts): written by the owning worker in the same
   * D1 batch as the change, so the change and its audit row cannot diverge; reports stores it.
   */
  AuditRecorded: z.object({
    actorId: z.string(),
    /** `<thing>.<verb>`, e.g. `event.publish`, `staff.revoke`, `refund.retry` (AUDIT_ACTIONS). */
    action: z.string().max(64),
    /** `<kind>:<id>`, e.g. `event:01J…`. */
    target: z.string().max(200),
    /** The client address the gateway saw (cf-connecting-ip); null when unknown. */
    ip: z.string().max(64).nullable(),
    at: z.string(),
    service: z.string().max(32),
    /** A few facts about the change (field names changed, amounts); never secrets or free text. */
    details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())])).optional(),
  }),
} as const;

export type EventType = keyof typeof eventPayloadSchemas;
export type EventPayload<T extends EventType> = z.infer<(typeof eventPayloadSchemas)[T]>;
export const eventTypes = Object.keys(eventPayloadSchemas) as EventType[];

export const envelopeSchema = z.object({
  id: z.string().min(1),
  type: z.enum(eventTypes as [EventType, ...EventType[]]),
  version: z.number().int().positive(),
  occurredAt: z.string(),
  correlationId: z.string(),
  causationId: z.string().nullable(),
  /** The request that led to this event (x-request-id), when one did: carried on for the logs. */
  requestId: z.string().optional(),
  payload: z.unknown(),
});
export type Envelope<T extends EventType = EventType> = Omit<z.infer<typeof envelopeSchema>, "type" | "payload"> & {
  type: T;
  payload: EventPayload<T>;
};

export function makeEvent<T extends EventType>(
  type: T,
  payload: EventPayload<T>,
  cause?: { correlationId?: string; causationId?: string | null; requestId?: string },
): Envelope<T> {
  const id = ulid();
  const requestId = cause?.requestId ?? currentTrace().requestId;
  return {
    id,
    type,
    version: 1,
    occurredAt: new Date().toISOString(),
    correlationId: cause?.correlationId ?? id,
    causationId: cause?.causationId ?? null,
    ...(requestId ? { requestId } : {}),
    payload: eventPayloadSchemas[type].parse(payload) as EventPayload<T>,
  };
}

/** Parses an unknown message body into a typed envelope; throws ZodError on anything malformed. */
export function parseEnvelope(body: unknown): Envelope {
  const env = envelopeSchema.parse(body);
  const payload = eventPayloadSchemas[env.type].parse(env.payload);
  return { ...env, payload } as Envelope;
}

/** Who listens to what: the publisher fans each event out to these inboxes (queue binding names). */
export const INBOXES = {
  orders: "ORDERS_INBOX",
  tickets: "TICKETS_INBOX",
  notifications: "NOTIFICATIONS_INBOX",
  reports: "REPORTS_INBOX",
  refunds: "REFUNDS_INBOX",
} as const;
export type Inbox = keyof typeof INBOXES;

export const SUBSCRIPTIONS: Record<EventType, Inbox[]> = {
  OrderCreated: [],
  OrderConfirmed: ["tickets", "reports"],
  OrderCancelled: ["notifications"],
  OrderExpired: ["notifications"],
  HoldExpired: ["orders"],
  PaymentRequested: ["notifications"],
  PaymentSucceeded: ["orders"],
  PaymentFailed: ["orders", "notifications"],
  RefundRequired: ["refunds"],
  RefundRequested: ["refunds"],
  TicketsIssued: ["notifications"],
  RefundSucceeded: ["orders", "tickets", "notifications", "reports"],
  RefundFailed: ["orders", "notifications"],
  EventReminderDue: ["notifications"],
  SupportReplyPosted: ["notifications"],
  TicketCheckedIn: ["reports"],
  DailyReportReady: ["notifications"],
  EventCancelled: ["orders"],
  EventCancellationStep: ["orders"],
  OrderEventCancelled: ["notifications"],
  AuditRecorded: ["reports"],
};

/** The worker(s) that make each event, comma-separated (`makeEvent("<type>"` in each one's src; a test checks it); docs/saga.md is generated from this and SUBSCRIPTIONS. */
export const PUBLISHERS: Record<EventType, string> = {
  OrderCreated: "orders",
  OrderConfirmed: "orders",
  OrderCancelled: "orders",
  OrderExpired: "orders",
  HoldExpired: "events", // its EventInventory Durable Object (durable-objects/), hosted by the events worker
  PaymentRequested: "payments",
  PaymentSucceeded: "payments",
  PaymentFailed: "payments",
  RefundRequired: "orders",
  RefundRequested: "refunds",
  TicketsIssued: "tickets",
  RefundSucceeded: "refunds",
  RefundFailed: "refunds",
  EventReminderDue: "notifications",
  SupportReplyPosted: "support",
  TicketCheckedIn: "tickets",
  DailyReportReady: "reports",
  EventCancelled: "events",
  EventCancellationStep: "orders",
  OrderEventCancelled: "orders",
  AuditRecorded: "events, refunds, support", // each records its own organizer/admin actions
};
