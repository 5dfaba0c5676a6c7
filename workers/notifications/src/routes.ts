import { createRoute, z } from "@hono/zod-openapi";
import { and, desc, eq, lt } from "drizzle-orm";
import { errorResponses, jsonResponse, listOf, paginationQuery, requireIdentity, type ServiceApp } from "@tickets/common";
import type { Env } from "./env";
import { dbOf } from "./db/client";
import { CHANNELS, NOTIFICATION_STATUSES, notifications } from "./db/schema";

const NotificationSchema = z
  .object({
    id: z.string(),
    channel: z.enum(CHANNELS),
    template: z.string(),
    subject: z.string(),
    createdAt: z.string(),
    status: z.enum(NOTIFICATION_STATUSES),
    recipient: z.string(),
    bodyText: z.string(),
    bodyHtml: z.string().nullable().openapi({ description: "The HTML part of an email (every value escaped); null for SMS and push" }),
    attempts: z.number(),
    sentAt: z.string().nullable(),
  })
  .openapi("Notification");

const listRoute = createRoute({
  method: "get",
  path: "/api/notifications",
  operationId: "listMyNotifications",
  description: "Signed-in callers only. Every email, SMS and push message addressed to the caller (order confirmations, payment links, refunds, support replies…), newest first, with cursor pagination.",
  tags: ["notifications"],
  summary: "Messages sent (or being sent) to the caller, newest first",
  security: [{ bearer: [] }],
  request: { query: paginationQuery },
  responses: { 200: jsonResponse(listOf(NotificationSchema)), ...errorResponses(400, 401) },
});

export function notificationRoutes(app: ServiceApp<Env>) {
  app.openapi(listRoute, async (c) => {
    const who = requireIdentity(c.get("identity"));
    const { limit, cursor } = c.req.valid("query");
    const mine = eq(notifications.userId, who.userId);
    const rows = await dbOf(c.env)
      .select()
      .from(notifications)
      .where(cursor ? and(mine, lt(notifications.id, cursor)) : mine)
      .orderBy(desc(notifications.id))
      .limit(limit + 1)
      .all();
    const page = rows.slice(0, limit);
    return c.json(
      {
        items: page.map((r) => ({
          id: r.id,
          channel: r.channel,
          template: r.template,
          subject: r.subject,
          createdAt: new Date(r.createdAt).toISOString(),
          status: r.status,
          recipient: r.recipient,
          bodyText: r.bodyText,
          bodyHtml: r.bodyHtml,
          attempts: r.attempts,
          sentAt: r.sentAt === null ? null : new Date(r.sentAt).toISOString(),
        })),
        nextCursor: rows.length > limit ? page[page.length - 1].id : null,
      },
      200,
    );
  });
}
