import { describe, expect, it } from "vitest";
import { decodeJwt } from "jose";
import { authDb } from "../src/db/client";
import { refresh } from "../src/domain/accounts";
import { REFRESH_TOKEN_TTL_MS } from "../src/domain/sessions";
import { authRpc, call, gatewayVerifier, identityOf, registerUser, testEnv } from "./helpers";

const refreshWith = (refreshToken: unknown) => call("POST", "/api/auth/refresh", { body: { refreshToken } });

async function feedHas(sessionId: string) {
  const feed = await authRpc().revokedSessionsSince(0);
  return feed.sessions.some((s) => s.sessionId === sessionId);
}

describe("POST /api/auth/refresh", () => {
  it("returns a new access token and a new refresh token for the same session", async () => {
    const first = await registerUser();
    const res = await refreshWith(first.refreshToken);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String), expiresIn: 900 });
    expect(res.json.refreshToken).not.toBe(first.refreshToken);
    const before = decodeJwt(first.accessToken);
    const after = decodeJwt(res.json.accessToken);
    expect(after).toMatchObject({ sub: first.user.id, sid: before.sid, email: first.user.email, roles: ["buyer"] });
    expect(await gatewayVerifier().verify(res.json.accessToken)).toMatchObject({ userId: first.user.id });
    // The successor works in turn.
    expect((await refreshWith(res.json.refreshToken)).status).toBe(200);
  });

  it("treats a spent token used again as theft: 401 and the whole family is revoked", async () => {
    const first = await registerUser();
    const second = await refreshWith(first.refreshToken);
    expect(second.status).toBe(200);

    const replay = await refreshWith(first.refreshToken);
    expect(replay.status).toBe(401);
    expect(replay.json.error.code).toBe("refresh_token_reused");

    // The newer token (the thief's or the user's) is dead too…
    const newer = await refreshWith(second.json.refreshToken);
    expect(newer.status).toBe(401);
    // …and so are the session's access tokens: the revocation feed names it, the gateway refuses it.
    const sid = decodeJwt(first.accessToken).sid as string;
    expect(await feedHas(sid)).toBe(true);
    await expect(gatewayVerifier().verify(second.json.accessToken)).rejects.toMatchObject({ status: 401, code: "token_revoked" });
    expect((await call("GET", "/api/auth/me", { identity: identityOf(second.json.accessToken) })).status).toBe(401);
  });

  it("lets exactly one of two racing uses of the same token win, and revokes the family", async () => {
    const first = await registerUser();
    const results = await Promise.all([refreshWith(first.refreshToken), refreshWith(first.refreshToken)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    const winner = results.find((r) => r.status === 200)!;
    expect((await refreshWith(winner.json.refreshToken)).status).toBe(401);
  });

  it("does not touch the user's other sessions when one family is revoked", async () => {
    const first = await registerUser();
    const other = await call("POST", "/api/auth/login", { body: { email: first.user.email, password: "correct horse battery" } });
    await refreshWith(first.refreshToken);
    expect((await refreshWith(first.refreshToken)).status).toBe(401);
    expect((await refreshWith(other.json.refreshToken)).status).toBe(200);
  });

  it("answers 401 invalid_refresh_token for an unknown token", async () => {
    const res = await refreshWith("definitely-not-a-real-refresh-token");
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe("invalid_refresh_token");
  });

  it("answers 401 for an expired refresh token", async () => {
    const first = await registerUser();
    const deps = { env: testEnv, db: authDb(testEnv.DB), now: Date.now() + REFRESH_TOKEN_TTL_MS + 1000 };
    await expect(refresh(deps, first.refreshToken)).rejects.toMatchObject({ status: 401, code: "invalid_refresh_token" });
  });

  it("answers 401 after logout", async () => {
    const first = await registerUser();
    expect((await call("POST", "/api/auth/logout", { identity: identityOf(first.accessToken) })).status).toBe(204);
    const res = await refreshWith(first.refreshToken);
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe("invalid_refresh_token");
  });

  it("rejects a missing or non-string refreshToken with 400", async () => {
    for (const body of [{}, { refreshToken: 42 }, { refreshToken: "" }]) {
      const res = await call("POST", "/api/auth/refresh", { body });
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe("invalid_request");
    }
  });
});
