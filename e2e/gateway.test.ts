import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SignJWT, generateKeyPair, importJWK, type JWK } from "jose";
import { Client, uniqueEmail } from "./client";

async function signedUp() {
  const client = new Client();
  const res = await client.post("/api/auth/register", { email: uniqueEmail("gw"), password: "gateway long password", name: "GW" });
  expect(res.status).toBe(201);
  client.token = res.json.accessToken;
  return client;
}

/** A genuine token (the committed development signing key) that expired half an hour ago. */
async function expiredToken() {
  const text = readFileSync(join(__dirname, "..", "workers", "auth", ".dev.vars.example"), "utf8");
  const jwk = JSON.parse(/^AUTH_SIGNING_JWK='([^']+)'/m.exec(text)![1]) as JWK;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ email: "late@example.test", roles: ["buyer"], sid: "expired-session" })
    .setProtectedHeader({ alg: "ES256", kid: jwk.kid! })
    .setIssuer("tickets-auth")
    .setAudience("tickets-api")
    .setSubject("late-user")
    .setIssuedAt(now - 2_700)
    .setExpirationTime(now - 1_800)
    .sign(await importJWK(jwk, "ES256"));
}

/** A well-formed token naming the real key id but signed by a key the platform never issued. */
async function forgedToken() {
  const { privateKey } = await generateKeyPair("ES256");
  return new SignJWT({ email: "mallory@example.test", roles: ["admin"], sid: "forged" })
    .setProtectedHeader({ alg: "ES256", kid: "dev-2026-01" })
    .setIssuer("tickets-auth")
    .setAudience("tickets-api")
    .setSubject("mallory")
    .setIssuedAt()
    .setExpirationTime("15m")
    .sign(privateKey);
}

describe("gateway", () => {
  const client = new Client();

  it("reports every service healthy", async () => {
    const res = await client.get("/api/health");
    expect(res.status).toBe(200);
    expect(res.json.status).toBe("ok");
    for (const s of ["auth", "events", "orders", "payments", "tickets", "refunds", "notifications", "reports", "support"]) {
      expect(res.json.services[s]).toBe("ok");
    }
  });

  it("answers unknown routes with 404 in the error format", async () => {
    const res = await client.get("/api/definitely-not-a-route");
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ error: { code: "not_found", message: expect.any(String) } });
    const nested = await client.get("/api/orders/x/y/z/unknown");
    expect(nested.status).toBe(404);
    expect(nested.json.error.code).toBe("not_found");
  });

  it("generates a request id, or echoes the caller's", async () => {
    const generated = await client.get("/api/health");
    expect(generated.headers.get("x-request-id")).toMatch(/^[0-9A-Z]{26}$/);
    const echoed = await client.get("/api/nope", { "x-request-id": "trace-abc-123" });
    expect(echoed.headers.get("x-request-id")).toBe("trace-abc-123");
  });

  it("refuses bodies over 64 KiB with 413 before any service sees them", async () => {
    const res = await client.call("POST", "/api/auth/register", {
      raw: JSON.stringify({ email: "a@b.c", password: "x".repeat(70 * 1024), name: "big" }),
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(413);
    expect(res.json.error.code).toBe("payload_too_large");
  });

  it("allows CORS from the dashboard origin only", async () => {
    const ok = await client.call("OPTIONS", "/api/events", {
      headers: { origin: "http://localhost:8788", "access-control-request-method": "POST" },
    });
    expect(ok.headers.get("access-control-allow-origin")).toBe("http://localhost:8788");
    const other = await client.call("OPTIONS", "/api/events", {
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("sets secure headers", async () => {
    const res = await client.get("/api/health");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("strict-transport-security")).toBeTruthy();
  });

  it("rejects a malformed or forged bearer token with 401 in the error format", async () => {
    for (const authorization of ["Bearer not.a.jwt", "Basic abc", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."]) {
      const res = await client.get("/api/events", { authorization });
      expect(res.status).toBe(401);
      expect(res.json.error.code).toMatch(/invalid_token/);
    }
  });

  it("ignores identity headers a client sends", async () => {
    const res = await client.get("/api/auth/me", {
      "x-identity": btoa(JSON.stringify({ userId: "u1", email: "x@y.z", roles: ["admin"], sessionId: "s" })),
      "x-identity-sig": "forged",
    });
    expect(res.status).toBe(401);
  });

  it("rate limits a client per route class with 429 and Retry-After", async () => {
    const flooder = new Client();
    let limited: Awaited<ReturnType<Client["get"]>> | null = null;
    // Up to 1,000 calls, so that even a slow, busy machine fills one whole 10 s window past its 300.
    for (let i = 0; i < 1000 && !limited; i++) {
      const res = await flooder.get("/api/definitely-not-a-route");
      if (res.status === 429) limited = res;
    }
    expect(limited).not.toBeNull();
    expect(limited!.json.error.code).toBe("rate_limited");
    expect(Number(limited!.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another client is not affected.
    expect((await new Client().get("/api/health")).status).toBe(200);
  });

  it("limits the credential routes per client address, whichever accounts' tokens come along", async () => {
    const tokens = [(await signedUp()).token, (await signedUp()).token];
    const flooder = new Client();
    let limited: Awaited<ReturnType<Client["post"]>> | null = null;
    // 2 accounts x 20 calls: under the per-address limit of 30/min only if each token had its own bucket.
    for (let i = 0; i < 40 && !limited; i++) {
      const res = await flooder.post("/api/auth/refresh", { refreshToken: "x".repeat(43) }, { authorization: `Bearer ${tokens[i % 2]}` });
      if (res.status === 429) limited = res;
      else expect(res.status).toBe(401);
    }
    expect(limited).not.toBeNull();
    expect(limited!.json.error.code).toBe("rate_limited");
    expect(Number(limited!.headers.get("retry-after"))).toBe(60);
  });

  it("refuses an address sending forged tokens with 429 before verifying its tokens; others are unaffected", async () => {
    const owner = await signedUp();
    const forged = await forgedToken();
    const forger = new Client();
    let limited: Awaited<ReturnType<Client["get"]>> | null = null;
    for (let i = 0; i < 60 && !limited; i++) {
      const res = await forger.get("/api/events", { authorization: `Bearer ${forged}` });
      if (res.status === 429) limited = res;
      else expect(res.json.error.code).toBe("invalid_token");
    }
    expect(limited).not.toBeNull();
    expect(limited!.json.error.code).toBe("rate_limited");
    expect(Number(limited!.headers.get("retry-after"))).toBeGreaterThan(0);
    // Tokens from that address are not even verified for a while, a genuine one included...
    expect((await forger.get("/api/auth/me", { authorization: `Bearer ${owner.token}` })).status).toBe(429);
    // ...and the same address without a token, or the owner at their own address, are served.
    expect((await forger.get("/api/events")).status).toBe(200);
    expect((await owner.get("/api/auth/me")).status).toBe(200);
  });

  it("does not hold expired genuine tokens against an address: an app with a stale token still gets through to refresh", async () => {
    const stale = await expiredToken();
    const app = new Client();
    for (let i = 0; i < 30; i++) {
      const res = await app.get("/api/events", { authorization: `Bearer ${stale}` });
      expect(res.json.error.code).toBe("token_expired");
    }
  });

  it("documents every contract route in the merged OpenAPI document", async () => {
    const doc = await client.get("/api/openapi.json");
    // The contract's routes (docs/api.md).
    const contract = [
      "post /api/auth/register", "post /api/auth/login", "post /api/auth/refresh", "post /api/auth/logout", "get /api/auth/me",
      "post /api/events/{id}/staff", "post /api/events", "patch /api/events/{id}", "post /api/events/{id}/ticket-types",
      "post /api/events/{id}/publish", "get /api/events", "get /api/events/{id}",
      "post /api/orders", "get /api/orders/{id}", "get /api/orders", "post /api/orders/{id}/cancel", "get /api/orders/{id}/timeline",
      "get /api/payments/vnpay/ipn", "get /api/payments/vnpay/return",
      "get /api/tickets/{id}/qr.png", "post /api/checkin",
      "post /api/orders/{id}/refund", "get /api/refunds/{id}",
      "get /api/notifications",
      "get /api/reports/events/{id}/sales", "get /api/reports/events/{id}/sales/series", "get /api/reports/organizer/summary",
      "get /api/health", "get /api/openapi.json", "get /api/docs",
    ];
    const documented = new Set(
      Object.entries(doc.json.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
        Object.keys(ops).map((method) => `${method} ${path.replace(/\{[^}]+\}/g, "{id}")}`),
      ),
    );
    expect(contract.filter((route) => !documented.has(route))).toEqual([]);
  });

  it("serves the merged OpenAPI document and the interactive reference", async () => {
    const doc = await client.get("/api/openapi.json");
    expect(doc.status).toBe(200);
    expect(doc.json.openapi).toBe("3.1.0");
    expect(doc.json.paths["/api/health"]).toBeDefined();
    const docs = await client.get("/api/docs");
    expect(docs.status).toBe(200);
    expect(docs.headers.get("content-type")).toContain("text/html");
  });
});
