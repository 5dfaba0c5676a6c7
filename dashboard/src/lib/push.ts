// Web Push for the dashboard, dependency-free: registers /push-sw.js (public/push-sw.js), subscribes
// this browser with the notifications worker's VAPID public key and tells the API about it.
// The API: GET /api/notifications/push/public-key, POST/DELETE /api/notifications/push/subscriptions.

const SERVICE_WORKER_URL = "/push-sw.js";

export type PushStatus = "enabled" | "denied" | "unsupported";

function pushSupported(): boolean {
  return typeof window !== "undefined" && "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

/** applicationServerKey: the base64url public key as bytes. */
function base64UrlToBytes(value: string): Uint8Array<ArrayBuffer> {
  const base64 = value.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(value.length / 4) * 4, "=");
  const binary = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function sameKey(current: ArrayBuffer | null, publicKey: string): boolean {
  if (!current) return false;
  const a = new Uint8Array(current);
  const b = base64UrlToBytes(publicKey);
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

async function callApi(apiBase: string, accessToken: string, method: "POST" | "DELETE", body: unknown): Promise<Response> {
  return fetch(`${apiBase.replace(/\/+$/, "")}/api/notifications/push/subscriptions`, {
    method,
    headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

/**
 * Asks for permission (if not yet given), subscribes this browser and registers the subscription
 * for the signed-in user. "unsupported" also when the API has no push key configured.
 */
export async function enablePush(apiBase: string, accessToken: string): Promise<PushStatus> {
  if (!pushSupported()) return "unsupported";
  const permission = Notification.permission === "default" ? await Notification.requestPermission() : Notification.permission;
  if (permission !== "granted") return "denied";

  const keyResponse = await fetch(`${apiBase.replace(/\/+$/, "")}/api/notifications/push/public-key`);
  if (keyResponse.status === 503) return "unsupported";
  if (!keyResponse.ok) throw new Error(`push public key: ${keyResponse.status}`);
  const { publicKey } = (await keyResponse.json()) as { publicKey: string };

  await navigator.serviceWorker.register(SERVICE_WORKER_URL);
  const registration = await navigator.serviceWorker.ready;
  let subscription = await registration.pushManager.getSubscription();
  // A subscription made for another server key cannot carry our messages.
  if (subscription && !sameKey(subscription.options.applicationServerKey, publicKey)) {
    await subscription.unsubscribe();
    subscription = null;
  }
  try {
    subscription ??= await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: base64UrlToBytes(publicKey) });
  } catch (err) {
    if (err instanceof DOMException && err.name === "NotAllowedError") return "denied";
    throw err;
  }

  const saved = await callApi(apiBase, accessToken, "POST", subscription.toJSON());
  if (!saved.ok) throw new Error(`push subscription: ${saved.status}`);
  return "enabled";
}

/** Stops push to this browser: forgets the subscription on the API (if it knew it) and in the browser. */
export async function disablePush(apiBase: string, accessToken: string): Promise<void> {
  if (!pushSupported()) return;
  const registration = await navigator.serviceWorker.getRegistration();
  const subscription = await registration?.pushManager.getSubscription();
  if (!subscription) return;
  const removed = await callApi(apiBase, accessToken, "DELETE", { endpoint: subscription.endpoint });
  if (!removed.ok && removed.status !== 404) throw new Error(`push unsubscribe: ${removed.status}`);
  await subscription.unsubscribe();
}
