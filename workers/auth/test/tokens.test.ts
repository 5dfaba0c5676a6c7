import { describe, expect, it } from "vitest";
import { SignJWT, exportJWK, generateKeyPair, importJWK, type JWK } from "jose";
import { ApiError } from "@tickets/common";
import { issueAccessToken } from "../src/domain/access-tokens";
import { publicJwks } from "../src/domain/keys";
import { authRpc, call, gatewayVerifier, registerUser, testEnv } from "./helpers";

const b64url = (s: string) => btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const claimsFor = (u: { id: string; email: string }) => ({ userId: u.id, email: u.email, roles: ["buyer" as const], sessionId: "sid-1" });

async function rejection(p: Promise<unknown>) {
  const err = await p.then(
    () => null,
    (e) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

async function otherKey(kid: string) {
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid };
  return { jwk, key: privateKey, json: JSON.stringify(jwk) };
}

const payloadFor = (u: { id: string; email: string }, extra: Record<string, unknown> = {}) => ({
  email: u.email,
  roles: ["buyer"],
  sid: "sid-1",
  ...extra,
});

async function sign(key: CryptoKey, kid: string, u: { id: string; email: string }, opts: { iss?: string; aud?: string; exp?: string } = {}) {
  return new SignJWT(payloadFor(u))
    .setProtectedHeader({ alg: "ES256", kid })
    .setIssuer(opts.iss ?? "tickets-auth")
    .setAudience(opts.aud ?? "tickets-api")
    .setSubject(u.id)
    .setIssuedAt()
    .setExpirationTime(opts.exp ?? "15m")
    .sign(key);
}

describe("access tokens verified by the gateway's TokenVerifier", () => {
  it("accepts a token the auth worker issued and yields the identity", async () => {
    const { user, accessToken } = await registerUser();
    const identity = await gatewayVerifier().verify(accessToken);
    expect(identity).toEqual({ userId: user.id, email: user.email, roles: ["buyer"], sessionId: expect.any(String) });
  });

  it("rejects an expired token with 401 token_expired", async () => {
    const { user } = await registerUser();
    const { accessToken } = await issueAccessToken(testEnv, claimsFor(user), Date.now() - 16 * 60_000);
    const err = await rejection(gatewayVerifier().verify(accessToken));
    expect(err).toMatchObject({ status: 401, code: "token_expired" });
  });

  it("rejects a token once its 15 minutes are over (verifier clock moved forward)", async () => {
    const { accessToken } = await registerUser();
    let now = Date.now();
    const verifier = gatewayVerifier(() => now);
    await verifier.verify(accessToken);
    now += 15 * 60_000 + 1000;
    expect(await rejection(verifier.verify(accessToken))).toMatchObject({ status: 401, code: "token_expired" });
  });

  it("rejects a tampered payload (roles raised to admin) and a tampered signature", async () => {
    const { accessToken } = await registerUser();
    const [h, p, s] = accessToken.split(".");
    const claims = JSON.parse(atob(p.replace(/-/g, "+").replace(/_/g, "/")));
    const forged = `${h}.${b64url(JSON.stringify({ ...claims, roles: ["admin"] }))}.${s}`;
    expect(await rejection(gatewayVerifier().verify(forged))).toMatchObject({ status: 401, code: "invalid_token" });
    const flipped = s.startsWith("A") ? `B${s.slice(1)}` : `A${s.slice(1)}`;
    expect(await rejection(gatewayVerifier().verify(`${h}.${p}.${flipped}`))).toMatchObject({ status: 401, code: "invalid_token" });
  });

  it("rejects alg:none tokens, with and without a kid", async () => {
    const { user } = await registerUser();
    const body = b64url(JSON.stringify({ ...payloadFor(user), sub: user.id, iss: "tickets-auth", aud: "tickets-api", exp: Math.floor(Date.now() / 1000) + 600 }));
    for (const header of [{ alg: "none" }, { alg: "none", kid: "dev-2026-01" }, { alg: "none", typ: "JWT", kid: "dev-2026-01" }]) {
      const token = `${b64url(JSON.stringify(header))}.${body}.`;
      expect(await rejection(gatewayVerifier().verify(token))).toMatchObject({ status: 401, code: "invalid_token" });
    }
  });

  it("rejects an HS256 token keyed with the public key (algorithm confusion)", async () => {
    const { user } = await registerUser();
    const pub = (await publicJwks(testEnv)).keys[0];
    const secret = new TextEncoder().encode(JSON.stringify(pub));
    const token = await new SignJWT(payloadFor(user))
      .setProtectedHeader({ alg: "HS256", kid: pub.kid })
      .setIssuer("tickets-auth")
      .setAudience("tickets-api")
      .setSubject(user.id)
      .setExpirationTime("15m")
      .sign(secret);
    expect(await rejection(gatewayVerifier().verify(token))).toMatchObject({ status: 401, code: "invalid_token" });
  });

  it("rejects tokens signed by another key, whether it claims our kid or its own", async () => {
    const { user } = await registerUser();
    const impostor = await otherKey("dev-2026-01");
    expect(await rejection(gatewayVerifier().verify(await sign(impostor.key, "dev-2026-01", user)))).toMatchObject({ status: 401 });
    const stranger = await otherKey("attacker-key");
    expect(await rejection(gatewayVerifier().verify(await sign(stranger.key, "attacker-key", user)))).toMatchObject({
      status: 401,
      code: "invalid_token",
    });
  });

  it("rejects tokens with the right key but the wrong issuer or audience, or no kid", async () => {
    const { user } = await registerUser();
    const key = (await importJWK({ ...(JSON.parse(testEnv.AUTH_SIGNING_JWK) as JWK), alg: "ES256" }, "ES256")) as CryptoKey;
    expect(await gatewayVerifier().verify(await sign(key, "dev-2026-01", user))).toMatchObject({ userId: user.id });
    for (const opts of [{ iss: "someone-else" }, { aud: "another-api" }]) {
      expect(await rejection(gatewayVerifier().verify(await sign(key, "dev-2026-01", user, opts)))).toMatchObject({ status: 401 });
    }
    const noKid = await new SignJWT(payloadFor(user)).setProtectedHeader({ alg: "ES256" }).setIssuer("tickets-auth")
      .setAudience("tickets-api").setSubject(user.id).setExpirationTime("15m").sign(key);
    expect(await rejection(gatewayVerifier().verify(noKid))).toMatchObject({ status: 401, code: "invalid_token" });
  });

  it("rejects garbage", async () => {
    for (const t of ["not.a.jwt", "abc", "", "a.b.c.d.e"]) {
      expect(await rejection(gatewayVerifier().verify(t))).toMatchObject({ status: 401, code: "invalid_token" });
    }
  });

  it("refetches the JWKS for unknown kids at most once a second", async () => {
    const { user } = await registerUser();
    let fetches = 0;
    const counting = () => ({
      getJwks: () => (fetches++, authRpc().getJwks()),
      revokedSessionsSince: (c: number) => authRpc().revokedSessionsSince(c),
    });
    let now = Date.now();
    const verifier = gatewayVerifier(() => now, counting);
    const stranger = await otherKey("random-kid");
    const token = await sign(stranger.key, "random-kid", user);
    for (let i = 0; i < 5; i++) await rejection(verifier.verify(token));
    expect(fetches).toBe(1);
    now += 1500;
    await rejection(verifier.verify(token));
    expect(fetches).toBe(2);
  });
});

describe("cached keys while the auth worker cannot be reached", () => {
  it("rides out a short outage on cached keys, and refuses with 503 once they are an hour unconfirmed", async () => {
    const { user } = await registerUser();
    let now = Date.now();
    let keysReachable = true;
    const verifier = gatewayVerifier(() => now, () => ({
      getJwks: () => (keysReachable ? authRpc().getJwks() : Promise.reject(new Error("auth unreachable"))),
      revokedSessionsSince: (c: number) => authRpc().revokedSessionsSince(c),
    }));
    const tokenAt = async (t: number) => (await issueAccessToken(testEnv, claimsFor(user), t)).accessToken;
    expect(await verifier.verify(await tokenAt(now))).toMatchObject({ userId: user.id });

    keysReachable = false;
    now += 10 * 60_000; // past the 5-minute refresh: the refetch fails, the cached keys still serve
    expect(await verifier.verify(await tokenAt(now))).toMatchObject({ userId: user.id });
    now += 51 * 60_000; // over an hour since the keys were last confirmed
    expect(await rejection(verifier.verify(await tokenAt(now)))).toMatchObject({ status: 503, code: "auth_unavailable" });

    keysReachable = true;
    now += 1_001;
    expect(await verifier.verify(await tokenAt(now))).toMatchObject({ userId: user.id });
  });
});

describe("JWKS and key rotation", () => {
  it("publishes the current public key (no private part) over RPC and at GET /api/auth/jwks.json", async () => {
    const rpc = await authRpc().getJwks();
    expect(rpc.keys).toHaveLength(1);
    expect(rpc.keys[0]).toEqual({ kty: "EC", crv: "P-256", x: expect.any(String), y: expect.any(String), kid: "dev-2026-01", alg: "ES256", use: "sig" });
    const http = await call("GET", "/api/auth/jwks.json");
    expect(http.status).toBe(200);
    expect(http.json).toEqual(rpc);
    expect(http.headers.get("cache-control")).toContain("max-age");
  });

  it("keeps tokens of the previous key valid while it is listed, and no longer once it is dropped", async () => {
    const { user } = await registerUser();
    const oldEnv = { AUTH_SIGNING_JWK: testEnv.AUTH_SIGNING_JWK };
    const tokenOfOldKey = (await issueAccessToken(oldEnv, claimsFor(user))).accessToken;
    const next = await otherKey("next-2026-07");
    const oldPublic = (await publicJwks(oldEnv)).keys[0];

    const rotated = { AUTH_SIGNING_JWK: next.json, AUTH_PREVIOUS_PUBLIC_JWKS: JSON.stringify([oldPublic]) };
    const rotatedJwks = await publicJwks(rotated);
    expect(rotatedJwks.keys.map((k) => k.kid)).toEqual(["next-2026-07", "dev-2026-01"]);
    expect(rotatedJwks.keys.every((k) => !("d" in k))).toBe(true);
    const api = () => ({ getJwks: () => publicJwks(rotated), revokedSessionsSince: (c: number) => authRpc().revokedSessionsSince(c) });
    const tokenOfNewKey = (await issueAccessToken(rotated, claimsFor(user))).accessToken;
    const verifier = gatewayVerifier(undefined, api);
    expect(await verifier.verify(tokenOfOldKey)).toMatchObject({ userId: user.id });
    expect(await verifier.verify(tokenOfNewKey)).toMatchObject({ userId: user.id });

    const done = { AUTH_SIGNING_JWK: next.json };
    const after = gatewayVerifier(undefined, () => ({ getJwks: () => publicJwks(done), revokedSessionsSince: (c: number) => authRpc().revokedSessionsSince(c) }));
    expect(await after.verify(tokenOfNewKey)).toMatchObject({ userId: user.id });
    expect(await rejection(after.verify(tokenOfOldKey))).toMatchObject({ status: 401 });
  });

  it("a gateway with a cached JWKS picks up a new kid without waiting for the cache to expire", async () => {
    const { user } = await registerUser();
    const next = await otherKey("rotated-kid");
    let current: { AUTH_SIGNING_JWK: string; AUTH_PREVIOUS_PUBLIC_JWKS?: string } = { AUTH_SIGNING_JWK: testEnv.AUTH_SIGNING_JWK };
    let now = Date.now();
    const verifier = gatewayVerifier(() => now, () => ({ getJwks: () => publicJwks(current), revokedSessionsSince: (c: number) => authRpc().revokedSessionsSince(c) }));
    await verifier.verify((await issueAccessToken(current, claimsFor(user))).accessToken);
    now += 1001;
    current = { AUTH_SIGNING_JWK: next.json, AUTH_PREVIOUS_PUBLIC_JWKS: JSON.stringify((await publicJwks(current)).keys) };
    expect(await verifier.verify((await issueAccessToken(current, claimsFor(user))).accessToken)).toMatchObject({ userId: user.id });
  });

  it("refuses to sign without a configured key, with a message saying where it comes from", async () => {
    await expect(issueAccessToken({ AUTH_SIGNING_JWK: "" }, { userId: "u", email: "e", roles: ["buyer"], sessionId: "s" })).rejects.toThrow(/AUTH_SIGNING_JWK/);
    const pub = (await publicJwks(testEnv)).keys[0];
    await expect(issueAccessToken({ AUTH_SIGNING_JWK: JSON.stringify(pub) }, { userId: "u", email: "e", roles: ["buyer"], sessionId: "s" })).rejects.toThrow(/private JWK/);
  });
});
