import { z } from "zod";
import { eq, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { ipnControls } from "../db/schema";

type Db = DrizzleD1Database<Record<string, unknown>>;

/**
 * Emulator-only (no such thing at VNPAY): POST /merchant_webapi/__control `{ipn, txnRef?, times?}`
 * loses IPN deliveries, for one TxnRef or for all, as happens with VNPAY's real IPN:
 * - `drop`: the merchant is not called; the delivery is recorded as unanswered, so the usual
 *   retries follow (each of them also dropped while the control lasts);
 * - `ok`: back to normal.
 * `times`: how many deliveries it drops (default: until reset). The payment itself is recorded
 * as usual, so querydr finds it.
 */
export const ipnControlSchema = z.object({
  ipn: z.enum(["ok", "drop"]),
  txnRef: z.string().min(1).max(100).optional(),
  times: z.number().int().positive().max(1000).optional(),
});
export type IpnControlInput = z.infer<typeof ipnControlSchema>;

export async function setIpnControl(db: Db, input: IpnControlInput) {
  const scope = input.txnRef ?? "*";
  if (input.ipn === "ok") {
    await db.delete(ipnControls).where(eq(ipnControls.scope, scope));
    return { scope, ipn: "ok" as const };
  }
  const row = { mode: input.ipn, remaining: input.times ?? null, createdAt: Date.now() };
  await db.insert(ipnControls).values({ scope, ...row }).onConflictDoUpdate({ target: ipnControls.scope, set: row });
  return { scope, ipn: input.ipn, times: input.times ?? null };
}

/** Whether this delivery is dropped (the TxnRef's control, else the global one), using one up. */
export async function takeIpnDrop(db: Db, txnRef: string): Promise<boolean> {
  for (const scope of [txnRef, "*"]) {
    const taken = await db
      .update(ipnControls)
      .set({ remaining: sql`CASE WHEN ${ipnControls.remaining} IS NULL THEN NULL ELSE ${ipnControls.remaining} - 1 END` })
      .where(sql`${ipnControls.scope} = ${scope} AND (${ipnControls.remaining} IS NULL OR ${ipnControls.remaining} > 0)`)
      .returning({ mode: ipnControls.mode })
      .get();
    if (taken) return true;
  }
  return false;
}
