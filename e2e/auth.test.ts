import { describe, expect, it } from "vitest";
import { SignJWT, decodeJwt, generateKeyPair } from "jose";
import { Client, uniqueEmail } from "./client";

const PASSWORD = "e2e long password";

async function signedUp(role?: "buyer" | "organizer") {
  const client = new Client();
  const email = uniqueEmail("auth");
  const res = await client.post("/api/auth/register", { email, password: PASSWORD, name: "E2E User", ...(role ? { role } : {}) });
  expect(res.status).toBe(201);
  client.token = res.json.accessToken;
  return { client, email, user: res.json.user, refreshToken: res.json.refreshToken as string };
}

describe("auth through the gateway", () => {
  it("register → me → login → refresh → logout", async () => {
    const { client, email, user, refreshToken } = await signedUp("organizer");
    expect(user).toMatchObject({ email, name: "E2E User", roles: ["organizer"] });

    const me = await client.get("/api/auth/me");
    expect(me.status).toBe(200);
    expect(me.json.user).toMatchObject({ id: user.id, email, roles: ["organizer"] });

    const login = await new Client().post("/api/auth/login", { email: email.toUpperCase(), password: PASSWORD });
    expect(login.status).toBe(200);
    expect(login.json.user.id).toBe(user.id);

    const refreshed = await client.post("/api/auth/refresh", { refreshToken });
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.refreshToken).not.toBe(refreshToken);
    client.token = refreshed.json.accessToken;
    expect((await client.get("/api/auth/me")).status).toBe(200);

    const logout = await client.post("/api/auth/logout");
    expect(logout.status).toBe(204);
    // The same access token is refused at once, and the session's refresh token is dead.
    const after = await client.get("/api/auth/me");
    expect(after.status).toBe(401);
    expect(after.json.error.code).toBe("token_revoked");
    expect((await client.post("/api/auth/refresh", { refreshToken: refreshed.json.refreshToken })).status).toBe(401);
    // Other sessions of the same user are untouched.
    const other = new Client();
    other.token = login.json.accessToken;
    expect((await other.get("/api/auth/me")).status).toBe(200);
  });

  it("a reused refresh token is 401 and kills the newer one too", async () => {
    const { client, refreshToken } = await signedUp();
    const first = await client.post("/api/auth/refresh", { refreshToken });
    expect(first.status).toBe(200);
    const replay = await client.post("/api/auth/refresh", { refreshToken });
    expect(replay.status).toBe(401);
    expect(replay.json.error.code).toBe("refresh_token_reused");
    expect((await client.post("/api/auth/refresh", { refreshToken: first.json.refreshToken })).status).toBe(401);
    client.token = first.json.accessToken;
    expect((await client.get("/api/auth/me")).status).toBe(401);
  });

  it("the gateway rejects a token signed by another key with 401 before any service sees it", async () => {
    const { client, user, email } = await signedUp();
    const { privateKey } = await generateKeyPair("ES256");
    const real = decodeJwt(client.token!);
    const forged = await new SignJWT({ email, roles: ["admin"], sid: real.sid as string })
      .setProtectedHeader({ alg: "ES256", kid: "dev-2026-01" })
      .setIssuer("tickets-auth")
      .setAudience("tickets-api")
      .setSubject(user.id)
      .setIssuedAt()
      .setExpirationTime("15m")
      .sign(privateKey);
    const res = await client.get("/api/auth/me", { authorization: `Bearer ${forged}` });
    expect(res.status).toBe(401);
    // invalid_token is the gateway's answer; the auth worker itself would say unauthorized.
    expect(res.json.error.code).toBe("invalid_token");
    const [h, p] = client.token!.split(".");
    const unsigned = await client.get("/api/auth/me", { authorization: `Bearer ${h}.${p}.` });
    expect(unsigned.status).toBe(401);
    expect(unsigned.json.error.code).toBe("invalid_token");
  });

  it("answers 409 email_taken, 401 invalid_credentials alike for unknown email and wrong password, 400 for admin", async () => {
    const { email } = await signedUp();
    const c = new Client();
    const taken = await c.post("/api/auth/register", { email, password: "another long one", name: "Dup" });
    expect(taken.status).toBe(409);
    expect(taken.json.error.code).toBe("email_taken");
    const wrong = await c.post("/api/auth/login", { email, password: "not the password" });
    const unknown = await c.post("/api/auth/login", { email: uniqueEmail("ghost"), password: PASSWORD });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(unknown.json).toEqual(wrong.json);
    const admin = await c.post("/api/auth/register", { email: uniqueEmail("evil"), password: PASSWORD, name: "Eve", role: "admin" });
    expect(admin.status).toBe(400);
    expect(admin.json.error.code).toBe("invalid_request");
  });

  it("locks an account at the guessing address after 5 failed logins (429 with Retry-After); the owner elsewhere still signs in", async () => {
    const { email } = await signedUp();
    const attacker = new Client();
    for (let i = 0; i < 5; i++) expect((await attacker.post("/api/auth/login", { email, password: `guess number ${i}` })).status).toBe(401);
    const locked = await attacker.post("/api/auth/login", { email, password: PASSWORD });
    expect(locked.status).toBe(429);
    expect(locked.json.error.code).toBe("rate_limited");
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await new Client().post("/api/auth/login", { email, password: PASSWORD })).status).toBe(200);
  });

  it("signs in the seeded demo accounts with their roles", async () => {
    const accounts = [
      ["admin@example.com", "admin-demo-pass", "admin"],
      ["organizer@example.com", "organizer-demo-pass", "organizer"],
      ["buyer@example.com", "buyer-demo-pass", "buyer"],
    ];
    for (const [email, password, role] of accounts) {
      const res = await new Client().post("/api/auth/login", { email, password });
      expect(res.status).toBe(200);
      expect(res.json.user.roles).toEqual([role]);
    }
  });

  it("publishes the JWKS and documents the auth routes", async () => {
    const c = new Client();
    const jwks = await c.get("/api/auth/jwks.json");
    expect(jwks.status).toBe(200);
    expect(jwks.json.keys[0]).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig", kid: expect.any(String) });
    expect(jwks.json.keys[0].d).toBeUndefined();
    const doc = await c.get("/api/openapi.json");
    for (const p of ["/api/auth/register", "/api/auth/login", "/api/auth/refresh", "/api/auth/logout", "/api/auth/me"]) {
      expect(doc.json.paths[p]).toBeDefined();
    }
  });
});
