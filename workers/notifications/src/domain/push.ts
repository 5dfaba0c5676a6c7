import { buildPushPayload } from "@block65/webcrypto-web-push";
import { and, eq } from "drizzle-orm";
import { pushSubscriptions } from "../db/schema";
import type { Db } from "../db/client";
import { LocalDriver, type ChannelDriver, type OutgoingMessage } from "./drivers";

/** Templates that also go out as a push to the user's browsers (by name: a template that does not exist yet simply never matches). */
export const PUSH_TEMPLATES: readonly string[] = ["order_confirmed", "event_reminder", "event_cancelled"];

/** The application server's VAPID identity (RFC 8292): raw public key and private scalar, base64url. */
export type Vapid = { subject: string; publicKey: string; privateKey: string };

/**
 * VAPID_PRIVATE_JWK is one P-256 private JWK ({kty, crv, x, y, d}); the public key browsers
 * subscribe with is derived from it, so the two can never disagree. Null when not configured.
 */
export function vapidFrom(env: { VAPID_PRIVATE_JWK?: string; VAPID_SUBJECT?: string }): Vapid | null {
  if (!env.VAPID_PRIVATE_JWK) return null;
  const jwk = JSON.parse(env.VAPID_PRIVATE_JWK) as JsonWebKey;
  if (jwk.kty !== "EC" || jwk.crv !== "P-256" || !jwk.x || !jwk.y || !jwk.d) throw new Error("VAPID_PRIVATE_JWK must be a P-256 private JWK with x, y and d");
  const publicKey = Buffer.concat([Buffer.of(4), Buffer.from(jwk.x, "base64url"), Buffer.from(jwk.y, "base64url")]).toString("base64url");
  return { subject: env.VAPID_SUBJECT || "mailto:no-reply@tickets.example", publicKey, privateKey: jwk.d };
}

/** The subscription is gone (the user unsubscribed, or the push service answered 404/410): the message is dropped, never retried. */
export class PushGone extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PushGone";
  }
}

/** What the dashboard's service worker shows (PUSH_HANDLERS in dashboard/sw-template.ts). */
export const pushPayload = (msg: OutgoingMessage) => JSON.stringify({ title: msg.subject, body: msg.text, url: msg.url ?? "/", tag: msg.id });

async function subscriptionOf(db: Db, endpoint: string) {
  const sub = await db.select().from(pushSubscriptions).where(eq(pushSubscriptions.endpoint, endpoint)).get();
  if (!sub) throw new PushGone("no longer subscribed");
  return sub;
}

const TIMEOUT_MS = 10_000;
/** How long the push service keeps a message for an offline browser (reminders are worthless later). */
const TTL_SECONDS = 12 * 3600;

/**
 * Web Push (RFC 8030) with an aes128gcm-encrypted payload (RFC 8291/8188) and VAPID (RFC 8292),
 * by @block65/webcrypto-web-push (WebCrypto). A 404/410 answer deletes the subscription.
 */
export class WebPushDriver implements ChannelDriver {
  constructor(private readonly cfg: { db: Db; vapid: Vapid; fetch?: typeof fetch }) {}

  async send(msg: OutgoingMessage): Promise<{ providerId: string }> {
    const sub = await subscriptionOf(this.cfg.db, msg.to);
    const request = await buildPushPayload(
      { data: pushPayload(msg), options: { ttl: TTL_SECONDS, urgency: "normal" } },
      { endpoint: sub.endpoint, expirationTime: null, keys: { p256dh: sub.p256dh, auth: sub.auth } },
      this.cfg.vapid,
    );
    const res = await (this.cfg.fetch ?? fetch)(sub.endpoint, { ...request, signal: AbortSignal.timeout(TIMEOUT_MS) });
    const text = await res.text().catch(() => "");
    if (res.status === 404 || res.status === 410) {
      // Only this subscription: if the browser subscribed again with new keys meanwhile, keep that.
      await this.cfg.db.delete(pushSubscriptions).where(and(eq(pushSubscriptions.endpoint, sub.endpoint), eq(pushSubscriptions.p256dh, sub.p256dh)));
      throw new PushGone(`push service answered ${res.status}: subscription removed`);
    }
    if (!res.ok) throw new Error(`push service answered ${res.status}: ${text.slice(0, 300)}`);
    return { providerId: res.headers.get("location") ?? `${res.status}:${msg.id}` };
  }
}

/** Development and tests: records the push payload in local_outbox (channel "push"); never calls out. */
export class LocalPushDriver implements ChannelDriver {
  constructor(private readonly db: Db) {}

  async send(msg: OutgoingMessage) {
    await subscriptionOf(this.db, msg.to);
    return new LocalDriver(this.db).send({ ...msg, text: pushPayload(msg), html: null });
  }
}
