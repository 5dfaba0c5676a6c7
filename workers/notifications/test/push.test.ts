import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ulid } from "ulid";
import { createLogger, makeEvent, signIdentity } from "@tickets/common";
import { dispatch, settle, type Intent } from "../src/domain/dispatch";
import { LocalDriver } from "../src/domain/drivers";
import { WebPushDriver, vapidFrom } from "../src/domain/push";
import { dbOf } from "../src/db/client";
import { deliver, rowsFor, testEnv } from "./helpers";

// RFC 8291 Appendix A / section 5: the user agent's keys, auth secret and the encrypted message.
const RFC = {
  plaintext: "When I grow up, I want to be a watermelon",
  uaPrivate: "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94",
  uaPublic: "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
  auth: "BTBZMqHH6r4Tts7J_aSIgg",
  body:
    "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_" +
    "yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN",
};

const b64u = (s: string) => new Uint8Array(Buffer.from(s, "base64url"));
const utf8 = (s: string) => new TextEncoder().encode(s);
const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

async function hkdf(salt: Uint8Array, ikm: Uint8Array, info: Uint8Array, bytes: number) {
  const key = await crypto.subtle.importKey("raw", ikm, "HKDF", false, ["deriveBits"]);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt, info }, key, bytes * 8));
}

/** The browser's side of RFC 8291 (aes128gcm, RFC 8188, one record), written from the RFC for these tests. */
async function decryptAsBrowser(body: Uint8Array, uaPrivate: string, uaPublic: string, auth: string): Promise<string> {
  const salt = body.slice(0, 16);
  const keyIdLength = body[20];
  const asPublic = body.slice(21, 21 + keyIdLength);
  const ciphertext = body.slice(21 + keyIdLength);
  const pub = b64u(uaPublic);
  const jwk = { kty: "EC", crv: "P-256", x: Buffer.from(pub.slice(1, 33)).toString("base64url"), y: Buffer.from(pub.slice(33)).toString("base64url"), d: uaPrivate };
  const receiver = await crypto.subtle.importKey("jwk", jwk, { name: "ECDH", namedCurve: "P-256" }, false, ["deriveBits"]);
  const sender = await crypto.subtle.importKey("raw", asPublic, { name: "ECDH", namedCurve: "P-256" }, false, []);
  const ecdhSecret = new Uint8Array(await crypto.subtle.deriveBits({ name: "ECDH", public: sender } as unknown as SubtleCryptoDeriveKeyAlgorithm, receiver, 256));
  const ikm = await hkdf(b64u(auth), ecdhSecret, concat(utf8("WebPush: info\0"), pub, asPublic), 32);
  const cek = await hkdf(salt, ikm, utf8("Content-Encoding: aes128gcm\0"), 16);
  const nonce = await hkdf(salt, ikm, utf8("Content-Encoding: nonce\0"), 12);
  const key = await crypto.subtle.importKey("raw", cek, "AES-GCM", false, ["decrypt"]);
  const padded = new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv: nonce }, key, ciphertext));
  let end = padded.length - 1;
  while (padded[end] === 0) end--;
  expect(padded[end]).toBe(2); // the last record's delimiter
  return new TextDecoder().decode(padded.slice(0, end));
}

type Captured = { url: string; method: string; headers: Headers; body: Uint8Array };

/** A stand-in for a push service (the external provider): records each request and answers by the endpoint's path. */
function fakePushService(captured: Captured[] = []) {
  const fetcher = async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    captured.push({ url: req.url, method: req.method, headers: req.headers, body: new Uint8Array(await req.arrayBuffer()) });
    const status = req.url.includes("/gone/") ? 410 : req.url.includes("/missing/") ? 404 : req.url.includes("/down/") ? 500 : 201;
    return new Response(status === 201 ? null : "no", { status, headers: status === 201 ? { location: `${req.url}/messages/${captured.length}` } : {} });
  };
  return { fetch: fetcher as typeof fetch, captured };
}

const worker = (exports as unknown as { default: Fetcher }).default;
async function call(method: string, path: string, userId: string | null, body?: unknown) {
  const headers: Record<string, string> = userId ? await signIdentity({ userId, email: `${userId}@example.test`, roles: ["buyer"], sessionId: "s" }, testEnv.INTERNAL_AUTH_SECRET, "notifications") : {};
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await worker.fetch(`http://notifications.internal${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: res.status === 204 ? null : ((await res.json()) as any) };
}

const subscription = (endpoint: string) => ({ endpoint, expirationTime: null, keys: { p256dh: RFC.uaPublic, auth: RFC.auth } });
const subscribe = (userId: string, endpoint: string) => call("POST", "/api/notifications/push/subscriptions", userId, subscription(endpoint));
const subscriptionsOf = async (userId: string) =>
  (await testEnv.DB.prepare("SELECT endpoint FROM push_subscriptions WHERE user_id = ? ORDER BY endpoint").bind(userId).all<{ endpoint: string }>()).results.map((r) => r.endpoint);

describe("Web Push encryption (RFC 8291)", () => {
  it("the browser-side decryption written from the RFC reads the RFC's own example message", async () => {
    expect(await decryptAsBrowser(b64u(RFC.body), RFC.uaPrivate, RFC.uaPublic, RFC.auth)).toBe(RFC.plaintext);
  });

  it("the production driver POSTs an aes128gcm payload the browser decrypts, with a valid VAPID token and a TTL", async () => {
    const userId = `user-en-${ulid()}`;
    const endpoint = `https://push.example.test/ok/${ulid()}`;
    expect((await subscribe(userId, endpoint)).status).toBe(201);
    const { publicKey } = (await call("GET", "/api/notifications/push/public-key", null)).json;
    const service = fakePushService();
    const driver = new WebPushDriver({ db: dbOf(testEnv), vapid: vapidFrom(testEnv)!, fetch: service.fetch });

    const sent = await driver.send({ id: "N1", channel: "push", to: endpoint, subject: "Vé của bạn", text: "Thanh toán thành công", html: null, url: "/orders/O1" });
    expect(sent.providerId).toBe(`${endpoint}/messages/1`);
    const [req] = service.captured;
    expect(req.url).toBe(endpoint);
    expect(req.method).toBe("POST");
    expect(req.headers.get("content-encoding")).toBe("aes128gcm");
    expect(Number(req.headers.get("ttl"))).toBeGreaterThan(0);
    expect(JSON.parse(await decryptAsBrowser(req.body, RFC.uaPrivate, RFC.uaPublic, RFC.auth))).toEqual({
      title: "Vé của bạn",
      body: "Thanh toán thành công",
      url: "/orders/O1",
      tag: "N1",
    });

    // VAPID (RFC 8292): "vapid t=<ES256 JWT>, k=<our public key>", the JWT signed by that key for the push service's origin.
    const auth = /^vapid t=([^,]+), k=(.+)$/.exec(req.headers.get("authorization") ?? "")!;
    expect(auth).not.toBeNull();
    const [, jwt, k] = auth;
    expect(k).toBe(publicKey);
    const [header, claims, signature] = jwt.split(".");
    const key = await crypto.subtle.importKey("raw", b64u(k), { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
    expect(await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, b64u(signature), utf8(`${header}.${claims}`))).toBe(true);
    expect(JSON.parse(Buffer.from(header, "base64url").toString())).toMatchObject({ alg: "ES256" });
    const payload = JSON.parse(Buffer.from(claims, "base64url").toString());
    expect(payload).toMatchObject({ aud: "https://push.example.test", sub: "mailto:ops@tickets.example" });
    expect(payload.exp * 1000 - Date.now()).toBeLessThanOrEqual(24 * 3600_000);
  });
});

describe("push subscriptions the push service says are gone", () => {
  it("are deleted on 404/410 and their message dropped, not retried; a 5xx is a failure the queue retries", async () => {
    const userId = `user-vi-${ulid()}`;
    const ok = `https://push.example.test/ok/${ulid()}`;
    const gone = `https://push.example.test/gone/${ulid()}`;
    const missing = `https://push.example.test/missing/${ulid()}`;
    for (const e of [ok, gone, missing]) expect((await subscribe(userId, e)).status).toBe(201);
    const service = fakePushService();
    const db = dbOf(testEnv);
    const deps = { db, log: createLogger({ test: "push" }), drivers: { email: new LocalDriver(db), push: new WebPushDriver({ db, vapid: vapidFrom(testEnv)!, fetch: service.fetch }) } };
    const intent: Intent = {
      sourceId: ulid(),
      template: "order_confirmed",
      recipient: { userId, email: `${userId}@example.test`, phone: null, locale: "vi", name: null },
      data: { orderId: "O42", tickets: [] },
    };

    const result = await dispatch(deps, intent);
    expect(() => settle(result)).not.toThrow();
    expect(result).toMatchObject({ sent: 2, dropped: 2, failed: [] });
    const rows = await rowsFor("source_id = ?", intent.sourceId);
    expect(Object.fromEntries(rows.map((r) => [r.recipient, r.status]))).toEqual({ [`${userId}@example.test`]: "sent", [ok]: "sent", [gone]: "dropped", [missing]: "dropped" });
    expect(await subscriptionsOf(userId)).toEqual([ok]);

    // Delivered again (e.g. a retry for another channel): nothing is sent twice, the dropped rows stay dropped.
    const again = await dispatch(deps, intent);
    expect(again).toMatchObject({ sent: 0, dropped: 0 });
    expect(service.captured).toHaveLength(3);

    const down = `https://push.example.test/down/${ulid()}`;
    expect((await subscribe(userId, down)).status).toBe(201);
    const failing = await dispatch(deps, { ...intent, sourceId: ulid() });
    expect(failing.failed.map((f) => f.channel)).toEqual(["push"]);
    expect(() => settle(failing)).toThrow(/push service answered 500/);
    expect(await subscriptionsOf(userId)).toEqual([down, ok]);
  });
});

describe("push subscription routes", () => {
  it("serves the VAPID public key: 65 bytes, derived from the private key", async () => {
    const res = await call("GET", "/api/notifications/push/public-key", null);
    expect(res.status).toBe(200);
    const raw = b64u(res.json.publicKey);
    expect(raw.length).toBe(65);
    expect(raw[0]).toBe(4);
  });

  it("subscribes idempotently by endpoint, refuses bad subscriptions, and unsubscribes only the caller's", async () => {
    const userId = `user-en-${ulid()}`;
    const endpoint = `https://push.example.test/ok/${ulid()}`;
    const first = await subscribe(userId, endpoint);
    expect(first.status).toBe(201);
    expect(first.json.subscription.endpoint).toBe(endpoint);
    const second = await subscribe(userId, endpoint);
    expect(second.status).toBe(200);
    expect(second.json.subscription.createdAt).toBe(first.json.subscription.createdAt);
    expect(await subscriptionsOf(userId)).toEqual([endpoint]);

    expect((await call("POST", "/api/notifications/push/subscriptions", null, subscription(endpoint))).status).toBe(401);
    // Anonymous callers get 401 before their body is validated (401 beats 400).
    expect((await call("POST", "/api/notifications/push/subscriptions", null, { endpoint: "not a url" })).status).toBe(401);
    expect((await call("DELETE", "/api/notifications/push/subscriptions", null, {})).status).toBe(401);
    for (const bad of [
      subscription("http://push.example.test/plain-http"),
      { endpoint, keys: { p256dh: RFC.uaPublic.slice(0, 40), auth: RFC.auth } },
      { endpoint, keys: { p256dh: RFC.uaPublic, auth: "short" } },
      { endpoint },
    ]) {
      const res = await call("POST", "/api/notifications/push/subscriptions", userId, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.json.error.code).toBe("invalid_request");
    }

    const stranger = `user-vi-${ulid()}`;
    expect((await call("DELETE", "/api/notifications/push/subscriptions", stranger, { endpoint })).status).toBe(404);
    expect(await subscriptionsOf(userId)).toEqual([endpoint]);
    expect((await call("DELETE", "/api/notifications/push/subscriptions", userId, { endpoint })).status).toBe(204);
    expect(await subscriptionsOf(userId)).toEqual([]);
    expect((await call("DELETE", "/api/notifications/push/subscriptions", userId, { endpoint })).status).toBe(404);
  });

  it("an order confirmation reaches each subscribed browser, listed with channel push; the local driver records it and never calls out", async () => {
    const buyer = `user-en-${ulid()}`;
    const endpoint = `https://push.example.test/ok/${ulid()}`;
    await subscribe(buyer, endpoint);
    const confirmed = makeEvent("TicketsIssued", { orderId: `ord.${buyer}`, eventId: "evt-1", buyerId: buyer, tickets: [{ id: `T-${ulid()}`, code: "c", ticketTypeId: "tt-vip" }] });
    const expired = makeEvent("OrderExpired", { orderId: `ord.${buyer}`, eventId: "evt-1", buyerId: buyer });
    await deliver([confirmed, expired]);

    const list = await call("GET", "/api/notifications", buyer);
    const push = list.json.items.filter((i: { channel: string }) => i.channel === "push");
    expect(push).toEqual([
      expect.objectContaining({ channel: "push", template: "order_confirmed", status: "sent", recipient: endpoint, subject: "Your tickets for Đêm nhạc Trịnh" }),
    ]);
    const recorded = await testEnv.DB.prepare("SELECT body_text FROM local_outbox WHERE channel = 'push' AND recipient = ?").bind(endpoint).all<{ body_text: string }>();
    expect(recorded.results.map((r) => JSON.parse(r.body_text))).toEqual([
      {
        title: "Your tickets for Đêm nhạc Trịnh",
        body: `Your payment for order ord.${buyer} went through and your tickets are ready.`,
        url: `/orders/ord.${buyer}`,
        tag: push[0].id,
      },
    ]);
  });
});
