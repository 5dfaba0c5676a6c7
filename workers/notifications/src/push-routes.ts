import { createRoute, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { ApiError, errorResponses, errors, jsonBody, jsonResponse, requireIdentity, signedIn, type ServiceApp } from "@tickets/common";
import type { Env } from "./env";
import { dbOf } from "./db/client";
import { pushSubscriptions } from "./db/schema";
import { vapidFrom } from "./domain/push";

const base64url = (bytes: number, what: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+={0,2}$/, `${what} must be base64url`)
    .refine((s) => Buffer.from(s, "base64url").length === bytes, `${what} must be ${bytes} bytes`);

/** PushSubscription.toJSON() from the browser. */
const PushSubscriptionBody = z
  .object({
    endpoint: z
      .string()
      .url()
      .max(2048)
      .refine((u) => u.startsWith("https://"), "endpoint must be https"),
    expirationTime: z.number().nullable().optional(),
    keys: z.object({
      p256dh: base64url(65, "keys.p256dh").refine((s) => Buffer.from(s, "base64url")[0] === 4, "keys.p256dh must be an uncompressed P-256 point"),
      auth: base64url(16, "keys.auth"),
    }),
  })
  .openapi("PushSubscription");

const EndpointBody = z.object({ endpoint: z.string().min(1).max(2048) });
const SubscriptionView = z.object({ subscription: z.object({ endpoint: z.string(), createdAt: z.string() }) });

const publicKeyRoute = createRoute({
  method: "get",
  path: "/api/notifications/push/public-key",
  operationId: "getPushPublicKey",
  description: "Public. The VAPID public key a browser passes as applicationServerKey when it subscribes to push notifications.",
  tags: ["notifications"],
  summary: "The VAPID public key browsers subscribe with (applicationServerKey, base64url)",
  responses: { 200: jsonResponse(z.object({ publicKey: z.string() })), ...errorResponses(503) },
});

const subscribeRoute = createRoute({
  method: "post",
  path: "/api/notifications/push/subscriptions",
  operationId: "subscribeToPush",
  description: "Signed-in callers only. Stores the browser's push subscription for the caller; sending the same endpoint again updates it instead of adding a second one.",
  tags: ["notifications"],
  summary: "Receive push notifications in this browser (idempotent by endpoint)",
  security: [{ bearer: [] }],
  // 401 before the body is looked at: an anonymous caller learns nothing about the expected shape.
  middleware: [signedIn] as const,
  request: jsonBody(PushSubscriptionBody),
  responses: { 201: jsonResponse(SubscriptionView, "Subscribed"), 200: jsonResponse(SubscriptionView, "Already subscribed (keys updated)"), ...errorResponses(400, 401) },
});

const unsubscribeRoute = createRoute({
  method: "delete",
  path: "/api/notifications/push/subscriptions",
  operationId: "unsubscribeFromPush",
  description: "Signed-in callers only. Removes the caller's subscription with that endpoint; 404 not_found when the caller has none with it.",
  tags: ["notifications"],
  summary: "Stop push notifications to this browser",
  security: [{ bearer: [] }],
  middleware: [signedIn] as const,
  request: jsonBody(EndpointBody),
  responses: { 204: { description: "Unsubscribed" }, ...errorResponses(400, 401, 404) },
});

const pushUnavailable = () => new ApiError(503, "push_unavailable", "Push notifications are not configured");

export function pushRoutes(app: ServiceApp<Env>) {
  app.openapi(publicKeyRoute, (c) => {
    const vapid = vapidFrom(c.env);
    if (!vapid) throw pushUnavailable();
    return c.json({ publicKey: vapid.publicKey }, 200);
  });

  app.openapi(subscribeRoute, async (c) => {
    const who = requireIdentity(c.get("identity"));
    if (!vapidFrom(c.env)) throw pushUnavailable();
    const { endpoint, keys } = c.req.valid("json");
    const db = dbOf(c.env);
    const now = Date.now();
    const existing = await db.select().from(pushSubscriptions).where(eq(pushSubscriptions.endpoint, endpoint)).get();
    // The endpoint is the browser: subscribing again (also as another user on it) updates that row.
    await db
      .insert(pushSubscriptions)
      .values({ endpoint, userId: who.userId, p256dh: keys.p256dh, auth: keys.auth, createdAt: now, updatedAt: now })
      .onConflictDoUpdate({ target: pushSubscriptions.endpoint, set: { userId: who.userId, p256dh: keys.p256dh, auth: keys.auth, updatedAt: now } });
    const createdAt = new Date(existing?.createdAt ?? now).toISOString();
    return existing ? c.json({ subscription: { endpoint, createdAt } }, 200) : c.json({ subscription: { endpoint, createdAt } }, 201);
  });

  app.openapi(unsubscribeRoute, async (c) => {
    const who = requireIdentity(c.get("identity"));
    const { endpoint } = c.req.valid("json");
    const removed = await dbOf(c.env)
      .delete(pushSubscriptions)
      .where(and(eq(pushSubscriptions.endpoint, endpoint), eq(pushSubscriptions.userId, who.userId)))
      .run();
    if (removed.meta.changes === 0) throw errors.notFound("Push subscription");
    return c.body(null, 204);
  });
}
