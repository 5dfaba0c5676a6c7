import { createRoute, z } from "@hono/zod-openapi";
import { clientIpOf, errorResponses, errors, isAdmin, jsonBody, jsonResponse, relayOutbox, requireIdentity, type ServiceApp } from "@tickets/common";
import type { Env } from "./env";
import { getDb } from "./db/client";
import { isOrganizerOf, requireRefundManager, requireRefundReader } from "./domain/access";
import { requestBuyerRefund } from "./domain/buyer-refund";
import { retryFailedRefund } from "./domain/manual-retry";
import { requestRefund } from "./domain/request";
import { loadRefund } from "./domain/settle";
import { RefundSchema, toView } from "./domain/view";

const idParam = z.object({ id: z.string().min(1).max(64) });
const RefundBody = z
  .object({
    reason: z.string().trim().min(1).max(1000).openapi({ example: "Cannot attend any more" }),
    amountVnd: z
      .number()
      .int()
      .optional()
      .openapi({ description: "Organizer or admin only: VND to give back, 1..left (default: all that is left). Buyers get the policy's amount." }),
  })
  .openapi("RefundRequest");
const refundResponse = z.object({ refund: RefundSchema });

const requestRoute = createRoute({
  method: "post",
  path: "/api/orders/{id}/refund",
  operationId: "requestRefund",
  tags: ["refunds"],
  summary: "Ask for a refund of a paid order (owner by policy; organizer of the event or admin, any amount); processed asynchronously",
  description:
    "Owner: the amount follows the event's refund policy now (full until fullRefundUntilHours before the start, partialRefundPercent % until partialRefundUntilHours before, else 409 not_refundable); " +
    "one refund per order (asking again while one exists is 409 not_refundable with details.refundId); 409 not_refundable once a ticket of the order is checked in. " +
    "Organizer of the event or admin: whatever the policy and check-ins; amountVnd (default: all that is left = paid − refunded − in flight) must be 1..left, else 409 not_refundable; several partial refunds per order. " +
    "A partial organizer refund gives money back only (tickets stay valid; the order becomes partially_refunded); once everything paid is refunded the tickets are void, the stock goes back on sale and the order is refunded. " +
    "The order keeps its status (confirmed / partially_refunded) until the money really went back. Follow the refund with GET /api/refunds/{id}.",
  security: [{ bearer: [] }],
  request: { params: idParam, ...jsonBody(RefundBody) },
  responses: { 202: jsonResponse(refundResponse, "Refund requested"), ...errorResponses(400, 401, 404, 409) },
});

const getRoute = createRoute({
  method: "get",
  path: "/api/refunds/{id}",
  operationId: "getRefund",
  description: "The buyer of its order, the organizer of its event or an admin; anyone else gets 404. Shows the amount, its status and, when it failed, why.",
  tags: ["refunds"],
  summary: "One refund (the buyer, the organizer of its event, admin); a failed one carries failureReason",
  security: [{ bearer: [] }],
  request: { params: idParam },
  responses: { 200: jsonResponse(refundResponse), ...errorResponses(401, 404) },
});

const retryRoute = createRoute({
  method: "post",
  path: "/api/refunds/{id}/retry",
  operationId: "retryRefund",
  tags: ["refunds"],
  summary: "Try a failed refund again (organizer of its event, admin)",
  description: "From failed only (else 409 invalid_state); 409 not_refundable when its amount no longer fits in what is left of the payment. The buyer gets 403, anyone else 404.",
  security: [{ bearer: [] }],
  request: { params: idParam },
  responses: { 202: jsonResponse(refundResponse, "Refund requested again"), ...errorResponses(401, 403, 404, 409) },
});

export function mountRoutes(app: ServiceApp<Env>) {
  app.openapi(requestRoute, async (c) => {
    const who = requireIdentity(c.get("identity"));
    const db = getDb(c.env.DB);
    const log = c.get("log");
    const orderId = c.req.valid("param").id;
    const { reason, amountVnd } = c.req.valid("json");
    const order = await c.env.ORDERS_RPC.getOrder(orderId);
    if (!order) throw errors.notFound("Order");
    const buyer = order.buyerId === who.userId;
    const manages = isAdmin(who) || (!buyer && (await isOrganizerOf(c.env.EVENTS_RPC, order.eventId, who, log)));
    if (!manages && !buyer) throw errors.notFound("Order");
    if (!manages && amountVnd !== undefined) throw errors.invalidRequest("A buyer's refund amount follows the event's refund policy: leave amountVnd out");
    const refund = manages
      ? await requestRefund({ db, orders: c.env.ORDERS_RPC, log }, { orderId, amountVnd, reason, requestedBy: who.userId, cause: isAdmin(who) ? "admin" : "organizer", clientIp: clientIpOf(c.req.raw.headers) })
      : await requestBuyerRefund({ db, events: c.env.EVENTS_RPC, tickets: c.env.TICKETS_RPC, log }, who, order, reason);
    c.executionCtx.waitUntil(relayOutbox(db as never, c.env, log));
    return c.json({ refund: toView(refund) }, 202);
  });

  app.openapi(getRoute, async (c) => {
    const who = requireIdentity(c.get("identity"));
    const found = await loadRefund(getDb(c.env.DB), { id: c.req.valid("param").id });
    const refund = await requireRefundReader(c.env.EVENTS_RPC, found, who, c.get("log"));
    return c.json({ refund: toView(refund) }, 200);
  });

  app.openapi(retryRoute, async (c) => {
    const who = requireIdentity(c.get("identity"));
    const db = getDb(c.env.DB);
    const log = c.get("log");
    const found = await loadRefund(db, { id: c.req.valid("param").id });
    const refund = await requireRefundManager(c.env.EVENTS_RPC, found, who, log);
    const retried = await retryFailedRefund({ db, log }, refund, who.userId, clientIpOf(c.req.raw.headers));
    c.executionCtx.waitUntil(relayOutbox(db as never, c.env, log));
    return c.json({ refund: toView(retried) }, 202);
  });
}
