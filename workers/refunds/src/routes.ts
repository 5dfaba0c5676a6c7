import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, jsonBody, jsonResponse, relayOutbox, requireIdentity, type ServiceApp } from "@tickets/common";
import type { Env } from "./env";
import { getDb } from "./db/client";
import { requireRefundReader } from "./domain/access";
import { requestRefund } from "./domain/buyer-refund";
import { loadRefund } from "./domain/settle";
import { RefundSchema, toView } from "./domain/view";

const idParam = z.object({ id: z.string().min(1).max(64) });
const RefundBody = z
  .object({ reason: z.string().trim().min(1).max(1000).openapi({ example: "Cannot attend any more" }) })
  .openapi("RefundRequest");
const refundResponse = z.object({ refund: RefundSchema });

const requestRoute = createRoute({
  method: "post",
  path: "/api/orders/{id}/refund",
  tags: ["refunds"],
  summary: "Ask for a refund of a confirmed order (owner); processed asynchronously",
  description:
    "The amount follows the event's refund policy now: full until fullRefundUntilHours before the start, partialRefundPercent % until partialRefundUntilHours before, else 409 not_refundable. " +
    "One refund per order: asking again while one exists is 409 not_refundable with details.refundId (only a failed refund may be asked for again). Follow it with GET /api/refunds/{id}.",
  security: [{ bearer: [] }],
  request: { params: idParam, ...jsonBody(RefundBody) },
  responses: { 202: jsonResponse(refundResponse, "Refund requested"), ...errorResponses(400, 401, 404, 409) },
});

const getRoute = createRoute({
  method: "get",
  path: "/api/refunds/{id}",
  tags: ["refunds"],
  summary: "One refund (the buyer, the organizer of its event, admin)",
  security: [{ bearer: [] }],
  request: { params: idParam },
  responses: { 200: jsonResponse(refundResponse), ...errorResponses(401, 404) },
});

export function mountRoutes(app: ServiceApp<Env>) {
  app.openapi(requestRoute, async (c) => {
    const who = requireIdentity(c.get("identity"));
    const db = getDb(c.env.DB);
    const log = c.get("log");
    const refund = await requestRefund({ db, orders: c.env.ORDERS_RPC, events: c.env.EVENTS_RPC, log }, who, c.req.valid("param").id, c.req.valid("json").reason);
    c.executionCtx.waitUntil(relayOutbox(db as never, c.env, log));
    return c.json({ refund: toView(refund) }, 202);
  });

  app.openapi(getRoute, async (c) => {
    const who = requireIdentity(c.get("identity"));
    const found = await loadRefund(getDb(c.env.DB), { id: c.req.valid("param").id });
    const refund = await requireRefundReader(c.env.EVENTS_RPC, found, who, c.get("log"));
    return c.json({ refund: toView(refund) }, 200);
  });
}
