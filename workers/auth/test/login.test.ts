import { describe, expect, it } from "vitest";
import { decodeJwt } from "jose";
import { ApiError } from "@tickets/common";
import { authDb } from "../src/db/client";
import { login } from "../src/domain/accounts";
import { LOGIN_WINDOW_MS, MAX_FAILURES_PER_ACCOUNT } from "../src/domain/login-throttle";
import { call, freshEmail, freshIp, registerUser, testEnv } from "./helpers";

const PASSWORD = "correct horse battery";
const loginAs = (email: string, password: string, ip = freshIp()) => call("POST", "/api/auth/login", { body: { email, password }, ip });

describe("POST /api/auth/login", () => {
  it("signs in with the right password (200, same shape as register)", async () => {
    const { user } = await registerUser({ role: "organizer" });
    const res = await loginAs(user.email, PASSWORD);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      user: { id: user.id, email: user.email, name: "Test User", roles: ["organizer"], locale: "vi", phone: null },
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      expiresIn: 900,
    });
    expect(decodeJwt(res.json.accessToken)).toMatchObject({ sub: user.id, roles: ["organizer"] });
  });

  it("accepts the email in any case and with spaces around it", async () => {
    const { user } = await registerUser();
    expect((await loginAs(`  ${user.email.toUpperCase()}  `, PASSWORD)).status).toBe(200);
  });

  it("gives the same 401 invalid_credentials for a wrong password and an unknown email", async () => {
    const { user } = await registerUser();
    const wrong = await loginAs(user.email, "wrong password!");
    const unknown = await loginAs(freshEmail("ghost"), PASSWORD);
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.json).toEqual({ error: { code: "invalid_credentials", message: expect.any(String) } });
    expect(unknown.json).toEqual(wrong.json);
  });

  it("each login opens its own session", async () => {
    const { user } = await registerUser();
    const a = await loginAs(user.email, PASSWORD);
    const b = await loginAs(user.email, PASSWORD);
    expect(decodeJwt(a.json.accessToken).sid).not.toBe(decodeJwt(b.json.accessToken).sid);
    expect(a.json.refreshToken).not.toBe(b.json.refreshToken);
  });

  it("rejects a malformed body with 400", async () => {
    const res = await call("POST", "/api/auth/login", { body: { email: "x@y.z" } });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("invalid_request");
  });
});

describe("login brute-force protection", () => {
  it("locks an account from one address after 5 failures there: 429 rate_limited with Retry-After, even for the right password", async () => {
    const { user } = await registerUser();
    const attacker = freshIp();
    for (let i = 0; i < 5; i++) expect((await loginAs(user.email, `wrong-${i}-password`, attacker)).status).toBe(401);
    const locked = await loginAs(user.email, PASSWORD, attacker);
    expect(locked.status).toBe(429);
    expect(locked.json.error.code).toBe("rate_limited");
    const retryAfter = Number(locked.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    // Other accounts are not affected.
    const other = await registerUser();
    expect((await loginAs(other.user.email, PASSWORD, attacker)).status).toBe(200);
  });

  it("an attacker's failures elsewhere do not lock the owner out", async () => {
    const { user } = await registerUser();
    const attacker = freshIp();
    for (let i = 0; i < 6; i++) await loginAs(user.email, `guess-${i}-password`, attacker);
    expect((await loginAs(user.email, PASSWORD, attacker)).status).toBe(429);
    const owner = await loginAs(user.email, PASSWORD, freshIp());
    expect(owner.status).toBe(200);
  });

  it(`still limits guessing one account from many addresses: locked everywhere after ${MAX_FAILURES_PER_ACCOUNT} failures`, async () => {
    const { user } = await registerUser();
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT; i++) {
      // A new address every 4 guesses, so no (account, address) pair reaches its own limit.
      const ip = `203.0.113.${Math.floor(i / 4) + 1}`;
      expect((await loginAs(user.email, `spread-${i}-password`, ip)).status).toBe(401);
    }
    const everywhere = await loginAs(user.email, PASSWORD, freshIp());
    expect(everywhere.status).toBe(429);
    expect(everywhere.json.error.code).toBe("rate_limited");
  });

  it("locks unknown emails the same way, so the lock does not reveal which accounts exist", async () => {
    const ghost = freshEmail("ghost");
    const ip = freshIp();
    for (let i = 0; i < 5; i++) expect((await loginAs(ghost, "whatever-password", ip)).status).toBe(401);
    expect((await loginAs(ghost, "whatever-password", ip)).status).toBe(429);
  });

  it("a successful login resets the counter of its account and address", async () => {
    const { user } = await registerUser();
    const ip = freshIp();
    for (let i = 0; i < 4; i++) expect((await loginAs(user.email, "nope-nope-nope", ip)).status).toBe(401);
    expect((await loginAs(user.email, PASSWORD, ip)).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await loginAs(user.email, "nope-nope-nope", ip)).status).toBe(401);
    expect((await loginAs(user.email, PASSWORD, ip)).status).toBe(200);
  });

  it("limits one client address to 20 failures in 15 minutes, across accounts", async () => {
    const ip = freshIp();
    for (let i = 0; i < 20; i++) expect((await loginAs(freshEmail("spray"), "guess-password", ip)).status).toBe(401);
    const { user } = await registerUser();
    const blocked = await loginAs(user.email, PASSWORD, ip);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    // The same account from another address is fine.
    expect((await loginAs(user.email, PASSWORD, freshIp())).status).toBe(200);
  });

  it("unlocks once the 15-minute window has passed", async () => {
    const { user } = await registerUser();
    const deps = (now: number) => ({ env: testEnv, db: authDb(testEnv.DB), now });
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) {
      await expect(login(deps(t0 + i), { email: user.email, password: "bad-password" }, null)).rejects.toMatchObject({ status: 401 });
    }
    const locked = await login(deps(t0 + LOGIN_WINDOW_MS - 1000), { email: user.email, password: PASSWORD }, null).catch((e) => e);
    expect(locked).toBeInstanceOf(ApiError);
    expect(locked).toMatchObject({ status: 429, code: "rate_limited", headers: { "retry-after": "1" } });
    const later = await login(deps(t0 + LOGIN_WINDOW_MS + 1), { email: user.email, password: PASSWORD }, null);
    expect(later.user.id).toBe(user.id);
  });
});
