import { SignJWT } from "jose";
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, type Role } from "@tickets/common";
import { signingKey } from "./keys";
import type { Env } from "../env";

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;

export type AccessClaims = { userId: string; email: string; roles: Role[]; sessionId: string };

/** A short-lived ES256 JWT the gateway verifies locally with the published JWKS. */
export async function issueAccessToken(
  env: Pick<Env, "AUTH_SIGNING_JWK">,
  claims: AccessClaims,
  now = Date.now(),
): Promise<{ accessToken: string; expiresAt: number }> {
  const key = await signingKey(env);
  const iat = Math.floor(now / 1000);
  const exp = accessExpiry(now) / 1000;
  const accessToken = await new SignJWT({ email: claims.email, roles: claims.roles, sid: claims.sessionId })
    .setProtectedHeader({ alg: "ES256", kid: key.kid, typ: "JWT" })
    .setIssuer(ACCESS_TOKEN_ISSUER)
    .setAudience(ACCESS_TOKEN_AUDIENCE)
    .setSubject(claims.userId)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(key.privateKey);
  return { accessToken, expiresAt: exp * 1000 };
}

/** The `exp` (in ms) of a token issued at `now`, as issueAccessToken computes it. */
export const accessExpiry = (now: number) => (Math.floor(now / 1000) + ACCESS_TOKEN_TTL_SECONDS) * 1000;
