import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from "jose";
import { ApiError, roleSchema, type Identity } from "@tickets/common";
import { z } from "zod";

/** What the gateway needs from the auth worker (its AuthRpc entrypoint). */
export interface AuthKeysApi {
  getJwks(): Promise<JSONWebKeySet>;
  revokedSessionsSince(cursor: number): Promise<{ sessions: Array<{ sessionId: string; until: number }>; cursor: number }>;
}

export const ACCESS_TOKEN_ISSUER = "tickets-auth";
export const ACCESS_TOKEN_AUDIENCE = "tickets-api";

const claimsSchema = z.object({
  sub: z.string(),
  email: z.string(),
  roles: z.array(roleSchema),
  sid: z.string(),
});

const JWKS_TTL_MS = 5 * 60_000;
const REVOCATION_SYNC_MS = 1_000;

/**
 * Per-isolate verifier state: the auth worker's public keys (refetched every few minutes or
 * when a token names an unknown kid, which is how key rotation reaches us) and the set of
 * revoked sessions whose tokens could still be unexpired (synced incrementally at most once a
 * second, so revocation costs one small RPC per second per isolate, not one per request).
 */
export class TokenVerifier {
  private jwks: ReturnType<typeof createLocalJWKSet> | null = null;
  private kids = new Set<string>();
  private jwksAt = 0;
  private revoked = new Map<string, number>();
  private cursor = 0;
  private syncedAt = 0;
  private syncing: Promise<void> | null = null;

  constructor(private readonly auth: () => AuthKeysApi) {}

  private async keys(kid: string | undefined) {
    const stale = Date.now() - this.jwksAt > JWKS_TTL_MS;
    if (!this.jwks || stale || (kid && !this.kids.has(kid))) {
      const set = await this.auth().getJwks();
      this.kids = new Set(set.keys.map((k) => k.kid ?? ""));
      this.jwks = createLocalJWKSet(set);
      this.jwksAt = Date.now();
    }
    return this.jwks;
  }

  private async syncRevocations() {
    if (Date.now() - this.syncedAt < REVOCATION_SYNC_MS) return;
    this.syncing ??= (async () => {
      try {
        const { sessions, cursor } = await this.auth().revokedSessionsSince(this.cursor);
        for (const s of sessions) this.revoked.set(s.sessionId, s.until);
        this.cursor = cursor;
        this.syncedAt = Date.now();
        const now = Date.now();
        for (const [sid, until] of this.revoked) if (until < now) this.revoked.delete(sid);
      } finally {
        this.syncing = null;
      }
    })();
    await this.syncing;
  }

  /** The gateway saw this session log out: reject its tokens here at once. */
  markRevoked(sessionId: string, until = Date.now() + 60 * 60_000) {
    this.revoked.set(sessionId, until);
  }

  async verify(token: string): Promise<Identity> {
    let payload: JWTPayload;
    try {
      const kid = JSON.parse(atob(token.split(".")[0].replace(/-/g, "+").replace(/_/g, "/"))).kid as string | undefined;
      const keys = await this.keys(kid);
      ({ payload } = await jwtVerify(token, keys, {
        issuer: ACCESS_TOKEN_ISSUER,
        audience: ACCESS_TOKEN_AUDIENCE,
        algorithms: ["ES256"],
      }));
    } catch (err) {
      const expired = (err as { code?: string }).code === "ERR_JWT_EXPIRED";
      throw new ApiError(401, expired ? "token_expired" : "invalid_token", expired ? "The access token has expired" : "The access token is invalid");
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) throw new ApiError(401, "invalid_token", "The access token is invalid");
    await this.syncRevocations();
    if (this.revoked.has(claims.data.sid)) throw new ApiError(401, "token_revoked", "The session has been signed out");
    return { userId: claims.data.sub, email: claims.data.email, roles: claims.data.roles, sessionId: claims.data.sid };
  }
}
