import { createRoute, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import {
  ApiError,
  errors,
  errorResponses,
  isAdmin,
  jsonBody,
  jsonResponse,
  listOf,
  makeEvent,
  mountDeadLetterRoutes,
  PUBLIC_ORIGIN_HEADER,
  recordMetric,
  QUEUE_PASS_HEADER,
  relayOutbox,
  requireIdentity,
  type ServiceApp,
  type Identity,
} from "@tickets/common";
import { inventory, type Env } from "./env";
import { getDb } from "./db/client";
import { placeOrder } from "./domain/checkout";
import { listOrders, loadOrder, transition, type LoadedOrder } from "./domain/repo";
import { PAID_STATUSES, type OrderStatus } from "./domain/status";
import { orderView, type OrderView } from "./domain/view";
import {
  CreateOrderBody,
  CreateOrderHeaders,
  CreatedOrderSchema,
  ListOrdersQuery,
  OrderIdParams,
  OrderSchema,
  OrderTicketSchema,
} from "./schemas";

/** Refuses anonymous callers before the request is validated (401 beats 400). */
export const signedIn: MiddlewareHandler = async (c, next) => {
  requireIdentity(c.get("identity" as never));
  await next();
};

const security = [{ bearer: [] }];
const tags = ["orders"];

const createOrder = createRoute({
  method: "post",
  path: "/api/orders",
  operationId: "createOrder",
  description: "Buyers (signed in). Holds the tickets for 15 minutes and answers the order with its VNPAY payment URL; the buyer also gets the link by email or SMS. While the event's waiting room is on, a valid Queue-Pass (from GET /api/events/{id}/queue/me, for this buyer and event, unexpired) is required: 403 queue_required otherwise. 409 sold_out (nothing held) or limit_exceeded (over maxPerOrder or the per-buyer limit), 404 event_not_found for an event that does not exist (nothing is created), 400 without an Idempotency-Key; the same Idempotency-Key answers the same order again. Hoarding defence: 429 client_limit_exceeded (too many unpaid orders of the event from one client address), 429 hold_cooldown with Retry-After (the buyer's last unpaid order of the event ended moments ago), 403 challenge_required on an event in high demand without a valid Turnstile token in cf-turnstile-response. 503 payments_unavailable when payments cannot start the payment (nothing is held).",
  tags,
  security,
  summary: "Hold tickets and start paying (idempotent per Idempotency-Key)",
  middleware: [signedIn] as const,
  request: { headers: CreateOrderHeaders, ...jsonBody(CreateOrderBody) },
  responses: {
    201: jsonResponse(CreatedOrderSchema, "Order created, tickets held until holdExpiresAt"),
    200: jsonResponse(CreatedOrderSchema, "The same request again: the order it made"),
    ...errorResponses(400, 401, 403, 404, 409, 422, 429, 503),
  },
});

const getOrder = createRoute({
  method: "get",
  path: "/api/orders/{id}",
  operationId: "getOrder",
  description: "The buyer who owns it, the organizer of its event or an admin; anyone else gets 404. Includes its items, status and, once paid, its tickets.",
  tags,
  security,
  summary: "One order with its tickets (owner, organizer of the event, admin)",
  middleware: [signedIn] as const,
  request: { params: OrderIdParams },
  responses: { 200: jsonResponse(z.object({ order: OrderSchema })), ...errorResponses(401, 404) },
});

const listMyOrders = createRoute({
  method: "get",
  path: "/api/orders",
  operationId: "listMyOrders",
  description: "Signed-in callers only: the caller's own orders, newest first, with cursor pagination.",
  tags,
  security,
  summary: "The caller's own orders, newest first; with eventId, that event's orders (its organizer or an admin), filtered by status and q",
  middleware: [signedIn] as const,
  request: { query: ListOrdersQuery },
  responses: { 200: jsonResponse(listOf(OrderSchema)), ...errorResponses(400, 401, 404) },
});

const cancelOrder = createRoute({
  method: "post",
  path: "/api/orders/{id}/cancel",
  operationId: "cancelOrder",
  description: "The buyer who owns it. Only a pending (unpaid) order can be cancelled (else 409 invalid_state); its held tickets return to sale at once.",
  tags,
  security,
  summary: "Cancel an unpaid order and release its tickets (owner)",
  middleware: [signedIn] as const,
  request: { params: OrderIdParams },
  responses: { 200: jsonResponse(z.object({ order: OrderSchema })), ...errorResponses(401, 404, 409) },
});


type Ticket = z.infer<typeof OrderTicketSchema>;

async function ticketsOf(env: Env, order: LoadedOrder, log: { warn: (m: string, f?: object) => void }): Promise<Ticket[]> {
  if (!PAID_STATUSES.includes(order.row.status as OrderStatus)) return [];
  try {
    const tickets = await env.TICKETS_RPC.ticketsForOrder(order.row.id);
    return tickets.map((t) => ({ id: t.id, code: t.code, status: t.status, qrUrl: t.qrUrl, ticketTypeId: t.ticketTypeId }));
  } catch (err) {
    log.warn("tickets_unavailable", { orderId: order.row.id, error: (err as Error).message });
    return [];
  }
}

/** The event's organizer or an admin (who may read any of its orders and list them). */
export async function managesEvent(env: Env, who: Identity, eventId: string): Promise<boolean> {
  if (isAdmin(who)) return true;
  if (!who.roles.includes("organizer")) return false;
  return (await env.EVENTS_RPC.getEventAccess(eventId, who.userId)).isOrganizer;
}

/** Owner, admin or the event's organizer may read an order; anyone else gets 404. */
const canRead = async (env: Env, who: Identity, order: LoadedOrder) =>
  order.row.buyerId === who.userId || managesEvent(env, who, order.row.eventId);

export function mountRoutes(app: ServiceApp<Env>) {
  app.openapi(createOrder, async (c) => {
    const buyer = requireIdentity(c.get("identity"));
    const input = c.req.valid("json");
    const metric = (name: "order_created" | "order_sold_out") => c.executionCtx.waitUntil(recordMetric(c.env, "orders", name, { subject: input.eventId }));
    const result = await placeOrder(
      { env: c.env, db: getDb(c.env.DB), waitUntil: (p) => c.executionCtx.waitUntil(p), log: c.get("log") },
      {
        buyer,
        key: c.req.valid("header")["idempotency-key"],
        body: input,
        publicOrigin: c.req.header(PUBLIC_ORIGIN_HEADER) ?? new URL(c.req.url).origin,
        clientIp: c.req.header("cf-connecting-ip") ?? "127.0.0.1",
        clientAddress: c.req.header("cf-connecting-ip") ?? null,
        turnstileToken: c.req.valid("header")["cf-turnstile-response"] ?? null,
        queuePass: c.req.valid("header")[QUEUE_PASS_HEADER],
      },
    ).catch((err) => {
      if (err instanceof ApiError && err.code === "sold_out") metric("order_sold_out");
      throw err;
    });
    if (result.created) metric("order_created");
    const body = { order: result.order, paymentUrl: result.paymentUrl };
    return result.created ? c.json(body, 201) : c.json(body, 200);
  });

  app.openapi(getOrder, async (c) => {
    const who = requireIdentity(c.get("identity"));
    const found = await loadOrder(getDb(c.env.DB), c.req.valid("param").id);
    if (!found || !(await canRead(c.env, who, found))) throw errors.notFound("Order");
    const order: OrderView = { ...orderView(found.row, found.items), tickets: await ticketsOf(c.env, found, c.get("log")) };
    return c.json({ order }, 200);
  });

  app.openapi(listMyOrders, async (c) => {
    const who = requireIdentity(c.get("identity"));
    const { limit, cursor, eventId, status, q } = c.req.valid("query");
    if (eventId !== undefined && !(await managesEvent(c.env, who, eventId))) throw errors.notFound("Event");
    const filter = eventId === undefined ? { buyerId: who.userId, status, q } : { eventId, status, q };
    const page = await listOrders(getDb(c.env.DB), filter, limit, cursor);
    const items = page.orders.map((o) => ({
      ...orderView(o.row, o.items),
      ...(eventId === undefined ? {} : { buyerEmail: o.row.buyerEmail }),
    }));
    return c.json({ items, nextCursor: page.nextCursor }, 200);
  });

  app.openapi(cancelOrder, async (c) => {
    const who = requireIdentity(c.get("identity"));
    const db = getDb(c.env.DB);
    const found = await loadOrder(db, c.req.valid("param").id);
    if (!found || found.row.buyerId !== who.userId) throw errors.notFound("Order");
    const { row } = found;
    const event = makeEvent(
      "OrderCancelled",
      { orderId: row.id, eventId: row.eventId, buyerId: row.buyerId, buyerEmail: row.buyerEmail, reason: "cancelled_by_buyer" },
      { correlationId: row.id },
    );
    const changed = row.status === "pending_payment" && (await transition(db, row.id, "cancelled", { from: ["pending_payment"], event }));
    if (!changed) {
      const now = row.status === "pending_payment" ? (await loadOrder(db, row.id))?.row.status : row.status;
      throw errors.invalidState(`Only an unpaid order can be cancelled; this one is ${now}`, { status: now });
    }
    try {
      await inventory(c.env, row.eventId, row.buyerId).release(row.id);
    } catch (err) {
      // The hold's own expiry gives the stock back in any case.
      c.get("log").error("release_failed", { orderId: row.id, error: (err as Error).message });
    }
    c.executionCtx.waitUntil(relayOutbox(db as never, c.env, c.get("log")));
    const order = { ...orderView({ ...row, status: "cancelled", updatedAt: Date.now() }, found.items), tickets: [] };
    return c.json({ order }, 200);
  });

  mountDeadLetterRoutes(app, { prefix: "/api/orders", name: "Order", tag: "orders", inbox: (env) => env.ORDERS_INBOX });
}

