import { eq, inArray, lt, sql } from "drizzle-orm";
import { ApiError } from "@tickets/common";
import type { AuthDb } from "../db/client";
import { loginThrottle } from "../db/schema";

/**
 * Brute-force guard for login, on top of the gateway's per-client request rate limit: failed
 * logins are counted in a fixed 15-minute window that starts at the first failure, under three
 * keys: the (account, client address) pair (5), the client address across accounts (20), and
 * the account across addresses (50). At a limit, that key gets 429 until the window ends,
 * without the password being checked. The pair's low limit stops guessing from one place
 * without letting an attacker elsewhere lock the owner out; the account's higher one still caps
 * guessing spread over many addresses. A successful login clears its pair's counter. Counted
 * for unknown emails too, so the answer never reveals whether an account exists.
 */
export const LOGIN_WINDOW_MS = 15 * 60_000;
export const MAX_FAILURES_PER_ACCOUNT_AND_CLIENT = 5;
export const MAX_FAILURES_PER_CLIENT = 20;
export const MAX_FAILURES_PER_ACCOUNT = 50;

export type ThrottleKey = { key: string; limit: number };

const pairKey = (email: string, clientAddress: string | null) => `account-client:${clientAddress ?? "unknown"}:${email}`;

export function throttleKeys(email: string, clientAddress: string | null): ThrottleKey[] {
  const keys = [
    { key: pairKey(email, clientAddress), limit: MAX_FAILURES_PER_ACCOUNT_AND_CLIENT },
    { key: `account:${email}`, limit: MAX_FAILURES_PER_ACCOUNT },
  ];
  if (clientAddress) keys.push({ key: `client:${clientAddress}`, limit: MAX_FAILURES_PER_CLIENT });
  return keys;
}

/** Seconds until the longest active lock on any of these keys ends; 0 when none is locked. */
export async function lockedForSeconds(db: AuthDb, keys: ThrottleKey[], now: number): Promise<number> {
  const rows = await db.select().from(loginThrottle).where(inArray(loginThrottle.key, keys.map((k) => k.key)));
  let wait = 0;
  for (const row of rows) {
    const limit = keys.find((k) => k.key === row.key)!.limit;
    const ends = row.windowStart + LOGIN_WINDOW_MS;
    if (ends > now && row.failures >= limit) wait = Math.max(wait, Math.ceil((ends - now) / 1000));
  }
  return wait;
}

export async function assertNotLocked(db: AuthDb, keys: ThrottleKey[], now: number) {
  const wait = await lockedForSeconds(db, keys, now);
  if (wait > 0) {
    throw new ApiError(429, "rate_limited", "Too many failed sign-in attempts; try again later", { retryAfterSeconds: wait }, {
      "retry-after": String(wait),
    });
  }
}

export async function recordFailure(db: AuthDb, keys: ThrottleKey[], now: number) {
  const windowOver = sql`${loginThrottle.windowStart} <= ${now - LOGIN_WINDOW_MS}`;
  const upserts = keys.map((k) =>
    db
      .insert(loginThrottle)
      .values({ key: k.key, failures: 1, windowStart: now })
      .onConflictDoUpdate({
        target: loginThrottle.key,
        set: {
          failures: sql`CASE WHEN ${windowOver} THEN 1 ELSE ${loginThrottle.failures} + 1 END`,
          windowStart: sql`CASE WHEN ${windowOver} THEN ${now} ELSE ${loginThrottle.windowStart} END`,
        },
      }),
  );
  await db.batch(upserts as [(typeof upserts)[number], ...typeof upserts]);
}

/** A successful login forgets its own (account, address) failures; the other counters run out. */
export const clearPairStatement = (db: AuthDb, email: string, clientAddress: string | null) =>
  db.delete(loginThrottle).where(eq(loginThrottle.key, pairKey(email, clientAddress)));

export const purgeThrottle = (db: AuthDb, now: number) =>
  db.delete(loginThrottle).where(lt(loginThrottle.windowStart, now - LOGIN_WINDOW_MS));
