import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet, type JWTPayload } from "jose";
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, ApiError, roleSchema, type Identity } from "@tickets/common";
import { z } from "zod";

/** What the gateway needs from the auth worker (its AuthRpc entrypoint). */
export interface AuthKeysApi {
  getJwks(): Promise<JSONWebKeySet>;
  revokedSessionsSince(cursor: number): Promise<{ sessions: Array<{ sessionId: string; until: number }>; cursor: number }>;
}

export { ACCESS_TOKEN_ISSUER, ACCESS_TOKEN_AUDIENCE };

const claimsSchema = z.object({
  sub: z.string(),
  email: z.string(),
  roles: z.array(roleSchema),
  sid: z.string(),
});

const JWKS_TTL_MS = 5 * 60_000;
/**
 * Keys not confirmed by the auth worker for this long are no longer trusted: a key withdrawn
 * (e.g. leaked and rotated out) during a long auth outage must not keep verifying tokens.
 * Refused with 503 auth_unavailable, not 401: the token may well be fine, so clients should
 * retry rather than sign in again.
 */
export const JWKS_MAX_AGE_MS = 60 * 60_000;
/** Tokens naming unknown kids (rotation, or garbage) refetch the JWKS at most this often. */
const JWKS_MIN_REFETCH_MS = 1_000;
const REVOCATION_SYNC_MS = 1_000;
/** Without a successful revocation sync for this long, fail closed (503) rather than trust stale data. */
const REVOCATION_MAX_STALENESS_MS = 30_000;

const invalidToken = () => new ApiError(401, "invalid_token", "The access token is invalid");
const authUnavailable = () => new ApiError(503, "auth_unavailable", "Sign-ins cannot be checked right now; try again shortly");

function logError(msg: string, err: unknown) {
  console.error(JSON.stringify({ level: "error", msg, service: "gateway", error: (err as Error)?.message ?? String(err) }));
}

/**
 * Per-isolate verifier state: the auth worker's public keys (refetched every few minutes or
 * when a token names an unknown kid, which is how key rotation reaches us) and the set of
 * revoked sessions whose tokens could still be unexpired (synced incrementally at most once a
 * second, so revocation costs one small RPC per second per isolate, not one per request).
 * If the auth worker cannot be reached, cached keys and the last revocation set keep serving
 * for a short while; an isolate that has never synced, is 30 s behind on revocations, or whose
 * keys are over an hour unconfirmed, answers 503.
 */
export class TokenVerifier {
  private jwks: ReturnType<typeof createLocalJWKSet> | null = null;
  private kids = new Set<string>();
  private jwksAt = 0;
  private jwksAttemptAt = Number.NEGATIVE_INFINITY;
  private jwksLoading: Promise<void> | null = null;
  private revoked = new Map<string, number>();
  private cursor = 0;
  private syncedAt = Number.NEGATIVE_INFINITY;
  private syncAttemptAt = Number.NEGATIVE_INFINITY;
  private syncing: Promise<void> | null = null;

  constructor(
    private readonly auth: () => AuthKeysApi,
    private readonly clock: () => number = Date.now,
  ) {}

  private loadKeys(): Promise<void> {
    this.jwksLoading ??= (async () => {
      this.jwksAttemptAt = this.clock();
      try {
        const set = await this.auth().getJwks();
        this.kids = new Set(set.keys.map((k) => k.kid ?? ""));
        this.jwks = createLocalJWKSet(set);
        this.jwksAt = this.clock();
      } catch (err) {
        logError("jwks_fetch_failed", err);
      } finally {
        this.jwksLoading = null;
      }
    })();
    return this.jwksLoading;
  }

  private async keys(kid: string) {
    if (this.jwksLoading) await this.jwksLoading;
    const now = this.clock();
    const needed = !this.jwks || now - this.jwksAt > JWKS_TTL_MS || !this.kids.has(kid);
    if (needed && now - this.jwksAttemptAt >= JWKS_MIN_REFETCH_MS) await this.loadKeys();
    if (!this.jwks || this.clock() - this.jwksAt > JWKS_MAX_AGE_MS) throw authUnavailable();
    return this.jwks;
  }

  private async syncRevocations() {
    if (!this.syncing && this.clock() - this.syncAttemptAt >= REVOCATION_SYNC_MS) {
      this.syncing = (async () => {
        this.syncAttemptAt = this.clock();
        try {
          const { sessions, cursor } = await this.auth().revokedSessionsSince(this.cursor);
          for (const s of sessions) this.revoked.set(s.sessionId, Math.max(s.until, this.revoked.get(s.sessionId) ?? 0));
          this.cursor = cursor;
          this.syncedAt = this.clock();
          for (const [sid, until] of this.revoked) if (until < this.syncedAt) this.revoked.delete(sid);
        } catch (err) {
          logError("revocation_sync_failed", err);
        } finally {
          this.syncing = null;
        }
      })();
    }
    if (this.syncing) await this.syncing;
    if (this.clock() - this.syncedAt > REVOCATION_MAX_STALENESS_MS) throw authUnavailable();
  }

  /** The gateway saw this session log out: reject its tokens here at once. */
  markRevoked(sessionId: string, until = this.clock() + 60 * 60_000) {
    this.revoked.set(sessionId, until);
  }

  async verify(token: string): Promise<Identity> {
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw invalidToken();
    }
    if (!kid) throw invalidToken(); // every token the auth worker signs names its key
    const keys = await this.keys(kid);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: ACCESS_TOKEN_ISSUER,
        audience: ACCESS_TOKEN_AUDIENCE,
        algorithms: ["ES256"],
        requiredClaims: ["exp", "sub", "sid"],
        currentDate: new Date(this.clock()),
      }));
    } catch (err) {
      const expired = (err as { code?: string }).code === "ERR_JWT_EXPIRED";
      if (expired) throw new ApiError(401, "token_expired", "The access token has expired");
      throw invalidToken();
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) throw invalidToken();
    await this.syncRevocations();
    if (this.revoked.has(claims.data.sid)) throw new ApiError(401, "token_revoked", "The session has been signed out");
    return { userId: claims.data.sub, email: claims.data.email, roles: claims.data.roles, sessionId: claims.data.sid };
  }
}
