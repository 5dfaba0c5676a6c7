import { createRoute, z, type RouteConfig } from "@hono/zod-openapi";
import type { Context } from "hono";
import {
  errorResponses,
  jsonBody,
  jsonResponse,
  listOf,
  clientIpOf,
  relayOutbox,
  requireIdentity,
  signedIn,
  type ServiceApp,
  type ServiceEnv,
} from "@tickets/common";
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

/** Every support route: signed-in callers only (401 before validation), bearer auth, tag "support". */
const supportRoute = <R extends Omit<RouteConfig, "tags" | "security" | "middleware">>(config: R) =>
  createRoute({ ...config, tags: ["support"], security: [{ bearer: [] }], middleware: [signedIn] as const });
const ticketBody = z.object({ ticket: TicketSchema });

const createTicket = supportRoute({
  method: "post",
  path: "/api/support/tickets",
  operationId: "createSupportTicket",
  description: "Signed-in callers. Opens a ticket with its first message; an order or event it refers to must be the caller's own or visible (else 404). 429 rate_limited when too many are opened.",
  summary: "Open a support ticket, optionally about one of your orders or an event (by default at most 5 per user per 10 minutes)",
  request: jsonBody(CreateTicketBody),
  responses: {
    201: jsonResponse(ticketBody, "Ticket opened with its first message"),
    ...errorResponses(400, 401, 404, 429),
  },
});

const listMine = supportRoute({
  method: "get",
  path: "/api/support/tickets",
  operationId: "listSupportTickets",
  description: "Signed-in callers. What each sees depends on their role: buyers their own tickets, organizers and staff those about their events, admins all; cursor pagination.",
  summary: "Tickets you may see, newest activity first: your own, those about events you organize or staff, all for admins",
  request: { query: ListTicketsQuery },
  responses: { 200: jsonResponse(listOf(TicketSummarySchema)), ...errorResponses(400, 401) },
});

const getTicket = supportRoute({
  method: "get",
  path: "/api/support/tickets/{id}",
  operationId: "getSupportTicket",
  description: "Its author, the organizer or staff of its event, or an admin; anyone else gets 404. Answers the ticket with its whole conversation.",
  summary: "One ticket with its messages (author, organizer and staff of its event, admin; others 404)",
  request: { params: TicketIdParams },
  responses: { 200: jsonResponse(ticketBody), ...errorResponses(401, 404) },
});

const postMessage = supportRoute({
  method: "post",
  path: "/api/support/tickets/{id}/messages",
  operationId: "replyToSupportTicket",
  description: "Anyone who may see the ticket. Adds a message and notifies the other side; replying on a closed ticket reopens it when the author writes.",
  summary: "Reply on a ticket; the other side is notified (the author's reply reopens it, others' set it pending)",
  request: { params: TicketIdParams, ...jsonBody(PostMessageBody) },
  responses: { 201: jsonResponse(z.object({ message: MessageSchema }), "Reply added"), ...errorResponses(400, 401, 403, 404) },
});

const patchTicket = supportRoute({
  method: "patch",
  path: "/api/support/tickets/{id}",
  operationId: "updateSupportTicketStatus",
  description: "The organizer of its event or an admin (the author gets 403, others 404). Moves the ticket between open, pending and closed.",
  summary: "Set a ticket's status: open, pending or closed (organizer of its event, admin)",
  request: { params: TicketIdParams, ...jsonBody(PatchTicketBody) },
  responses: { 200: jsonResponse(ticketBody), ...errorResponses(400, 401, 403, 404) },
});

/** The caller, the ticket named in the path and what the caller is to it; 404 if they may not see it. */
async function visibleTicket(c: Context<ServiceEnv<Env>>, id: string) {
  const who = requireIdentity(c.get("identity"));
  const db = getDb(c.env.DB);
  return { who, db, ...(await requireAccess(c.env.EVENTS_RPC, who, await loadTicket(db, id))) };
}

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
    const { db, ticket } = await visibleTicket(c, c.req.valid("param").id);
    return c.json({ ticket: await loadThread(db, ticket) }, 200);
  });

  app.openapi(postMessage, async (c) => {
    const { who, db, ticket, access } = await visibleTicket(c, c.req.valid("param").id);
    const { message, notified } = await postReply(db, who, ticket, access, c.req.valid("json"), clientIpOf(c.req.raw.headers));
    if (notified) c.executionCtx.waitUntil(relayOutbox(db as never, c.env, c.get("log")));
    return c.json({ message }, 201);
  });

  app.openapi(patchTicket, async (c) => {
    const { who, db, ticket, access } = await visibleTicket(c, c.req.valid("param").id);
    const updated = await setStatus(db, who, ticket, access, c.req.valid("json").status, clientIpOf(c.req.raw.headers));
    c.executionCtx.waitUntil(relayOutbox(db as never, c.env, c.get("log")));
    return c.json({ ticket: updated }, 200);
  });
}
