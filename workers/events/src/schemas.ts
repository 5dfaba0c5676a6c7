import { z } from "@hono/zod-openapi";
import { paginationQuery } from "@tickets/common";
import { CATEGORIES, CATEGORY_IDS } from "./domain/categories";

/** Request and response schemas of the events routes (validation and the OpenAPI document). */

const isoTime = z.iso.datetime({ offset: true }).openapi({ example: "2030-06-01T12:00:00Z" });
const trimmed = (max: number) => z.string().trim().min(1).max(max);
const categoryId = z.enum(CATEGORY_IDS).openapi({ description: "A category id from GET /api/categories", example: "music" });

export const RefundPolicySchema = z
  .object({
    fullRefundUntilHours: z.number().int().min(0).max(8760),
    partialRefundUntilHours: z.number().int().min(0).max(8760).default(0),
    partialRefundPercent: z.number().int().min(0).max(100).default(0),
  })
  .refine((p) => p.partialRefundUntilHours <= p.fullRefundUntilHours, {
    message: "partialRefundUntilHours cannot be more than fullRefundUntilHours",
    path: ["partialRefundUntilHours"],
  })
  .openapi("RefundPolicy", {
    description: "Hours before startsAt: full refund until fullRefundUntilHours, then partialRefundPercent until partialRefundUntilHours, then none.",
    example: { fullRefundUntilHours: 72, partialRefundUntilHours: 24, partialRefundPercent: 50 },
  });

export const QueueSettingsSchema = z
  .object({
    enabled: z.boolean().openapi({ description: "Buyers wait in the waiting room and enter checkout at admitPerMinute" }),
    admitPerMinute: z.number().int().min(1).max(100_000).optional().openapi({ description: "Buyers admitted to checkout per minute (default 60)" }),
    forced: z.boolean().optional().openapi({ description: "Admins only: the room stays on whatever the organizer sets" }),
    autoThresholdPerMinute: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .nullable()
      .optional()
      .openapi({ description: "Checkout attempts per minute at which the room switches itself on (null: never)" }),
  })
  .openapi("QueueSettings", { example: { enabled: true, admitPerMinute: 120 } });

const eventFields = {
  title: trimmed(200),
  description: z.string().max(5000),
  venue: trimmed(200),
  city: trimmed(100).nullable(),
  startsAt: isoTime,
  endsAt: isoTime,
  refundPolicy: RefundPolicySchema,
  categoryId: categoryId.nullable(),
};

export const CreateEventBody = z
  .object({
    ...eventFields,
    description: eventFields.description.optional(),
    city: eventFields.city.optional(),
    refundPolicy: eventFields.refundPolicy.optional(),
    categoryId: eventFields.categoryId.optional(),
  })
  .openapi("CreateEvent");

export const UpdateEventBody = z
  .object({ ...eventFields, queue: QueueSettingsSchema })
  .partial()
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: "Send at least one field to change" })
  .openapi("UpdateEvent");

const ticketTypeFields = {
  name: trimmed(100),
  priceVnd: z.number().int().min(0).max(1_000_000_000_000).openapi({ description: "Integer VND", example: 500000 }),
  quantity: z.number().int().min(1).max(1_000_000),
  maxPerOrder: z.number().int().min(1).max(100).openapi({ description: "Per order, and per buyer across their orders" }),
  salesStartAt: isoTime.nullable(),
  salesEndAt: isoTime.nullable(),
};

export const CreateTicketTypeBody = z
  .object({
    name: ticketTypeFields.name,
    priceVnd: ticketTypeFields.priceVnd,
    quantity: ticketTypeFields.quantity,
    maxPerOrder: ticketTypeFields.maxPerOrder.default(10),
    salesStartAt: ticketTypeFields.salesStartAt.optional(),
    salesEndAt: ticketTypeFields.salesEndAt.optional(),
  })
  .openapi("CreateTicketType");

export const UpdateTicketTypeBody = z
  .object(ticketTypeFields)
  .partial()
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: "Send at least one field to change" })
  .openapi("UpdateTicketType");

export const GrantStaffBody = z.object({ email: z.email().max(320) }).openapi("GrantStaff");

export const EventIdParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" } }) });
export const TicketTypeParams = EventIdParam.extend({
  ttId: z.string().min(1).max(64).openapi({ param: { name: "ttId", in: "path" } }),
});

export const ListEventsQuery = paginationQuery.extend({
  q: z.string().trim().min(1).max(200).optional().openapi({ description: "Words in the title or description" }),
  city: z.string().trim().min(1).max(100).optional(),
  from: isoTime.optional().openapi({ description: "Events starting at or after this time" }),
  to: isoTime.optional().openapi({ description: "Events starting at or before this time" }),
  category: categoryId.optional().openapi({ description: "Only events of this category (an id from GET /api/categories)" }),
  mine: z
    .enum(["true", "false"])
    .optional()
    .openapi({ description: "true: the caller's own events (organizers), drafts included" }),
});

export const TicketTypeSchema = z
  .object({
    id: z.string(),
    eventId: z.string(),
    name: z.string(),
    priceVnd: z.number().int(),
    quantity: z.number().int(),
    available: z.number().int().openapi({ description: "Left to buy; lags live sales by a second or two" }),
    maxPerOrder: z.number().int(),
    salesStartAt: z.string().nullable(),
    salesEndAt: z.string().nullable(),
  })
  .openapi("TicketType");

export const EventSchema = z
  .object({
    id: z.string(),
    organizerId: z.string(),
    status: z.enum(["draft", "published", "cancelled"]),
    title: z.string(),
    description: z.string(),
    venue: z.string(),
    city: z.string().nullable(),
    categoryId: z.enum(CATEGORY_IDS).nullable(),
    startsAt: z.string(),
    endsAt: z.string(),
    refundPolicy: z.object({ fullRefundUntilHours: z.number(), partialRefundUntilHours: z.number(), partialRefundPercent: z.number() }),
    createdAt: z.string(),
    updatedAt: z.string(),
    publishedAt: z.string().nullable(),
    cancellation: z
      .object({ cancelledAt: z.string(), reason: z.string() })
      .nullable()
      .openapi({ description: "Set once the event is cancelled (status cancelled)" }),
    queue: z
      .object({
        enabled: z.boolean(),
        admitPerMinute: z.number().int(),
        forced: z.boolean(),
        autoThresholdPerMinute: z.number().int().nullable(),
        autoEnabledAt: z.string().nullable(),
        active: z.boolean().openapi({ description: "The room is on now (enabled, forced, or switched on by demand): POST /api/orders needs a Queue-Pass" }),
      })
      .openapi("EventQueue"),
  })
  .openapi("Event");

export const EventListItemSchema = EventSchema.extend({
  priceFromVnd: z.number().int().nullable(),
  available: z.number().int().openapi({ description: "Tickets left across all ticket types" }),
}).openapi("EventListItem");

export const EventDetailSchema = EventSchema.extend({ ticketTypes: z.array(TicketTypeSchema) }).openapi("EventDetail");

export const StaffSchema = z
  .object({
    id: z.string().openapi({ description: "The invite's id (DELETE /api/events/{id}/staff/{staffId} revokes it)" }),
    eventId: z.string(),
    email: z.string().openapi({ description: "The invited address, normalised; nothing tells whether an account has it" }),
    invitedAt: z.string(),
  })
  .openapi("StaffInvite");

export const StaffParams = z.object({
  id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" } }),
  staffId: z.string().min(1).max(64).openapi({ param: { name: "staffId", in: "path" } }),
});

export const CategorySchema = z
  .object({ id: z.enum(CATEGORY_IDS), name: z.object({ vi: z.string(), en: z.string() }) })
  .openapi("Category", { example: CATEGORIES[0] });

export const CancelEventBody = z
  .object({ reason: z.string().trim().min(1).max(1000).openapi({ example: "The venue is closed by the authorities" }) })
  .openapi("CancelEvent");

export const CancellationProgressSchema = z
  .object({
    total: z.number().int().openapi({ description: "Paid orders the cancellation refunds" }),
    succeeded: z.number().int(),
    failed: z.number().int(),
    pending: z.number().int().openapi({ description: "Not refunded yet (requested, processing, or not reached by the batch yet)" }),
    status: z.enum(["starting", "running", "completed"]).openapi({ description: "completed: every paid order has its refund requested" }),
    startedAt: z.string(),
    completedAt: z.string().nullable(),
    reason: z.string(),
  })
  .openapi("CancellationProgress");

export const QueueStatusSchema = z
  .object({
    state: z.enum(["waiting", "admitted"]),
    position: z.number().int().openapi({ description: "1 = next in; 0 once admitted; before the draw, how many are in it" }),
    estimatedWaitSeconds: z.number().int(),
    drawAt: z.string().nullable().openapi({ description: "Until the pre-sale draw: when it happens (places are random among everyone in it)" }),
    pass: z.string().optional().openapi({ description: "When admitted: send as header Queue-Pass with POST /api/orders" }),
    passExpiresAt: z.string().optional(),
    socketToken: z.string().optional().openapi({ description: "POST only: opens GET /api/events/{id}/queue/ws?token=" }),
  })
  .openapi("QueueStatus");

export const QueueStatsSchema = z
  .object({
    eventId: z.string().nullable(),
    on: z.boolean(),
    admitPerMinute: z.number().int(),
    effectivePerMinute: z.number().openapi({ description: "The rate applied last (lower while many tickets sit in unpaid holds)" }),
    onSaleAt: z.string().nullable(),
    drawnAt: z.string().nullable(),
    beforeDraw: z.number().int(),
    waiting: z.number().int(),
    admitted: z.number().int().openapi({ description: "Passes still valid" }),
    admittedTotal: z.number().int(),
    left: z.number().int(),
    expired: z.number().int(),
    estimatedWaitSeconds: z.number().int().openapi({ description: "The wait of the last one in line" }),
    heldTickets: z.number().int(),
    storageBytes: z.number().int(),
  })
  .openapi("QueueStats");
