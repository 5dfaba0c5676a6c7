import { z } from "zod";
import type { MiddlewareHandler } from "hono";
import { ApiError, errors } from "./errors";

export const roleSchema = z.enum(["buyer", "organizer", "admin"]);
export type Role = z.infer<typeof roleSchema>;

/** The authenticated caller, as the gateway established it from a verified access token. */
export const identitySchema = z.object({
  userId: z.string(),
  email: z.string(),
  roles: z.array(roleSchema),
  sessionId: z.string(),
});
export type Identity = z.infer<typeof identitySchema>;

/** Access-token claims the auth worker issues and the gateway verifies. */
export const ACCESS_TOKEN_ISSUER = "tickets-auth";
export const ACCESS_TOKEN_AUDIENCE = "tickets-api";

export const IDENTITY_HEADER = "x-identity";
export const IDENTITY_SIG_HEADER = "x-identity-sig";
export const PUBLIC_ORIGIN_HEADER = "x-public-origin";

import { b64url, fromB64url, hmacKey } from "./hmac";

const encoder = new TextEncoder();

/** A signed identity is good for this long after the gateway signed it (and no earlier: clock skew aside). */
export const IDENTITY_MAX_AGE_MS = 60_000;
const IDENTITY_MAX_SKEW_MS = 5_000;

/** What the header carries: the identity, the one service it is for, and when it was signed (ms). */
const signedIdentitySchema = identitySchema.extend({ aud: z.string(), iat: z.number() });

/**
 * Identity travels gateway → service as a header signed with INTERNAL_AUTH_SECRET, so even a
 * request that reached a service some other way could not claim to be someone. It names its
 * audience (the service it was forwarded to) and its signing time, so a header seen on its way
 * to one worker can neither be replayed to another nor kept for later.
 */
export async function signIdentity(identity: Identity, secret: string, audience: string, now = Date.now()): Promise<Record<string, string>> {
  const payload = b64url(encoder.encode(JSON.stringify({ ...identity, aud: audience, iat: now })));
  const sig = await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(payload));
  return { [IDENTITY_HEADER]: payload, [IDENTITY_SIG_HEADER]: b64url(sig) };
}

export async function verifyIdentity(headers: Headers, secret: string, audience: string, now = Date.now()): Promise<Identity | null> {
  const payload = headers.get(IDENTITY_HEADER);
  const sig = headers.get(IDENTITY_SIG_HEADER);
  if (!payload || !sig) return null;
  let claims: z.infer<typeof signedIdentitySchema>;
  try {
    if (!(await crypto.subtle.verify("HMAC", await hmacKey(secret), fromB64url(sig), encoder.encode(payload)))) return null;
    const parsed = signedIdentitySchema.safeParse(JSON.parse(new TextDecoder().decode(fromB64url(payload))));
    if (!parsed.success) return null;
    claims = parsed.data;
  } catch {
    return null;
  }
  if (claims.aud !== audience) return null;
  if (now - claims.iat > IDENTITY_MAX_AGE_MS || claims.iat - now > IDENTITY_MAX_SKEW_MS) return null;
  const { aud: _aud, iat: _iat, ...identity } = claims;
  return identity;
}

export type AuthVariables = { identity: Identity | null };

/** Reads the signed identity header (if any, and meant for `service`) into c.var.identity. Never trusts unsigned headers. */
export function identityFromGateway(service: string): MiddlewareHandler<{
  Bindings: { INTERNAL_AUTH_SECRET: string };
  Variables: AuthVariables;
}> {
  return async (c, next) => {
    c.set("identity", await verifyIdentity(c.req.raw.headers, c.env.INTERNAL_AUTH_SECRET, service));
    await next();
  };
}

export function requireIdentity(identity: Identity | null | undefined): Identity {
  if (!identity) throw errors.unauthorized();
  return identity;
}

export function requireRole(identity: Identity | null | undefined, ...roles: Role[]): Identity {
  const who = requireIdentity(identity);
  if (!roles.some((r) => who.roles.includes(r))) {
    throw new ApiError(403, "forbidden", `This needs the ${roles.join(" or ")} role`);
  }
  return who;
}

export const isAdmin = (identity: Identity | null | undefined) => !!identity?.roles.includes("admin");

/** Route middleware: refuses anonymous callers before the request is validated (401 beats 400). */
export const signedIn: MiddlewareHandler = async (c, next) => {
  requireIdentity(c.get("identity" as never));
  await next();
};
