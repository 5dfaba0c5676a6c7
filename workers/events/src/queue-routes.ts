import { createRoute } from "@hono/zod-openapi";
import { drizzle } from "drizzle-orm/d1";
import { errorResponses, jsonResponse, requireIdentity, signedIn, type ServiceApp } from "@tickets/common";
import type { Env } from "./env";
import { EventIdParam, QueueStatsSchema, QueueStatusSchema } from "./schemas";
import { joinRoom, openSocket, roomOf, roomStats, roomStatus, socketToken } from "./domain/waiting-room";

const tags = ["waiting room"];
const security = [{ bearer: [] }];

const joinRoute = createRoute({
  method: "post",
  path: "/api/events/{id}/queue",
  operationId: "joinQueue",
  description:
    "Signed-in buyers. One place per account: calling it again answers the same place. Before the on-sale instant every arrival enters a draw " +
    "that gives each a random place at on-sale; later arrivals queue in order. When the room is off the buyer is admitted at once. " +
    "socketToken opens the WebSocket GET /api/events/{id}/queue/ws?token=<socketToken>: each message is {type:'status', …the GET …/queue/me answer} after every change of place.",
  tags,
  security,
  summary: "Join the event's waiting room (or get your place again)",
  middleware: [signedIn] as const,
  request: { params: EventIdParam },
  responses: { 200: jsonResponse(QueueStatusSchema, "Your place"), ...errorResponses(401, 404, 409) },
});

const meRoute = createRoute({
  method: "get",
  path: "/api/events/{id}/queue/me",
  operationId: "getQueuePlace",
  description:
    "Signed-in buyers: the same answer the WebSocket pushes. When admitted it carries pass: send it as header Queue-Pass with POST /api/orders " +
    "before passExpiresAt. 404 not_in_queue when the account never joined, left, or let its pass expire.",
  tags,
  security,
  summary: "Your place in the waiting room (polling fallback of the WebSocket)",
  middleware: [signedIn] as const,
  request: { params: EventIdParam },
  responses: { 200: jsonResponse(QueueStatusSchema), ...errorResponses(401, 404) },
});

const leaveRoute = createRoute({
  method: "delete",
  path: "/api/events/{id}/queue",
  operationId: "leaveQueue",
  description: "Signed-in buyers: gives up the place (or an unused pass); everyone behind moves up. Joining later queues at the back.",
  tags,
  security,
  summary: "Leave the waiting room",
  middleware: [signedIn] as const,
  request: { params: EventIdParam },
  responses: { 204: { description: "Left (or was not in the room)" }, ...errorResponses(401) },
});

const statsRoute = createRoute({
  method: "get",
  path: "/api/events/{id}/queue",
  operationId: "getQueueStats",
  description: "The event's organizer or an admin (other organizers 404, buyers 403): how many wait, the configured and the applied admission rate, the wait at the back of the line.",
  tags,
  security,
  summary: "The waiting room's live figures (organizer of the event, admin)",
  request: { params: EventIdParam },
  responses: { 200: jsonResponse(QueueStatsSchema), ...errorResponses(401, 403, 404) },
});

export function mountQueueRoutes(app: ServiceApp<Env>) {
  app.openapi(joinRoute, async (c) => {
    const who = requireIdentity(c.get("identity"));
    const eventId = c.req.valid("param").id;
    const [{ status }, token] = await Promise.all([joinRoom(c.env, drizzle(c.env.DB), who, eventId), socketToken(c.env, who, eventId)]);
    return c.json({ ...status, socketToken: token }, 200);
  });

  app.openapi(meRoute, async (c) => {
    const who = requireIdentity(c.get("identity"));
    return c.json(await roomStatus(c.env, who, c.req.valid("param").id), 200);
  });

  app.openapi(leaveRoute, async (c) => {
    const who = requireIdentity(c.get("identity"));
    await roomOf(c.env, c.req.valid("param").id).leave(who.userId);
    return c.body(null, 204);
  });

  app.openapi(statsRoute, async (c) => c.json(await roomStats(c.env, drizzle(c.env.DB), c.get("identity"), c.req.valid("param").id), 200));

  // WebSocket upgrade (browsers cannot send Authorization there: the socketToken from POST …/queue
  // names the account). Each message is {type:"status", …the GET …/queue/me answer} after every
  // change of place; "ping" gets "pong". Outside the OpenAPI document: OpenAPI has no 101 operation.
  app.get("/api/events/:id/queue/ws", (c) => openSocket(c.env, c.req.param("id"), c.req.raw));
}
