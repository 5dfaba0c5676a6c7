import { describe, expect, it } from "vitest";
import { createLogger } from "@tickets/common";
import { LocalTurnstileVerifier, SiteverifyVerifier, TURNSTILE_TEST_SECRETS, humanVerified, turnstileVerifier } from "../src/domain/turnstile";
import { call, key, placeOrder, saleOf, stock, testEnv, user } from "./helpers";
import type { Identity } from "@tickets/common";

// Finding 2 (inventory hoarding): accounts are free, so the per-account cap alone lets a script
// of fresh accounts keep an event "sold out". This project runs with HOLDS_PER_CLIENT 10 and
// HOLD_COOLDOWN_SECONDS 60 (the defaults), Turnstile's always-pass test secret and an event hot
// from 12 holds a minute (vitest.config.ts).

const order = (buyer: Identity, sale: { eventId: string; ticketTypeId: string }, opts: { ip?: string; token?: string; k?: string } = {}) =>
  call("POST", "/api/orders", {
    as: buyer,
    body: { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 1 }] },
    headers: {
      "idempotency-key": opts.k ?? key(),
      "cf-connecting-ip": opts.ip ?? "198.51.100.7",
      ...(opts.token ? { "cf-turnstile-response": opts.token } : {}),
    },
  });
let ipN = 0;
const freshIp = () => `203.0.113.${++ipN}`;

describe("per-client cap", () => {
  it("one client address holds at most 10 unpaid orders of an event, whatever the accounts; paying or cancelling one frees a place", async () => {
    const sale = await saleOf(100);
    const ip = freshIp();
    const placed = [];
    for (let i = 0; i < 10; i++) {
      const res = await order(user(), sale, { ip });
      expect(res.status).toBe(201);
      placed.push(res);
    }
    const eleventh = await order(user(), sale, { ip });
    expect(eleventh.status).toBe(429);
    expect(eleventh.json.error).toMatchObject({ code: "client_limit_exceeded", details: { limit: 10 } });
    expect(await sale.available()).toBe(90); // the refused one held nothing
    // Another address is not affected.
    expect((await order(user(), sale, { ip: freshIp() })).status).toBe(201);
    // A hold that ends frees its place at once (the cooldown is its buyer's, not the address's).
    expect(await stock(sale.eventId).expire(placed[0].json.order.id)).toBe(true);
    expect((await order(user(), sale, { ip })).status).toBe(201);
  });
});

describe("cooldown after an unpaid hold ends", () => {
  it("a buyer who cancels cannot hold the same event again for a while (429 hold_cooldown, Retry-After); other events and other buyers can", async () => {
    const sale = await saleOf(10);
    const buyer = user();
    const first = await order(buyer, sale, { ip: freshIp() });
    expect(first.status).toBe(201);
    expect((await call("POST", `/api/orders/${first.json.order.id}/cancel`, { as: buyer })).status).toBe(200);
    expect(await sale.available()).toBe(10);

    const again = await order(buyer, sale, { ip: freshIp() });
    expect(again.status).toBe(429);
    expect(again.json.error.code).toBe("hold_cooldown");
    expect(again.json.error.details.retryAfterSeconds).toBeGreaterThan(50);
    expect(Number(again.headers.get("retry-after"))).toBeGreaterThan(50);
    expect(await sale.available()).toBe(10);

    expect((await order(user(), sale, { ip: freshIp() })).status).toBe(201);
    expect((await order(buyer, await saleOf(5), { ip: freshIp() })).status).toBe(201);
  });

  it("an expired hold starts the cooldown too, but the retry of the same request (same key) is never refused", async () => {
    const sale = await saleOf(10);
    const buyer = user();
    const k = key();
    const first = await order(buyer, sale, { k });
    expect(await stock(sale.eventId).expire(first.json.order.id)).toBe(true);
    expect((await order(buyer, sale, { k })).status).toBe(200); // its order back (expired), nothing held
    expect((await order(buyer, sale)).json.error.code).toBe("hold_cooldown");
  });

  it("a hold released because payments was unavailable does not make its buyer wait", async () => {
    const sale = await saleOf(10);
    const buyer = user();
    const payments = testEnv.PAYMENTS_RPC as unknown as { setMode(mode: "ok" | "fail"): Promise<void> };
    await payments.setMode("fail");
    try {
      expect((await order(buyer, sale)).json.error.code).toBe("payments_unavailable");
    } finally {
      await payments.setMode("ok");
    }
    expect((await order(buyer, sale)).status).toBe(201);
  });
});

describe("Turnstile on hot events", () => {
  it("from 12 holds a minute an event asks for a human check: 403 challenge_required with the site key, then a verified token passes", async () => {
    const sale = await saleOf(100);
    for (let i = 0; i < 12; i++) expect((await order(user(), sale, { ip: freshIp() })).status).toBe(201);
    const challenged = await order(user(), sale, { ip: freshIp() });
    expect(challenged.status).toBe(403);
    expect(challenged.json.error).toMatchObject({ code: "challenge_required", details: { siteKey: "1x00000000000000000000AA" } });
    expect(await sale.available()).toBe(88);
    const withToken = await order(user(), sale, { ip: freshIp(), token: "XXXX.DUMMY.TOKEN.XXXX" });
    expect(withToken.status).toBe(201);
    // A calm event asks nothing.
    expect((await order(user(), await saleOf(5), { ip: freshIp() })).status).toBe(201);
  });

  it("the local verifier honours Cloudflare's test secrets; a real secret picks siteverify; no secret, no challenge", async () => {
    const log = createLogger({ test: "turnstile" });
    expect(await humanVerified(new LocalTurnstileVerifier(TURNSTILE_TEST_SECRETS.alwaysPass), "tok", null, log)).toBe(true);
    expect(await humanVerified(new LocalTurnstileVerifier(TURNSTILE_TEST_SECRETS.alwaysPass), null, null, log)).toBe(false);
    expect(await humanVerified(new LocalTurnstileVerifier(TURNSTILE_TEST_SECRETS.alwaysFail), "tok", null, log)).toBe(false);
    expect(await humanVerified(new LocalTurnstileVerifier(TURNSTILE_TEST_SECRETS.tokenSpent), "tok", null, log)).toBe(false);
    expect(turnstileVerifier({ ...testEnv, TURNSTILE_SECRET_KEY: TURNSTILE_TEST_SECRETS.alwaysFail })).toBeInstanceOf(LocalTurnstileVerifier);
    expect(turnstileVerifier({ ...testEnv, TURNSTILE_SECRET_KEY: "0x4AAAAAAA-real-secret" })).toBeInstanceOf(SiteverifyVerifier);
    expect(turnstileVerifier({ ...testEnv, TURNSTILE_SECRET_KEY: undefined })).toBeNull();
  });

  it("siteverify: posts secret, token and address to Cloudflare's endpoint and reads success; unreachable fails closed", async () => {
    const seen: Array<{ url: string; form: Record<string, string> }> = [];
    const answer = (body: unknown, status = 200) =>
      (async (url: RequestInfo | URL, init?: RequestInit) => {
        seen.push({ url: String(url), form: Object.fromEntries((init!.body as FormData).entries()) as Record<string, string> });
        return Response.json(body, { status });
      }) as typeof fetch;
    const log = createLogger({ test: "turnstile" });
    const ok = new SiteverifyVerifier("real-secret", testEnv, answer({ success: true }));
    expect(await humanVerified(ok, "tok", "203.0.113.9", log)).toBe(true);
    expect(seen[0]).toEqual({ url: "https://challenges.cloudflare.com/turnstile/v0/siteverify", form: { secret: "real-secret", response: "tok", remoteip: "203.0.113.9" } });
    expect(await humanVerified(new SiteverifyVerifier("real-secret", testEnv, answer({ success: false, "error-codes": ["invalid-input-response"] })), "tok", null, log)).toBe(false);
    expect(await humanVerified(new SiteverifyVerifier("real-secret", testEnv, answer({}, 500)), "tok", null, log)).toBe(false);
  });
});
