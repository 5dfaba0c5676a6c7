// Web Push opt-in. The app's one service worker (/sw.js, see sw-template.ts) shows the pushes;
// this module asks for permission, subscribes that worker with the notifications worker's VAPID
// public key and tells the API (GET /api/notifications/push/public-key,
// POST/DELETE /api/notifications/push/subscriptions), through the one API client.
import { api, ApiProblem, call } from "../api/client";
import type { Schemas } from "../api/types";
import { activeServiceWorker, currentServiceWorker, serviceWorkerAvailable } from "./service-worker";

/**
 * unsupported: this browser (or build) cannot, or the API has no push key configured;
 * denied: the browser blocks notifications for this site; on: this browser is subscribed.
 */
export type PushState = "unsupported" | "denied" | "off" | "on";
/**
 * What turning push on ended in. "dismissed": the permission prompt was closed without an answer;
 * "unreachable": the browser's push service (Google's, Mozilla's, Apple's) did not answer in time.
 */
export type EnableResult = PushState | "dismissed" | "unreachable";

/** A browser cut off from its push service never settles subscribe() (seen in Chromium offline). */
const SUBSCRIBE_TIMEOUT_MS = 15_000;

/** applicationServerKey: a base64url string (padding optional) as bytes. */
export function urlBase64ToUint8Array(value: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(value)) throw new Error("not base64url");
  const base64 = value.replace(/=+$/, "").replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, "="));
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Whether a subscription was made with this server key (one made for another cannot carry our messages). */
export function sameServerKey(current: ArrayBuffer | null, publicKey: string): boolean {
  if (!current) return false;
  const a = new Uint8Array(current);
  const b = urlBase64ToUint8Array(publicKey);
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** PushSubscription.toJSON() as the API's body: endpoint and the two keys, nothing else. */
export function subscriptionPayload(json: PushSubscriptionJSON): Schemas["PushSubscription"] {
  const { endpoint, keys } = json;
  if (!endpoint || !keys?.p256dh || !keys.auth) throw new Error("The browser returned a push subscription without its keys");
  return { endpoint, expirationTime: json.expirationTime ?? null, keys: { p256dh: keys.p256dh, auth: keys.auth } };
}

const pushSupported = (): boolean => serviceWorkerAvailable() && "PushManager" in window && "Notification" in window;

/** Where this browser stands, without asking the user anything. */
export async function pushState(): Promise<PushState> {
  if (!pushSupported()) return "unsupported";
  if (Notification.permission === "denied") return "denied";
  const subscription = await (await currentServiceWorker())?.pushManager.getSubscription();
  return subscription && Notification.permission === "granted" ? "on" : "off";
}

async function saveSubscription(subscription: PushSubscription): Promise<void> {
  await call(api.POST("/api/notifications/push/subscriptions", { body: subscriptionPayload(subscription.toJSON()) }));
}

/** Asks for permission (if not asked yet), subscribes this browser and registers it for the signed-in user. */
export async function enablePush(): Promise<EnableResult> {
  if (!pushSupported()) return "unsupported";
  const permission = Notification.permission === "default" ? await Notification.requestPermission() : Notification.permission;
  if (permission === "denied") return "denied";
  if (permission !== "granted") return "dismissed";

  let publicKey: string;
  try {
    ({ publicKey } = await call(api.GET("/api/notifications/push/public-key")));
  } catch (err) {
    if (err instanceof ApiProblem && err.code === "push_unavailable") return "unsupported";
    throw err;
  }
  const registration = await activeServiceWorker();
  if (!registration) return "unsupported";
  let subscription = await registration.pushManager.getSubscription();
  if (subscription && !sameServerKey(subscription.options.applicationServerKey, publicKey)) {
    await subscription.unsubscribe();
    subscription = null;
  }
  if (!subscription) {
    const subscribing = registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: urlBase64ToUint8Array(publicKey) });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), SUBSCRIBE_TIMEOUT_MS)));
    try {
      // One that settles later stays in the browser; resyncPush() hands it to the API on the next visit.
      subscription = await Promise.race([subscribing, timeout]);
    } catch (err) {
      if (err instanceof DOMException && err.name === "NotAllowedError") return "denied";
      throw err;
    } finally {
      clearTimeout(timer);
    }
    if (!subscription) return "unreachable";
  }
  await saveSubscription(subscription);
  return "on";
}

/**
 * Sends this browser's subscription again (the API updates it by endpoint): after the browser
 * renewed it, or when another user signed in here. Quiet: a failure changes nothing.
 */
export async function resyncPush(): Promise<void> {
  if (!pushSupported() || Notification.permission !== "granted") return;
  const subscription = await (await currentServiceWorker())?.pushManager.getSubscription();
  if (subscription) await saveSubscription(subscription).catch(() => {});
}

/** Stops push to this browser: forgets the subscription on the API (if it knew it), then in the browser. */
export async function disablePush(): Promise<void> {
  if (!pushSupported()) return;
  const subscription = await (await currentServiceWorker())?.pushManager.getSubscription();
  if (!subscription) return;
  try {
    await call(api.DELETE("/api/notifications/push/subscriptions", { body: { endpoint: subscription.endpoint } }));
  } catch (err) {
    if (!(err instanceof ApiProblem && err.status === 404)) throw err;
  }
  await subscription.unsubscribe();
}
