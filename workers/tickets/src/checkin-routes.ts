import { createRoute, z } from "@hono/zod-openapi";
import { ApiError, errors, errorResponses, jsonBody, jsonResponse, recordMetric, relayOutbox, requireIdentity, type ServiceApp } from "@tickets/common";
import type { Env } from "./env";
import { keyRing, publicJwks, verifyTicketCode } from "./domain/codes";
import { requireEventScanner, requireScanner } from "./domain/access";
import { admit, eventStats, scannerBundle, syncScans } from "./domain/checkin";
import { toView, type Db } from "./domain/tickets";
import { JwksSchema, TicketSchema } from "./routes";
import { TICKET_STATUSES } from "./db/schema";

const codeSchema = z.string().max(4096).openapi({ description: "The ticket code (what its QR encodes)" });
const eventParams = z.object({ eventId: z.string().min(1).max(64) });
const MAX_SYNC_SCANS = 200;

const checkinRoute = createRoute({
  method: "post",
  path: "/api/checkin",
  operationId: "checkInTicket",
  description: "Staff or the organizer of the ticket's event, or an admin. Verifies the signed ticket code and admits it once: a second scan gets 409 already_checked_in, a refunded ticket 409 ticket_void, a forged code 400.",
  tags: ["check-in"],
  summary: "Admit a ticket (staff or organizer of its event, admin); each ticket is admitted once",
  security: [{ bearer: [] }],
  request: jsonBody(z.object({ code: codeSchema })),
  responses: {
    200: jsonResponse(z.object({ result: z.literal("admitted"), ticket: TicketSchema })),
    ...errorResponses(400, 401, 403, 404, 409),
  },
});

const statsRoute = createRoute({
  method: "get",
  path: "/api/checkin/events/{eventId}/stats",
  operationId: "getCheckinStats",
  description: "Staff or the organizer of the event, or an admin; others get 403 (404 for an unknown event, or a draft they have no standing on). Counts of issued, checked-in and voided tickets per ticket type.",
  tags: ["check-in"],
  summary: "Issued / checked-in / void counts per ticket type (staff or organizer)",
  security: [{ bearer: [] }],
  request: { params: eventParams },
  responses: {
    200: jsonResponse(
      z.object({
        eventId: z.string(),
        totals: z.object({ issued: z.number(), valid: z.number(), checkedIn: z.number(), void: z.number() }),
        byTicketType: z.array(
          z.object({
            ticketTypeId: z.string(),
            ticketTypeName: z.string().nullable(),
            issued: z.number(),
            valid: z.number(),
            checkedIn: z.number(),
            void: z.number(),
          }),
        ),
      }),
    ),
    ...errorResponses(401, 403, 404),
  },
});

const bundleRoute = createRoute({
  method: "get",
  path: "/api/checkin/events/{eventId}/bundle",
  operationId: "getCheckinBundle",
  description: "Staff or the organizer of the event, or an admin. Everything a scanner needs to keep admitting tickets without a network: the verification keys and each ticket's status.",
  tags: ["check-in"],
  summary: "Offline scanner bundle: public keys and every ticket's status (staff or organizer)",
  security: [{ bearer: [] }],
  request: { params: eventParams },
  responses: {
    200: jsonResponse(
      z.object({
        eventId: z.string(),
        generatedAt: z.string(),
        jwks: JwksSchema,
        tickets: z.array(
          z.object({ id: z.string(), ticketTypeId: z.string(), status: z.enum(TICKET_STATUSES), version: z.number(), checkedInAt: z.string().nullable() }),
        ),
      }),
    ),
    ...errorResponses(401, 403, 404),
  },
});

const syncRoute = createRoute({
  method: "post",
  path: "/api/checkin/events/{eventId}/sync",
  operationId: "syncOfflineCheckins",
  description: "Staff or the organizer of the event, or an admin. Replays scans made offline; each gets the result a live check-in would have given at that moment (admitted, already checked in, void or unknown).",
  tags: ["check-in"],
  summary: "Upload scans made offline; each gets the result live check-in would have given",
  security: [{ bearer: [] }],
  request: {
    params: eventParams,
    ...jsonBody(z.object({ scans: z.array(z.object({ code: codeSchema, scannedAt: z.iso.datetime({ offset: true }) })).min(1).max(MAX_SYNC_SCANS) })),
  },
  responses: {
    200: jsonResponse(
      z.object({
        results: z.array(
          z.object({
            index: z.number(),
            ticketId: z.string().nullable(),
            result: z.enum(["admitted", "already_checked_in", "void", "invalid", "not_found"]),
            checkedInAt: z.string().optional(),
            reason: z.string().optional(),
          }),
        ),
      }),
    ),
    ...errorResponses(400, 401, 403, 404),
  },
});

export function checkinRoutes(app: ServiceApp<Env>, db: (env: Env) => Db) {
  app.openapi(checkinRoute, async (c) => {
    const who = requireIdentity(c.get("identity"));
    const ring = await keyRing(c.env);
    const verified = await verifyTicketCode(ring, c.req.valid("json").code);
    if (!verified.ok) throw new ApiError(400, "invalid_code", "This is not a valid ticket code", { reason: verified.reason });
    const { claims } = verified;
    await requireScanner(c.env.EVENTS_RPC, claims.eid, who, c.get("log"));
    const outcome = await admit(db(c.env), claims, { at: Date.now(), by: who.userId });
    c.executionCtx.waitUntil(recordMetric(c.env, "tickets", "check_in", { label: outcome.result, subject: claims.eid }));
    switch (outcome.result) {
      case "admitted":
        c.get("log").info("ticket_admitted", { ticketId: claims.tid, eventId: claims.eid, by: who.userId });
        c.executionCtx.waitUntil(relayOutbox(db(c.env), c.env, c.get("log")));
        return c.json({ result: "admitted" as const, ticket: toView(outcome.ticket) }, 200);
      case "already_checked_in":
        throw errors.conflict("already_checked_in", "This ticket was already checked in", {
          ticketId: claims.tid,
          checkedInAt: new Date(outcome.checkedInAt).toISOString(),
        });
      case "void":
        throw errors.conflict("ticket_void", "This ticket is void (refunded)", { ticketId: claims.tid });
      case "superseded":
        throw new ApiError(400, "invalid_code", "This ticket code has been replaced by a newer one", { reason: "superseded" });
      case "not_found":
        throw new ApiError(404, "ticket_not_found", "No such ticket");
    }
  });

  app.openapi(statsRoute, async (c) => {
    const who = requireIdentity(c.get("identity"));
    const { eventId } = c.req.valid("param");
    await requireEventScanner(c.env.EVENTS_RPC, eventId, who, c.get("log"));
    return c.json(await eventStats(db(c.env), eventId), 200);
  });

  app.openapi(bundleRoute, async (c) => {
    const who = requireIdentity(c.get("identity"));
    const { eventId } = c.req.valid("param");
    await requireEventScanner(c.env.EVENTS_RPC, eventId, who, c.get("log"));
    const now = Date.now();
    const bundle = await scannerBundle(db(c.env), eventId, publicJwks(await keyRing(c.env), now), now);
    c.header("cache-control", "no-store");
    return c.json(bundle, 200);
  });

  app.openapi(syncRoute, async (c) => {
    const who = requireIdentity(c.get("identity"));
    const { eventId } = c.req.valid("param");
    await requireEventScanner(c.env.EVENTS_RPC, eventId, who, c.get("log"));
    const { scans } = c.req.valid("json");
    const results = await syncScans(db(c.env), await keyRing(c.env), eventId, scans, { by: who.userId, now: Date.now() });
    if (results.some((r) => r.result === "admitted")) c.executionCtx.waitUntil(relayOutbox(db(c.env), c.env, c.get("log")));
    for (const r of results) c.executionCtx.waitUntil(recordMetric(c.env, "tickets", "check_in", { label: r.result, subject: eventId }));
    return c.json({ results }, 200);
  });
}
