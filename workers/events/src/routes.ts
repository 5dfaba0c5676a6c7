import { createRoute, z } from "@hono/zod-openapi";
import { drizzle } from "drizzle-orm/d1";
import { actorOf, errorResponses, jsonBody, jsonResponse, listOf, paginationQuery, relayOutbox, requireRole, type ServiceApp } from "@tickets/common";
import type { Env } from "./env";
import type { Identity } from "@tickets/common";
import {
  CancelEventBody,
  CancellationProgressSchema,
  CategorySchema,
  CreateEventBody,
  CreateTicketTypeBody,
  EventDetailSchema,
  EventIdParam,
  EventListItemSchema,
  EventSchema,
  GrantStaffBody,
  ListEventsQuery,
  StaffParams,
  StaffSchema,
  TicketTypeParams,
  TicketTypeSchema,
  UpdateEventBody,
  UpdateTicketTypeBody,
} from "./schemas";
import { createEvent, eventDetail, publishEvent, updateEvent } from "./domain/events";
import { listEvents } from "./domain/listing";
import { addTicketType, updateTicketType } from "./domain/ticket-types";
import { inviteStaff, listStaff, revokeStaff } from "./domain/staff";
import { cancelEvent, cancellationProgress } from "./domain/cancellation";
import { CATEGORIES } from "./domain/categories";

const tags = ["events"];
const security = [{ bearer: [] }];
const EventEnvelope = z.object({ event: EventSchema });
const TicketTypeEnvelope = z.object({ ticketType: TicketTypeSchema });

const categoriesRoute = createRoute({
  method: "get",
  path: "/api/categories",
  operationId: "listCategories",
  description: "Public. The category ids an event may carry (categoryId on create/update) and that GET /api/events?category= filters by.",
  tags,
  summary: "The fixed taxonomy of event categories (id is a slug; names in Vietnamese and English)",
  responses: { 200: jsonResponse(z.object({ items: z.array(CategorySchema) })) },
});

const cancelRoute = createRoute({
  method: "post",
  path: "/api/events/{id}/cancel",
  operationId: "cancelEvent",
  tags,
  security,
  summary: "Cancel an event (its organizer or an admin): sales stop at once, pending orders are cancelled, every paid order is refunded in full",
  description:
    "202: the refunds run as a resumable batch; follow them with GET /api/events/{id}/cancellation. Calling it again changes nothing (the same 202). " +
    "A cancelled event leaves the public listing; its page shows status cancelled.",
  request: { params: EventIdParam, ...jsonBody(CancelEventBody) },
  responses: { 202: jsonResponse(EventEnvelope, "Cancelled; refunds under way"), ...errorResponses(400, 401, 403, 404) },
});

const cancellationRoute = createRoute({
  method: "get",
  path: "/api/events/{id}/cancellation",
  operationId: "getEventCancellation",
  description: "Counts the refunds the cancellation started: total (paid orders when it began), succeeded, failed, pending; a failed one can be retried with POST /api/refunds/{id}/retry.",
  tags,
  security,
  summary: "Progress of a cancelled event's refunds (its organizer or an admin); 404 if the event is not cancelled",
  request: { params: EventIdParam },
  responses: { 200: jsonResponse(CancellationProgressSchema), ...errorResponses(401, 403, 404) },
});

const listRoute = createRoute({
  method: "get",
  path: "/api/events",
  operationId: "listEvents",
  description: "Public. Pages through published events by start time with an opaque cursor; an organizer passing mine=true sees their own events, drafts included (401 without a token).",
  tags,
  summary: "Published events, cancelled ones left out (cursor pagination; filters q, category, city, from, to; mine=true for an organizer's own)",
  request: { query: ListEventsQuery },
  responses: { 200: jsonResponse(listOf(EventListItemSchema)), ...errorResponses(400, 401, 403) },
});

const createEventRoute = createRoute({
  method: "post",
  path: "/api/events",
  operationId: "createEvent",
  description: "Organizers and admins only (403 for buyers). The event starts as a draft that only its organizer sees until it is published; 400 on invalid dates or fields.",
  tags,
  security,
  summary: "Create an event (draft); organizers only",
  request: jsonBody(CreateEventBody),
  responses: { 201: jsonResponse(EventEnvelope, "Created"), ...errorResponses(400, 401, 403) },
});

const detailRoute = createRoute({
  method: "get",
  path: "/api/events/{id}",
  operationId: "getEvent",
  description: "Public for published events; a draft is visible to its organizer and admins only, anyone else gets 404. Each ticket type carries how many are still available.",
  tags,
  summary: "An event with its ticket types and what is left of each (drafts: their organizer only)",
  request: { params: EventIdParam },
  responses: { 200: jsonResponse(z.object({ event: EventDetailSchema })), ...errorResponses(404) },
});

const updateEventRoute = createRoute({
  method: "patch",
  path: "/api/events/{id}",
  operationId: "updateEvent",
  description: "Its organizer or an admin; any other organizer gets 404. Only the fields sent change; 400 on invalid values.",
  tags,
  security,
  summary: "Edit an event (its organizer or an admin)",
  request: { params: EventIdParam, ...jsonBody(UpdateEventBody) },
  responses: { 200: jsonResponse(EventEnvelope), ...errorResponses(400, 401, 403, 404, 409) },
});

const publishRoute = createRoute({
  method: "post",
  path: "/api/events/{id}/publish",
  operationId: "publishEvent",
  description: "Its organizer or an admin. Makes a draft visible and on sale; 409 invalid_state when it has no ticket type. Publishing a published event again answers it unchanged.",
  tags,
  security,
  summary: "Publish an event; 409 invalid_state without ticket types",
  request: { params: EventIdParam },
  responses: { 200: jsonResponse(EventEnvelope), ...errorResponses(401, 403, 404, 409) },
});

const addTicketTypeRoute = createRoute({
  method: "post",
  path: "/api/events/{id}/ticket-types",
  operationId: "addTicketType",
  description: "Its organizer or an admin. Adds a ticket type with its price, quantity, per-order limit and optional sales window; 400 on invalid values.",
  tags,
  security,
  summary: "Add a ticket type (price in integer VND, quantity, maxPerOrder default 10, optional sales window)",
  request: { params: EventIdParam, ...jsonBody(CreateTicketTypeBody) },
  responses: { 201: jsonResponse(TicketTypeEnvelope, "Created"), ...errorResponses(400, 401, 403, 404, 409) },
});

const updateTicketTypeRoute = createRoute({
  method: "patch",
  path: "/api/events/{id}/ticket-types/{ttId}",
  operationId: "updateTicketType",
  description: "Its organizer or an admin. Only the fields sent change; the quantity cannot go below what is already sold or held (409 quantity_below_sold_or_held).",
  tags,
  security,
  summary: "Edit a ticket type; 409 quantity_below_sold_or_held when lowering quantity under what is sold or held",
  request: { params: TicketTypeParams, ...jsonBody(UpdateTicketTypeBody) },
  responses: { 200: jsonResponse(TicketTypeEnvelope), ...errorResponses(400, 401, 403, 404, 409) },
});

const grantStaffRoute = createRoute({
  method: "post",
  path: "/api/events/{id}/staff",
  operationId: "grantEventStaff",
  description:
    "Its organizer or an admin. The account with this email, now or once it signs up, gets staff on this event: it may check tickets in and see the event's support tickets. " +
    "The answer is the same whether or not such an account exists, and never names it. Inviting the same address again answers the same invite.",
  tags,
  security,
  summary: "Invite door staff (check-in rights on this event) by email",
  request: { params: EventIdParam, ...jsonBody(GrantStaffBody) },
  responses: { 201: jsonResponse(z.object({ staff: StaffSchema }), "Invited"), ...errorResponses(400, 401, 403, 404) },
});

const revokeStaffRoute = createRoute({
  method: "delete",
  path: "/api/events/{id}/staff/{staffId}",
  operationId: "revokeEventStaff",
  description: "Its organizer or an admin. The invite and the check-in rights it gave end at once; 404 staff_not_found when the event has no such invite (or it was revoked already).",
  tags,
  security,
  summary: "Revoke a staff invite of this event",
  request: { params: StaffParams },
  responses: { 204: { description: "Revoked" }, ...errorResponses(401, 403, 404) },
});

const listStaffRoute = createRoute({
  method: "get",
  path: "/api/events/{id}/staff",
  operationId: "listEventStaff",
  description: "Its organizer or an admin; others get 404. Lists the users with check-in rights on the event.",
  tags,
  security,
  summary: "Staff of this event (its organizer or an admin)",
  request: { params: EventIdParam, query: paginationQuery },
  responses: { 200: jsonResponse(listOf(StaffSchema)), ...errorResponses(400, 401, 403, 404) },
});

type RouteContext = { get(key: "identity"): Identity | null; req: { raw: Request } };
const actor = (c: RouteContext) => actorOf(c.get("identity"), c.req.raw.headers);

export function mountRoutes(app: ServiceApp<Env>) {
  // A change writes its audit row (and maybe EventCancelled) to the outbox: send it right away;
  // the cron relays whatever this misses.
  app.use("/api/events/*", async (c, next) => {
    await next();
    if (c.req.method !== "GET" && c.res.status < 400) c.executionCtx.waitUntil(relayOutbox(drizzle(c.env.DB), c.env, c.get("log")));
  });
  app.use("/api/events", async (c, next) => {
    await next();
    if (c.req.method !== "GET" && c.res.status < 400) c.executionCtx.waitUntil(relayOutbox(drizzle(c.env.DB), c.env, c.get("log")));
  });
  // Who may call comes before what they sent: 401/403 before a 400 for changes and staff lists.
  app.use("/api/events/*", async (c, next) => {
    // The waiting room's routes check their callers themselves (buyers join and leave).
    if (/\/queue(\/|$)/.test(c.req.path)) return next();
    if (c.req.method !== "GET" || c.req.path.endsWith("/staff") || c.req.path.endsWith("/cancellation")) requireRole(c.get("identity"), "organizer", "admin");
    await next();
  });
  app.use("/api/events", async (c, next) => {
    if (c.req.method !== "GET") requireRole(c.get("identity"), "organizer", "admin");
    await next();
  });

  app.openapi(categoriesRoute, (c) => c.json({ items: CATEGORIES.map((cat) => ({ id: cat.id, name: { ...cat.name } })) }, 200));

  app.openapi(cancelRoute, async (c) => {
    const { id } = c.req.valid("param");
    const event = await cancelEvent(c.env, drizzle(c.env.DB), actor(c), id, c.req.valid("json").reason, c.get("log"));
    return c.json({ event }, 202);
  });

  app.openapi(cancellationRoute, async (c) =>
    c.json(await cancellationProgress(c.env, drizzle(c.env.DB), c.get("identity"), c.req.valid("param").id), 200),
  );

  app.openapi(listRoute, async (c) => c.json(await listEvents(drizzle(c.env.DB), c.get("identity"), c.req.valid("query")), 200));

  app.openapi(createEventRoute, async (c) =>
    c.json({ event: await createEvent(drizzle(c.env.DB), actor(c), c.req.valid("json")) }, 201),
  );

  app.openapi(detailRoute, async (c) =>
    c.json({ event: await eventDetail(drizzle(c.env.DB), c.get("identity"), c.req.valid("param").id) }, 200),
  );

  app.openapi(updateEventRoute, async (c) => {
    const event = await updateEvent(c.env, drizzle(c.env.DB), actor(c), c.req.valid("param").id, c.req.valid("json"));
    return c.json({ event }, 200);
  });

  app.openapi(publishRoute, async (c) =>
    c.json({ event: await publishEvent(c.env, drizzle(c.env.DB), actor(c), c.req.valid("param").id) }, 200),
  );

  app.openapi(addTicketTypeRoute, async (c) => {
    const ticketType = await addTicketType(c.env, drizzle(c.env.DB), actor(c), c.req.valid("param").id, c.req.valid("json"));
    return c.json({ ticketType }, 201);
  });

  app.openapi(updateTicketTypeRoute, async (c) => {
    const { id, ttId } = c.req.valid("param");
    const ticketType = await updateTicketType(c.env, drizzle(c.env.DB), actor(c), id, ttId, c.req.valid("json"));
    return c.json({ ticketType }, 200);
  });

  app.openapi(grantStaffRoute, async (c) => {
    const staff = await inviteStaff(c.env, drizzle(c.env.DB), actor(c), c.req.valid("param").id, c.req.valid("json").email);
    return c.json({ staff }, 201);
  });

  app.openapi(revokeStaffRoute, async (c) => {
    const { id, staffId } = c.req.valid("param");
    await revokeStaff(drizzle(c.env.DB), actor(c), id, staffId);
    return c.body(null, 204);
  });

  app.openapi(listStaffRoute, async (c) =>
    c.json(await listStaff(drizzle(c.env.DB), c.get("identity"), c.req.valid("param").id, c.req.valid("query")), 200),
  );
}
