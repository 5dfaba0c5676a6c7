import { createRoute, z } from "@hono/zod-openapi";
import { ApiError, errorResponses, jsonResponse, listOf, paginationQuery, requireIdentity, type ServiceApp } from "@tickets/common";
import type { Env } from "./env";
import { keyRing, publicJwks } from "./domain/codes";
import { requireTicketReader } from "./domain/access";
import { readQrImage } from "./domain/qr";
import { getTicket, ticketsOfOwner, toView, type Db } from "./domain/tickets";
import { TICKET_STATUSES } from "./db/schema";

export const TicketSchema = z
  .object({
    id: z.string(),
    orderId: z.string(),
    eventId: z.string(),
    ticketTypeId: z.string(),
    ticketTypeName: z.string().nullable(),
    status: z.enum(TICKET_STATUSES),
    code: z.string().openapi({ description: "Signed token (compact ES256 JWS) the QR encodes; verify offline with /api/tickets/jwks.json" }),
    qrUrl: z.string(),
    issuedAt: z.string(),
    checkedInAt: z.string().nullable(),
  })
  .openapi("Ticket");

export const JwksSchema = z
  .object({
    keys: z.array(
      z.object({ kty: z.string(), crv: z.string(), x: z.string(), y: z.string(), kid: z.string(), alg: z.string(), use: z.string(), expiresAt: z.string().optional() }),
    ),
  })
  .openapi("TicketJwks");

const ticketParams = z.object({ id: z.string().min(1).max(64) });
const ticketNotFound = () => new ApiError(404, "not_found", "Ticket not found");

const jwksRoute = createRoute({
  method: "get",
  path: "/api/tickets/jwks.json",
  operationId: "getTicketJwks",
  description: "Public and cacheable: the keys that verify the signed code in each ticket's QR, so scanners can check tickets offline.",
  tags: ["tickets"],
  summary: "Public keys that verify ticket codes (current and not-yet-expired previous keys)",
  responses: { 200: jsonResponse(JwksSchema) },
});

const myTicketsRoute = createRoute({
  method: "get",
  path: "/api/tickets",
  operationId: "listMyTickets",
  description: "Signed-in callers only: the caller's own issued tickets across events, newest first, with cursor pagination.",
  tags: ["tickets"],
  summary: "The caller's tickets, newest first",
  security: [{ bearer: [] }],
  request: { query: paginationQuery },
  responses: { 200: jsonResponse(listOf(TicketSchema)), ...errorResponses(400, 401) },
});

const ticketRoute = createRoute({
  method: "get",
  path: "/api/tickets/{id}",
  operationId: "getTicket",
  description: "The ticket's owner, the organizer of its event or an admin; anyone else gets 404. Includes its signed code and status.",
  tags: ["tickets"],
  summary: "One ticket (owner, organizer of its event, admin)",
  security: [{ bearer: [] }],
  request: { params: ticketParams },
  responses: { 200: jsonResponse(z.object({ ticket: TicketSchema })), ...errorResponses(401, 404) },
});

const qrRoute = createRoute({
  method: "get",
  path: "/api/tickets/{id}/qr.png",
  operationId: "getTicketQr",
  description: "The ticket's owner, the organizer of its event or an admin; anyone else gets 404. A PNG image of the signed ticket code for the entrance scanner.",
  tags: ["tickets"],
  summary: "The ticket's QR code as PNG (owner, organizer of its event, admin)",
  security: [{ bearer: [] }],
  request: { params: ticketParams },
  responses: {
    200: { description: "PNG image", content: { "image/png": { schema: z.string().openapi({ format: "binary" }) } } },
    ...errorResponses(401, 404),
  },
});

export function ticketRoutes(app: ServiceApp<Env>, db: (env: Env) => Db) {
  // Registered before /api/tickets/{id} so the static path wins.
  app.openapi(jwksRoute, async (c) => {
    const ring = await keyRing(c.env);
    c.header("cache-control", "public, max-age=300");
    return c.json(publicJwks(ring), 200);
  });

  app.openapi(myTicketsRoute, async (c) => {
    const who = requireIdentity(c.get("identity"));
    const { limit, cursor } = c.req.valid("query");
    return c.json(await ticketsOfOwner(db(c.env), who.userId, limit, cursor), 200);
  });

  app.openapi(ticketRoute, async (c) => {
    const who = requireIdentity(c.get("identity"));
    const ticket = await getTicket(db(c.env), c.req.valid("param").id);
    if (!ticket) throw ticketNotFound();
    await requireTicketReader(c.env.EVENTS_RPC, ticket, who, c.get("log"));
    return c.json({ ticket: toView(ticket) }, 200);
  });

  app.openapi(qrRoute, async (c) => {
    const who = requireIdentity(c.get("identity"));
    const ticket = await getTicket(db(c.env), c.req.valid("param").id);
    if (!ticket) throw ticketNotFound();
    await requireTicketReader(c.env.EVENTS_RPC, ticket, who, c.get("log"));
    const png = await readQrImage(c.env.TICKETS_BUCKET, ticket);
    return c.body(png as ReadableStream, 200, { "content-type": "image/png", "cache-control": "private, max-age=3600" });
  });
}
