import { z } from "zod";
import { ulid } from "ulid";

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
  OrderConfirmed: z.object({ ...orderRef, totalVnd: z.number().int(), items: z.array(orderItemSchema) }),
  OrderCancelled: z.object({ ...orderRef, reason: z.string() }),
  OrderExpired: z.object({ ...orderRef }),
  /** The inventory object let an unpaid hold run out (its alarm fired). */
  HoldExpired: z.object({ orderId: z.string(), eventId: z.string() }),
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
  /** A buyer asked for a refund (POST /api/orders/:id/refund); the refund row already exists. */
  RefundRequested: z.object({ ...orderRef, refundId: z.string(), amountVnd: z.number().int(), reason: z.string(), requestedBy: z.string() }),
  TicketsIssued: z.object({
    ...orderRef,
    tickets: z.array(z.object({ id: z.string(), code: z.string(), ticketTypeId: z.string() })),
  }),
  RefundSucceeded: z.object({ ...orderRef, refundId: z.string(), amountVnd: z.number().int() }),
  RefundFailed: z.object({ ...orderRef, refundId: z.string(), reason: z.string() }),
  EventReminderDue: z.object({ eventId: z.string(), buyerId: z.string(), buyerEmail: z.string().optional(), startsAt: z.string(), title: z.string() }),
  /** An organizer or admin cancelled the event: sales are frozen; orders refunds every paid order. */
  EventCancelled: z.object({ eventId: z.string(), reason: z.string(), cancelledBy: z.string(), cancelledAt: z.string() }),
  /** The orders worker's cancellation job moves on by one chunk (its cursor lives in its D1, not here). */
  EventCancellationStep: z.object({ eventId: z.string() }),
  /** A paid order of a cancelled event: its full refund was requested; the buyer is told. */
  OrderEventCancelled: z.object({ ...orderRef, refundId: z.string().nullable(), amountVnd: z.number().int(), reason: z.string() }),
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
  payload: z.unknown(),
});
export type Envelope<T extends EventType = EventType> = Omit<z.infer<typeof envelopeSchema>, "type" | "payload"> & {
  type: T;
  payload: EventPayload<T>;
};

export function makeEvent<T extends EventType>(
  type: T,
  payload: EventPayload<T>,
  cause?: { correlationId?: string; causationId?: string | null },
): Envelope<T> {
  const id = ulid();
  return {
    id,
    type,
    version: 1,
    occurredAt: new Date().toISOString(),
    correlationId: cause?.correlationId ?? id,
    causationId: cause?.causationId ?? null,
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

// Reports will subscribe here once the reports worker consumes (no open issue builds it yet).
export const SUBSCRIPTIONS: Record<EventType, Inbox[]> = {
  OrderCreated: [],
  OrderConfirmed: ["tickets"],
  OrderCancelled: ["notifications"],
  OrderExpired: ["notifications"],
  HoldExpired: ["orders"],
  PaymentSucceeded: ["orders"],
  PaymentFailed: ["orders", "notifications"],
  RefundRequired: ["refunds"],
  RefundRequested: ["refunds"],
  TicketsIssued: ["notifications"],
  RefundSucceeded: ["orders", "tickets", "notifications"],
  RefundFailed: ["orders", "notifications"],
  EventReminderDue: ["notifications"],
  EventCancelled: ["orders"],
  EventCancellationStep: ["orders"],
  OrderEventCancelled: ["notifications"],
};
