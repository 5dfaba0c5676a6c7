import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { idempotencyKeys, type IdempotencyRow } from "../db/schema";
import type { StoredError } from "./hold-errors";

/**
 * Claims (buyer, key) for a new order id. The primary key makes exactly one concurrent caller
 * win; the others find the winner's row.
 */
export async function claimKey(db: Db, buyerId: string, key: string, bodyHash: string, orderId: string): Promise<boolean> {
  const now = Date.now();
  const res = await db
    .insert(idempotencyKeys)
    .values({ buyerId, key, bodyHash, orderId, status: "pending", createdAt: now, updatedAt: now })
    .onConflictDoNothing()
    .run();
  return res.meta.changes > 0;
}

export function readKey(db: Db, buyerId: string, key: string): Promise<IdempotencyRow | undefined> {
  return db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.buyerId, buyerId), eq(idempotencyKeys.key, key)))
    .get();
}

const pendingClaim = (buyerId: string, key: string, orderId: string) =>
  and(
    eq(idempotencyKeys.buyerId, buyerId),
    eq(idempotencyKeys.key, key),
    eq(idempotencyKeys.orderId, orderId),
    eq(idempotencyKeys.status, "pending"),
  );

/** The claim's order was written: in the same batch as the order itself. */
export const markKeyDone = (db: Db, buyerId: string, key: string, orderId: string) =>
  db.update(idempotencyKeys).set({ status: "done", updatedAt: Date.now() }).where(pendingClaim(buyerId, key, orderId));

/** The hold was refused: the same retry gets the same answer. */
export async function markKeyFailed(db: Db, buyerId: string, key: string, orderId: string, error: StoredError) {
  await db
    .update(idempotencyKeys)
    .set({ status: "failed", error: JSON.stringify(error), updatedAt: Date.now() })
    .where(pendingClaim(buyerId, key, orderId));
}

/** Something broke before anything was decided: free the key so a retry starts afresh. */
export async function releaseKey(db: Db, buyerId: string, key: string, orderId: string) {
  await db.delete(idempotencyKeys).where(pendingClaim(buyerId, key, orderId));
}

/** Takes over a claim whose holder went silent (crashed mid-request); one caller wins. */
export async function takeOverStaleClaim(db: Db, row: IdempotencyRow): Promise<boolean> {
  const res = await db
    .update(idempotencyKeys)
    .set({ updatedAt: Date.now() })
    .where(and(pendingClaim(row.buyerId, row.key, row.orderId), eq(idempotencyKeys.updatedAt, row.updatedAt)))
    .run();
  return res.meta.changes > 0;
}
