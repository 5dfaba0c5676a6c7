import { describe, expect, it } from "vitest";
import { decodeJwt } from "jose";
import { authDb } from "../src/db/client";
import { revokeSession, revokedSessionsSince, purgeExpiredSessions } from "../src/domain/sessions";
import { authRpc, call, gatewayVerifier, identityOf, registerUser, testEnv } from "./helpers";

describe("GET /api/auth/me", () => {
  it("returns the signed-in user", async () => {
    const { user, accessToken } = await registerUser({ locale: "en" });
    const res = await call("GET", "/api/auth/me", { identity: identityOf(accessToken) });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ user: { id: user.id, email: user.email, name: "Test User", roles: ["buyer"], locale: "en", phone: null } });
  });

  it("answers 401 without an identity, and for identity headers not signed by the gateway", async () => {
    expect((await call("GET", "/api/auth/me")).status).toBe(401);
    const forged = await call("GET", "/api/auth/me", {
      headers: { "x-identity": btoa(JSON.stringify({ userId: "u1", email: "x@y.z", roles: ["admin"], sessionId: "s" })), "x-identity-sig": "forged" },
    });
    expect(forged.status).toBe(401);
    expect(forged.json.error.code).toBe("unauthorized");
  });
});

describe("POST /api/auth/logout and the revocation feed", () => {
  it("answers 401 without a bearer identity", async () => {
    expect((await call("POST", "/api/auth/logout")).status).toBe(401);
  });

  it("revokes the session: 204, the feed lists it until its last access token expires, and its token is refused", async () => {
    const { accessToken, refreshToken } = await registerUser();
    const identity = identityOf(accessToken);
    const verifier = gatewayVerifier();
    expect(await verifier.verify(accessToken)).toEqual(identity);
    const { cursor } = await authRpc().revokedSessionsSince(0);

    const res = await call("POST", "/api/auth/logout", { identity });
    expect(res.status).toBe(204);

    const feed = await authRpc().revokedSessionsSince(cursor);
    expect(feed.sessions).toEqual([{ sessionId: identity.sessionId, until: (decodeJwt(accessToken).exp as number) * 1000 }]);
    expect(feed.cursor).toBeGreaterThan(cursor);
    expect((await authRpc().revokedSessionsSince(feed.cursor)).sessions).toEqual([]);

    // A fresh gateway isolate learns it from the feed.
    await expect(gatewayVerifier().verify(accessToken)).rejects.toMatchObject({ status: 401, code: "token_revoked" });
    expect((await call("GET", "/api/auth/me", { identity })).status).toBe(401);
    expect((await call("POST", "/api/auth/refresh", { body: { refreshToken } })).status).toBe(401);
  });

  it("an isolate that already synced sees the revocation within a second, and at once when it handled the logout", async () => {
    const a = await registerUser();
    const b = await registerUser();
    let now = Date.now();
    const verifier = gatewayVerifier(() => now);
    await verifier.verify(a.accessToken);
    await verifier.verify(b.accessToken);

    await call("POST", "/api/auth/logout", { identity: identityOf(a.accessToken) });
    verifier.markRevoked(identityOf(a.accessToken).sessionId); // what the gateway does on a 204 from logout
    await expect(verifier.verify(a.accessToken)).rejects.toMatchObject({ code: "token_revoked" });

    await call("POST", "/api/auth/logout", { identity: identityOf(b.accessToken) });
    now += 1000;
    await expect(verifier.verify(b.accessToken)).rejects.toMatchObject({ code: "token_revoked" });
  });

  it("is idempotent and cannot revoke another user's session", async () => {
    const victim = await registerUser();
    const attacker = await registerUser();
    const spoof = { ...identityOf(attacker.accessToken), sessionId: identityOf(victim.accessToken).sessionId };
    expect((await call("POST", "/api/auth/logout", { identity: spoof })).status).toBe(204);
    expect((await call("GET", "/api/auth/me", { identity: identityOf(victim.accessToken) })).status).toBe(200);
    const { sessions } = await authRpc().revokedSessionsSince(0);
    expect(sessions.map((s) => s.sessionId)).not.toContain(identityOf(victim.accessToken).sessionId);

    const identity = identityOf(victim.accessToken);
    expect((await call("POST", "/api/auth/logout", { identity })).status).toBe(204);
    expect((await call("POST", "/api/auth/logout", { identity })).status).toBe(204);
    const again = await authRpc().revokedSessionsSince(0);
    expect(again.sessions.filter((s) => s.sessionId === identity.sessionId)).toHaveLength(1);
  });

  it("drops sessions from the feed once their access tokens have expired, so gateways can forget them", async () => {
    const db = authDb(testEnv.DB);
    const { accessToken } = await registerUser();
    const { sessionId } = identityOf(accessToken);
    await revokeSession(db, sessionId, "logout", Date.now());
    const until = (decodeJwt(accessToken).exp as number) * 1000;
    expect((await revokedSessionsSince(db, 0, until - 1)).sessions.map((s) => s.sessionId)).toContain(sessionId);
    expect((await revokedSessionsSince(db, 0, until + 1)).sessions.map((s) => s.sessionId)).not.toContain(sessionId);

    // The cron purges the row itself later; a gateway cursor past the feed's end starts over.
    await purgeExpiredSessions(db, until + 2 * 3600_000);
    const rows = await testEnv.DB.prepare("SELECT count(*) AS n FROM revoked_sessions WHERE session_id = ?").bind(sessionId).first<{ n: number }>();
    expect(rows!.n).toBe(0);
    const fresh = await registerUser();
    await call("POST", "/api/auth/logout", { identity: identityOf(fresh.accessToken) });
    const restarted = await revokedSessionsSince(db, 1_000_000, Date.now());
    expect(restarted.sessions.map((s) => s.sessionId)).toContain(identityOf(fresh.accessToken).sessionId);
    expect(restarted.cursor).toBeLessThan(1_000_000);
  });

  it("pages through a long feed with the cursor", async () => {
    const db = authDb(testEnv.DB);
    const before = await revokedSessionsSince(db, 0, Date.now());
    const users = await Promise.all([registerUser(), registerUser(), registerUser()]);
    for (const u of users) await revokeSession(db, identityOf(u.accessToken).sessionId, "logout", Date.now());
    const feed = await revokedSessionsSince(db, before.cursor, Date.now());
    expect(feed.sessions.map((s) => s.sessionId)).toEqual(users.map((u) => identityOf(u.accessToken).sessionId));
  });
});
