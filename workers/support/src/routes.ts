import { createRoute, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { errorResponses, jsonBody, jsonResponse, listOf, relayOutbox, requireIdentity, type ServiceApp } from "@tickets/common";
import type { Env } from "./env";
import { getDb } from "./db/client";
import { requireAccess } from "./domain/access";
import { postReply, setStatus } from "./domain/replies";
import { listTickets, loadThread, loadTicket, openTicket } from "./domain/tickets";
import {
  CreateTicketBody,
  ListTicketsQuery,
  MessageSchema,
  PatchTicketBody,
  PostMessageBody,
  TicketIdParams,
  TicketSchema,
  TicketSummarySchema,
} from "./schemas";

/** Refuses anonymous callers before the request is validated (401 beats 400). */
const signedIn: MiddlewareHandler = async (c, next) => {
  requireIdentity(c.get("identity" as never));
  await next();
};

const security = [{ bearer: [] }];
const tags = ["support"];
const ticketBody = z.object({ ticket: TicketSchema });

const createTicket = createRoute({
  method: "post",
  path: "/api/support/tickets",
  tags,
  security,
  summary: "Open a support ticket, optionally about one of your orders or an event (at most 5 per 10 minutes)",
  middleware: [signedIn] as const,
  request: jsonBody(CreateTicketBody),
  responses: {
    201: jsonResponse(ticketBody, "Ticket opened with its first message"),
    ...errorResponses(400, 401, 404, 429),
  },
});

const listMine = createRoute({
  method: "get",
  path: "/api/support/tickets",
  tags,
  security,
  summary: "Tickets you may see, newest activity first: your own, those about events you organize or staff, all for admins",
  middleware: [signedIn] as const,
  request: { query: ListTicketsQuery },
  responses: { 200: jsonResponse(listOf(TicketSummarySchema)), ...errorResponses(400, 401) },
});

const getTicket = createRoute({
  method: "get",
  path: "/api/support/tickets/{id}",
  tags,
  security,
  summary: "One ticket with its messages (author, organizer and staff of its event, admin; others 404)",
  middleware: [signedIn] as const,
  request: { params: TicketIdParams },
  responses: { 200: jsonResponse(ticketBody), ...errorResponses(401, 404) },
});

const postMessage = createRoute({
  method: "post",
  path: "/api/support/tickets/{id}/messages",
  tags,
  security,
  summary: "Reply on a ticket; the other side is notified (the author's reply reopens it, others' set it pending)",
  middleware: [signedIn] as const,
  request: { params: TicketIdParams, ...jsonBody(PostMessageBody) },
  responses: { 201: jsonResponse(z.object({ message: MessageSchema }), "Reply added"), ...errorResponses(400, 401, 403, 404) },
});

const patchTicket = createRoute({
  method: "patch",
  path: "/api/support/tickets/{id}",
  tags,
  security,
  summary: "Set a ticket's status: open, pending or closed (organizer of its event, admin)",
  middleware: [signedIn] as const,
  request: { params: TicketIdParams, ...jsonBody(PatchTicketBody) },
  responses: { 200: jsonResponse(ticketBody), ...errorResponses(400, 401, 403, 404) },
});

export function mountRoutes(app: ServiceApp<Env>) {
  app.openapi(createTicket, async (c) => {
    const who = requireIdentity(c.get("identity"));
    const ticket = await openTicket(c.env, getDb(c.env.DB), who, c.req.valid("json"));
    return c.json({ ticket }, 201);
  });

  app.openapi(listMine, async (c) => {
    const who = requireIdentity(c.get("identity"));
    return c.json(await listTickets(c.env, getDb(c.env.DB), who, c.req.valid("query")), 200);
  });

  app.openapi(getTicket, async (c) => {
    const who = requireIdentity(c.get("identity"));
    const db = getDb(c.env.DB);
    const ticket = await loadTicket(db, c.req.valid("param").id);
    await requireAccess(c.env.EVENTS_RPC, who, ticket);
    return c.json({ ticket: await loadThread(db, ticket!) }, 200);
  });

  app.openapi(postMessage, async (c) => {
    const who = requireIdentity(c.get("identity"));
    const db = getDb(c.env.DB);
    const ticket = await loadTicket(db, c.req.valid("param").id);
    const access = await requireAccess(c.env.EVENTS_RPC, who, ticket);
    const { message, notified } = await postReply(db, who, ticket!, access, c.req.valid("json"));
    if (notified) c.executionCtx.waitUntil(relayOutbox(db as never, c.env, c.get("log")));
    return c.json({ message }, 201);
  });

  app.openapi(patchTicket, async (c) => {
    const who = requireIdentity(c.get("identity"));
    const db = getDb(c.env.DB);
    const ticket = await loadTicket(db, c.req.valid("param").id);
    const access = await requireAccess(c.env.EVENTS_RPC, who, ticket);
    return c.json({ ticket: await setStatus(db, ticket!, access, c.req.valid("json").status) }, 200);
  });
}
