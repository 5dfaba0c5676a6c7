import { and, asc, eq, gt, isNotNull, lt, or, sql } from "drizzle-orm";
import type { AuthDb } from "../db/client";
import { refreshTokens, revokedSessions, sessions } from "../db/schema";
import { sha256Hex, toBase64Url } from "./encoding";

/** A refresh token lives 30 days; every use replaces it (and slides the session along). */
export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 3600_000;

export type RevokeReason = "logout" | "refresh_reuse";

function newRefreshToken(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

/** Statements that open a session (a new refresh-token family); run them in the caller's batch. */
export async function openSession(
  db: AuthDb,
  s: { sessionId: string; userId: string; accessExpiresAt: number; now: number },
) {
  const refreshToken = newRefreshToken();
  const expiresAt = s.now + REFRESH_TOKEN_TTL_MS;
  const statements = [
    db.insert(sessions).values({
      id: s.sessionId,
      userId: s.userId,
      createdAt: s.now,
      lastUsedAt: s.now,
      expiresAt,
      accessExpiresAt: s.accessExpiresAt,
    }),
    db.insert(refreshTokens).values({ tokenHash: await sha256Hex(refreshToken), sessionId: s.sessionId, createdAt: s.now, expiresAt }),
  ] as const;
  return { refreshToken, statements };
}

export type RotateResult =
  | { ok: true; sessionId: string; userId: string; refreshToken: string }
  | { ok: false; reason: "unknown" | "expired" | "revoked" | "reused" };

/**
 * Spends a refresh token and mints its successor in one atomic batch. The spend is a guarded
 * update (unused, unexpired, live session), and the successor and the session's new access
 * expiry are written only if that very spend happened, so two racing uses of one token can
 * never both succeed: the loser is treated as reuse, i.e. theft, and the family is revoked.
 */
export async function rotateRefreshToken(
  db: AuthDb,
  presented: string,
  opts: { now: number; accessExpiresAt: number },
): Promise<RotateResult> {
  const { now, accessExpiresAt } = opts;
  const oldHash = await sha256Hex(presented);
  const refreshToken = newRefreshToken();
  const newHash = await sha256Hex(refreshToken);
  const expiresAt = now + REFRESH_TOKEN_TTL_MS;
  // Raw statements: drizzle cannot batch parameterised raw SQL, and the guards need INSERT … SELECT.
  const d1 = db.$client;
  const [spend, , , owner] = await d1.batch([
    d1
      .prepare(
        `UPDATE refresh_tokens SET used_at = ?1, replaced_by = ?2
         WHERE token_hash = ?3 AND used_at IS NULL AND expires_at > ?1
           AND session_id IN (SELECT id FROM sessions WHERE revoked_at IS NULL)`,
      )
      .bind(now, newHash, oldHash),
    d1
      .prepare(
        `INSERT INTO refresh_tokens (token_hash, session_id, created_at, expires_at)
         SELECT ?1, session_id, ?2, ?3 FROM refresh_tokens WHERE token_hash = ?4 AND replaced_by = ?1`,
      )
      .bind(newHash, now, expiresAt, oldHash),
    d1
      .prepare(
        `UPDATE sessions SET last_used_at = ?1, expires_at = ?2, access_expires_at = max(access_expires_at, ?3)
         WHERE id = (SELECT session_id FROM refresh_tokens WHERE token_hash = ?4)`,
      )
      .bind(now, expiresAt, accessExpiresAt, newHash),
    d1
      .prepare(
        `SELECT s.id AS sessionId, s.user_id AS userId FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id
         WHERE t.token_hash = ?1`,
      )
      .bind(newHash),
  ]);
  const winner = owner.results[0] as { sessionId: string; userId: string } | undefined;
  if (spend.meta.changes === 1 && winner) return { ok: true, ...winner, refreshToken };

  const row = await db
    .select({ sessionId: refreshTokens.sessionId, usedAt: refreshTokens.usedAt, expiresAt: refreshTokens.expiresAt, revokedAt: sessions.revokedAt })
    .from(refreshTokens)
    .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
    .where(eq(refreshTokens.tokenHash, oldHash))
    .get();
  if (!row) return { ok: false, reason: "unknown" };
  if (row.usedAt !== null) {
    await revokeSession(db, row.sessionId, "refresh_reuse", now);
    return { ok: false, reason: "reused" };
  }
  return { ok: false, reason: row.revokedAt !== null ? "revoked" : "expired" };
}

/**
 * Revokes a session (its refresh family) and appends it to the revocation feed with `until` =
 * the expiry of the last access token issued for it; after that the gateway can forget it.
 * Idempotent. With `userId`, only that user's session is touched.
 */
export async function revokeSession(db: AuthDb, sessionId: string, reason: RevokeReason, now: number, userId?: string) {
  const d1 = db.$client;
  const owner = userId ?? null;
  const [update] = await d1.batch([
    d1
      .prepare(
        `UPDATE sessions SET revoked_at = ?1, revoked_reason = ?2
         WHERE id = ?3 AND revoked_at IS NULL AND (?4 IS NULL OR user_id = ?4)`,
      )
      .bind(now, reason, sessionId, owner),
    d1
      .prepare(
        `INSERT OR IGNORE INTO revoked_sessions (session_id, revoked_at, until)
         SELECT id, ?1, access_expires_at FROM sessions
         WHERE id = ?2 AND revoked_at IS NOT NULL AND (?3 IS NULL OR user_id = ?3)`,
      )
      .bind(now, sessionId, owner),
  ]);
  return update.meta.changes === 1;
}

/** Whether a session exists for that user and is not revoked. */
export async function sessionIsLive(db: AuthDb, sessionId: string, userId: string): Promise<boolean> {
  const row = await db
    .select({ revokedAt: sessions.revokedAt })
    .from(sessions)
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId)))
    .get();
  return !!row && row.revokedAt === null;
}

const FEED_PAGE = 1000;

/**
 * The revocation feed: sessions revoked after `cursor` whose access tokens may still be
 * unexpired. The cursor is the feed's sequence number (0 = everything still relevant). A
 * cursor ahead of the feed (its database was reset) starts over from 0.
 */
export async function revokedSessionsSince(db: AuthDb, cursor: number, now: number) {
  const from = Number.isSafeInteger(cursor) && cursor > 0 ? cursor : 0;
  const [rows, [{ top }]] = await db.batch([
    db
      .select({ seq: revokedSessions.seq, sessionId: revokedSessions.sessionId, until: revokedSessions.until })
      .from(revokedSessions)
      .where(and(gt(revokedSessions.seq, from), gt(revokedSessions.until, now)))
      .orderBy(asc(revokedSessions.seq))
      .limit(FEED_PAGE),
    db.select({ top: sql<number>`coalesce(max(${revokedSessions.seq}), 0)` }).from(revokedSessions),
  ]);
  if (from > top) return revokedSessionsSince(db, 0, now);
  const next = rows.length === FEED_PAGE ? rows[rows.length - 1].seq : Math.max(from, top);
  return { sessions: rows.map(({ sessionId, until }) => ({ sessionId, until })), cursor: next };
}

/** Cron housekeeping: forget what can no longer matter. */
export async function purgeExpiredSessions(db: AuthDb, now: number) {
  await db.batch([
    db.delete(revokedSessions).where(lt(revokedSessions.until, now - 3600_000)),
    db.delete(refreshTokens).where(lt(refreshTokens.expiresAt, now)),
    db
      .delete(sessions)
      .where(or(lt(sessions.expiresAt, now), and(isNotNull(sessions.revokedAt), lt(sessions.accessExpiresAt, now - 3600_000)))),
  ]);
}
