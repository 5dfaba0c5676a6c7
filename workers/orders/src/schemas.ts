import { z } from "@hono/zod-openapi";
import { paginationQuery } from "@tickets/common";
import { ORDER_STATUSES } from "./domain/status";
import { idempotencyKeySchema } from "./domain/idempotency";

export const OrderItemSchema = z
  .object({ ticketTypeId: z.string(), name: z.string(), unitPriceVnd: z.number().int(), quantity: z.number().int() })
  .openapi("OrderItem");

export const OrderTicketSchema = z
  .object({
    id: z.string(),
    code: z.string().openapi({ description: "What the QR code encodes (signed)" }),
    status: z.enum(["valid", "checked_in", "void"]),
    qrUrl: z.string(),
    ticketTypeId: z.string(),
  })
  .openapi("OrderTicket");

export const OrderSchema = z
  .object({
    id: z.string(),
    eventId: z.string(),
    status: z.enum(ORDER_STATUSES),
    totalVnd: z.number().int(),
    items: z.array(OrderItemSchema),
    holdExpiresAt: z.string().openapi({ description: "When the held tickets are released if unpaid (ISO-8601)" }),
    createdAt: z.string(),
    updatedAt: z.string(),
    tickets: z.array(OrderTicketSchema).optional().openapi({ description: "Issued tickets (GET /api/orders/{id})" }),
    buyerEmail: z.string().optional().openapi({ description: "In an event's order list (GET /api/orders?eventId=) for its organizer or an admin" }),
  })
  .openapi("Order");

export const CreateOrderBody = z
  .object({
    eventId: z.string().min(1).max(64),
    items: z
      .array(z.object({ ticketTypeId: z.string().min(1).max(64), quantity: z.number().int().min(1).max(100) }))
      .min(1)
      .max(20),
  })
  .openapi("CreateOrder");

export const CreateOrderHeaders = z.object({
  "idempotency-key": idempotencyKeySchema.openapi({
    param: { name: "idempotency-key", in: "header" },
    description: "8–128 characters, unique per checkout attempt; retries with the same key and body return the same order",
  }),
  "cf-turnstile-response": z
    .string()
    .max(2048)
    .optional()
    .openapi({
      param: { name: "cf-turnstile-response", in: "header" },
      description: "A Cloudflare Turnstile token; needed only after a 403 challenge_required (the event is in high demand)",
    }),
  "queue-pass": z.string().max(1024).optional().openapi({
    param: { name: "queue-pass", in: "header" },
    description: "The pass from GET /api/events/{id}/queue/me once admitted; required while the event's waiting room is on",
  }),
});

export const CreatedOrderSchema = z
  .object({ order: OrderSchema, paymentUrl: z.string().nullable().openapi({ description: "VNPAY payment URL" }) })
  .openapi("CreatedOrder");

export const ListOrdersQuery = paginationQuery.extend({
  eventId: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .openapi({ description: "That event's orders instead of the caller's own (its organizer or an admin; others 404)" }),
  status: z.enum(ORDER_STATUSES).optional(),
  q: z.string().trim().min(1).max(320).optional().openapi({ description: "An order id, or part of the buyer's email (with eventId)" }),
});

export const OrderIdParams = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" } }) });

