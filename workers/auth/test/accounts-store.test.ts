import { describe, expect, it } from "vitest";
import { decodeJwt } from "jose";
// @ts-expect-error plain ESM seed script (runs in Node before `npm run dev`; node:crypto works here too)
import { DEMO_USERS, hashPassword as nodeHashPassword, sql as seedSql } from "../../../scripts/seed/10-auth.mjs";
import { hashPassword, verifyPassword, PBKDF2_ITERATIONS } from "../src/domain/passwords";
import { authRpc, call, freshIp, identityOf, registerUser, testEnv } from "./helpers";

type DemoUser = { id: string; email: string; password: string; roles: string[] };

describe("password hashing", () => {
  it("stores PBKDF2-SHA256 with 100,000 iterations and a per-user random salt", async () => {
    const a = await hashPassword("same password");
    const b = await hashPassword("same password");
    expect(a).toMatch(/^pbkdf2-sha256\$100000\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(PBKDF2_ITERATIONS).toBe(100_000);
    expect(a.split("$")[2]).not.toBe(b.split("$")[2]);
    expect(await verifyPassword("same password", a)).toBe(true);
    expect(await verifyPassword("same passworD", a)).toBe(false);
  });

  it("never verifies against an unknown user or a malformed hash", async () => {
    expect(await verifyPassword("anything", null)).toBe(false);
    expect(await verifyPassword("anything", "plain-text")).toBe(false);
    expect(await verifyPassword("anything", "pbkdf2-sha256$100000$!!!$???")).toBe(false);
  });

  it("verifies hashes the Node seed script writes", async () => {
    expect(await verifyPassword("seeded secret", nodeHashPassword("seeded secret"))).toBe(true);
    expect(await verifyPassword("seeded secreT", nodeHashPassword("seeded secret"))).toBe(false);
  });
});

describe("demo accounts seed", () => {
  it("is idempotent and its accounts sign in with their documented roles (admin only from the seed)", async () => {
    const { db, config, sql } = await seedSql();
    expect({ db, config }).toEqual({ db: "auth", config: "workers/auth/wrangler.toml" });
    await testEnv.DB.prepare(sql).run();
    await testEnv.DB.prepare((await seedSql()).sql).run();
    for (const u of DEMO_USERS as DemoUser[]) {
      const res = await call("POST", "/api/auth/login", { body: { email: u.email, password: u.password }, ip: freshIp() });
      expect(res.status).toBe(200);
      expect(res.json.user).toMatchObject({ id: u.id, email: u.email, roles: u.roles });
      expect(decodeJwt(res.json.accessToken).roles).toEqual(u.roles);
    }
    expect((DEMO_USERS as DemoUser[]).map((u) => u.roles[0])).toEqual(["admin", "organizer", "buyer"]);
  });
});

describe("AuthRpc for other workers", () => {
  it("findUserByEmail normalises the email and returns the summary, or null", async () => {
    const { user } = await registerUser({ role: "organizer", name: "Staff Lead" });
    expect(await authRpc().findUserByEmail(`  ${user.email.toUpperCase()} `)).toEqual({
      id: user.id,
      email: user.email,
      name: "Staff Lead",
      roles: ["organizer"],
    });
    expect(await authRpc().findUserByEmail("nobody@example.test")).toBeNull();
  });

  it("getUser returns the profile with locale (default vi) and phone, or null", async () => {
    const { user } = await registerUser({ phone: "0901234567" });
    expect(await authRpc().getUser(user.id)).toEqual({
      id: user.id,
      email: user.email,
      name: "Test User",
      roles: ["buyer"],
      locale: "vi",
      phone: "0901234567",
    });
    expect(await authRpc().getUser("no-such-user")).toBeNull();
  });

  it("me reflects the same profile as getUser", async () => {
    const { user, accessToken } = await registerUser({ locale: "en" });
    const me = await call("GET", "/api/auth/me", { identity: identityOf(accessToken) });
    expect(me.json.user).toEqual(await authRpc().getUser(user.id));
  });
});

describe("health and OpenAPI", () => {
  it("reports its D1 and signing key healthy", async () => {
    const res = await call("GET", "/health");
    expect(res.json).toEqual({ status: "ok", checks: { db: "ok", signing_key: "ok" }, breakers: {} });
  });

  it("declares every auth route in its OpenAPI document", async () => {
    const doc = (await call("GET", "/openapi.json")).json;
    expect(Object.keys(doc.paths).sort()).toEqual([
      "/api/auth/jwks.json",
      "/api/auth/login",
      "/api/auth/logout",
      "/api/auth/me",
      "/api/auth/refresh",
      "/api/auth/register",
    ]);
    expect(doc.paths["/api/auth/register"].post.responses["409"]).toBeDefined();
    expect(doc.paths["/api/auth/me"].get.security).toEqual([{ bearer: [] }]);
  });
});
