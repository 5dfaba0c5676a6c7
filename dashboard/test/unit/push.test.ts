import { describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { runInNewContext } from "node:vm";
import snapshot from "../../src/api/openapi.json";
import { sameServerKey, subscriptionPayload, urlBase64ToUint8Array } from "../../src/lib/push";
import { serviceWorkerSource } from "../../sw-template";

describe("urlBase64ToUint8Array", () => {
  it("decodes a VAPID public key (65 bytes, base64url, with or without padding)", () => {
    for (let i = 0; i < 20; i++) {
      const key = randomBytes(65);
      const encoded = key.toString("base64url");
      expect([...urlBase64ToUint8Array(encoded)]).toEqual([...key]);
      expect([...urlBase64ToUint8Array(`${encoded}${"=".repeat((4 - (encoded.length % 4)) % 4)}`)]).toEqual([...key]);
    }
    expect([...urlBase64ToUint8Array(Buffer.from([0xfb, 0xff, 0xbf]).toString("base64url"))]).toEqual([0xfb, 0xff, 0xbf]); // "-" and "_"
  });

  it("refuses plain base64 and garbage rather than subscribing with a wrong key", () => {
    expect(() => urlBase64ToUint8Array("a+b/")).toThrow();
    expect(() => urlBase64ToUint8Array("not a key!")).toThrow();
  });
});

describe("sameServerKey", () => {
  it("tells a subscription made with our key from one made with another", () => {
    const ours = randomBytes(65);
    const theirs = randomBytes(65);
    const asBuffer = (b: Buffer) => b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer;
    expect(sameServerKey(asBuffer(ours), ours.toString("base64url"))).toBe(true);
    expect(sameServerKey(asBuffer(theirs), ours.toString("base64url"))).toBe(false);
    expect(sameServerKey(null, ours.toString("base64url"))).toBe(false);
  });
});

describe("subscriptionPayload", () => {
  const browserJson = {
    endpoint: "https://fcm.googleapis.com/fcm/send/abc123",
    expirationTime: null,
    keys: { p256dh: Buffer.concat([Buffer.of(4), randomBytes(64)]).toString("base64url"), auth: randomBytes(16).toString("base64url") },
  };

  it("sends the API exactly the PushSubscription body its OpenAPI document describes", () => {
    const schema = (snapshot as any).components.schemas.PushSubscription as { properties: Record<string, unknown>; required: string[] };
    const payload = subscriptionPayload({ ...browserJson, keys: { ...browserJson.keys, extra: "x" } } as PushSubscriptionJSON);
    expect(payload).toEqual(browserJson);
    for (const field of schema.required) expect(payload, field).toHaveProperty(field);
    for (const field of Object.keys(payload)) expect(Object.keys(schema.properties)).toContain(field);
  });

  it("refuses a subscription without its encryption keys (the server could not encrypt to it)", () => {
    expect(() => subscriptionPayload({ endpoint: browserJson.endpoint })).toThrow(/keys/);
    expect(() => subscriptionPayload({ endpoint: browserJson.endpoint, keys: { p256dh: browserJson.keys.p256dh } })).toThrow(/keys/);
  });
});

/** The generated sw.js run against a recording stand-in for the service worker global. */
function loadServiceWorker(openWindows: { url: string; focused?: boolean }[] = []) {
  const listeners: Record<string, (event: any) => void> = {};
  const shown: { title: string; options: any }[] = [];
  const opened: string[] = [];
  const self = {
    location: { origin: "https://tickets.example" },
    addEventListener: (type: string, fn: (event: any) => void) => (listeners[type] = fn),
    registration: { showNotification: async (title: string, options: any) => void shown.push({ title, options }) },
    clients: {
      matchAll: async () => openWindows.map((w) => ({ url: w.url, focus: async () => ((w.focused = true), w) })),
      openWindow: async (url: string) => void opened.push(url),
    },
  };
  runInNewContext(serviceWorkerSource("test", ["/assets/app.js"]), { self, URL, caches: {}, fetch });
  const dispatch = async (type: string, event: object) => {
    const pending: Promise<unknown>[] = [];
    listeners[type]({ ...event, waitUntil: (p: Promise<unknown>) => pending.push(p) });
    await Promise.all(pending);
  };
  return { listeners, shown, opened, dispatch };
}

const pushData = (value: unknown) => ({
  json: () => (typeof value === "string" ? JSON.parse(value) : value),
  text: () => (typeof value === "string" ? value : JSON.stringify(value)),
});

describe("service worker push handlers", () => {
  it("keeps the offline shell's handlers beside the push ones, in one script with no importScripts", () => {
    const source = serviceWorkerSource("test", []);
    expect(source).not.toMatch(/importScripts/);
    expect(Object.keys(loadServiceWorker().listeners).sort()).toEqual(["activate", "fetch", "install", "notificationclick", "push"]);
  });

  it("shows the pushed title and text, remembering the order page to open", async () => {
    const sw = loadServiceWorker();
    await sw.dispatch("push", { data: pushData({ title: "Đơn hàng đã xác nhận", body: "2 vé", url: "/orders/o1", tag: "m1" }) });
    expect(sw.shown).toEqual([
      { title: "Đơn hàng đã xác nhận", options: { body: "2 vé", tag: "m1", icon: "/favicon.svg", data: { url: "https://tickets.example/orders/o1" } } },
    ]);
  });

  it("never lets a payload send the user to another site, and survives a payload that is not JSON", async () => {
    const sw = loadServiceWorker();
    await sw.dispatch("push", { data: pushData({ title: "x", url: "https://evil.example/phish" }) });
    await sw.dispatch("push", { data: pushData("plain words") });
    await sw.dispatch("push", { data: null });
    expect(sw.shown.map((n) => n.options.data.url)).toEqual(["https://tickets.example/", "https://tickets.example/", "https://tickets.example/"]);
    expect(sw.shown[1]).toMatchObject({ title: "Edge Tickets", options: { body: "plain words" } });
  });

  it("a click opens the order page, or focuses it when it is already open", async () => {
    const closed: string[] = [];
    const notification = (url: string) => ({ data: { url }, close: () => closed.push(url) });
    const fresh = loadServiceWorker([{ url: "https://tickets.example/" }]);
    await fresh.dispatch("notificationclick", { notification: notification("https://tickets.example/orders/o1") });
    expect(fresh.opened).toEqual(["https://tickets.example/orders/o1"]);

    const windows = [{ url: "https://tickets.example/orders/o1", focused: false }];
    const open = loadServiceWorker(windows);
    await open.dispatch("notificationclick", { notification: notification("https://tickets.example/orders/o1") });
    expect(open.opened).toEqual([]);
    expect(windows[0].focused).toBe(true);
    expect(closed).toHaveLength(2);
  });
});
