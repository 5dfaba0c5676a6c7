import { createRoute, z } from "@hono/zod-openapi";
import { currentTrace, errors, errorResponses, isAdmin, jsonResponse, requireIdentity, TimelineItemSchema, withTrace, type ServiceApp } from "@tickets/common";
import type { Env } from "./env";
import { getDb } from "./db/client";
import { loadOrder } from "./domain/repo";
import { assembleTimeline, orderSteps, viewFor, type TimelineSource, type TimelineView } from "./domain/timeline";
import { managesEvent, signedIn } from "./routes";
import { OrderIdParams } from "./schemas";

const DEFAULT_TIMEOUT_MS = 1500;

const TimelineSchema = z
  .object({
    items: z.array(TimelineItemSchema).openapi({ description: "Oldest first; any `unavailable` steps come last" }),
    partial: z.boolean().openapi({ description: "true when a service did not answer in time: its steps are missing, an `unavailable` item names it" }),
  })
  .openapi("OrderTimeline");

const getOrderTimeline = createRoute({
  method: "get",
  path: "/api/orders/{id}/timeline",
  operationId: "getOrderTimeline",
  description:
    "The order's story across services, oldest first: held, payment started, VNPAY's IPN calls with their codes, confirmed, tickets issued, messages sent, refunds, check-ins. " +
    "The buyer who owns it sees a buyer's view (no VNPAY codes, no internal ids); the event's organizer and admins see everything. Anyone else gets 404. " +
    "A service that does not answer in time leaves its steps out: `partial` is true and an `unavailable` item names it.",
  tags: ["orders"],
  security: [{ bearer: [] }],
  summary: "One order's timeline across services (owner, organizer of the event, admin)",
  middleware: [signedIn] as const,
  request: { params: OrderIdParams },
  responses: { 200: jsonResponse(TimelineSchema, "The order's steps"), ...errorResponses(401, 404) },
});

/** Each service's own steps for the order, over its RPC entrypoint, with this request's trace. */
const sourcesFor = (env: Env, orderId: string): TimelineSource[] => {
  const trace = currentTrace();
  return [
    { service: "payments", read: () => env.PAYMENTS_RPC.timelineFor(orderId, trace) },
    { service: "tickets", read: () => env.TICKETS_RPC.timelineFor(orderId, trace) },
    { service: "notifications", read: () => env.NOTIFICATIONS_RPC.timelineFor(orderId, trace) },
    { service: "refunds", read: () => env.REFUNDS_RPC.timelineFor(orderId, trace) },
  ];
};

const timeoutOf = (env: Env) => {
  const n = Number(env.TIMELINE_SOURCE_TIMEOUT_MS);
  return Number.isFinite(n) && n > 0 ? n : DEFAULT_TIMEOUT_MS;
};

export function mountTimelineRoutes(app: ServiceApp<Env>) {
  app.openapi(getOrderTimeline, async (c) => {
    const who = requireIdentity(c.get("identity"));
    const orderId = c.req.valid("param").id;
    const found = await loadOrder(getDb(c.env.DB), orderId);
    if (!found) throw errors.notFound("Order");
    // The organizer of the event and admins see everything, also on an order they bought themselves.
    const view: TimelineView | null = isAdmin(who) || (await managesEvent(c.env, who, found.row.eventId)) ? "full" : found.row.buyerId === who.userId ? "buyer" : null;
    if (!view) throw errors.notFound("Order");
    return withTrace({ correlationId: orderId }, async () => {
      const log = c.get("log").child({ orderId });
      const started = Date.now();
      const timeline = await assembleTimeline(orderSteps(found.row, found.items), sourcesFor(c.env, orderId), {
        timeoutMs: timeoutOf(c.env),
        onFailure: (f) => log.warn("timeline_source_unavailable", { source: f.service, error: f.error }),
      });
      log.info("timeline_read", { view, items: timeline.items.length, partial: timeline.partial, ms: Date.now() - started });
      return c.json(viewFor(timeline, view), 200);
    });
  });
}
