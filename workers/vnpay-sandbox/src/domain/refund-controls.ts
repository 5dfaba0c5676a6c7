import { z } from "zod";
import { eq, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { refundControls } from "../db/schema";

type Db = DrizzleD1Database<Record<string, unknown>>;

/**
 * Emulator-only (no such thing at VNPAY): POST /merchant_webapi/__control tells the emulator how
 * to answer the next refund requests, for one TxnRef (`txnRef`, an order id) or for all:
 * - `refuse`: a signed answer with `code` (default 99), nothing refunded;
 * - `timeout`: no answer for `delayMs` (default 30 s, longer than the merchant's timeout), then
 *   HTTP 504; nothing refunded and the request id not consumed, as if VNPAY never got it;
 * - `unavailable`: HTTP 503 at once (nothing refunded);
 * - `ok`: back to normal.
 * `times`: how many refund requests it applies to (default: until reset).
 */
export const controlSchema = z.object({
  refund: z.enum(["ok", "refuse", "timeout", "unavailable"]),
  txnRef: z.string().min(1).max(100).optional(),
  times: z.number().int().positive().max(1000).optional(),
  code: z.string().regex(/^\d{2}$/).refine((c) => c !== "00", "a refusal is not 00").optional(),
  delayMs: z.number().int().min(0).max(120_000).optional(),
});
export type RefundControlInput = z.infer<typeof controlSchema>;
export type RefundControl = { mode: "refuse" | "timeout" | "unavailable"; code: string; delayMs: number };

export async function setRefundControl(db: Db, input: RefundControlInput) {
  const scope = input.txnRef ?? "*";
  if (input.refund === "ok") {
    await db.delete(refundControls).where(eq(refundControls.scope, scope));
    return { scope, refund: "ok" as const };
  }
  const row = { mode: input.refund, remaining: input.times ?? null, code: input.code ?? "99", delayMs: input.delayMs ?? 30_000, createdAt: Date.now() };
  await db.insert(refundControls).values({ scope, ...row }).onConflictDoUpdate({ target: refundControls.scope, set: row });
  return { scope, refund: input.refund, times: input.times ?? null, code: row.code, delayMs: row.delayMs };
}

/**
 * Emulator-only: `{api: "unavailable"|"timeout"|"ok", times?, delayMs?}` takes VNPAY's whole
 * transaction API (querydr and refund, any TxnRef) down: HTTP 503 at once, or no answer for
 * `delayMs` then 504, until `ok` (or for `times` requests). Kept as a row of its own scope.
 */
export const apiControlSchema = z.object({
  api: z.enum(["ok", "timeout", "unavailable"]),
  times: z.number().int().positive().max(1000).optional(),
  delayMs: z.number().int().min(0).max(120_000).optional(),
});
const API_SCOPE = "api:*";

export async function setApiControl(db: Db, input: z.infer<typeof apiControlSchema>) {
  if (input.api === "ok") {
    await db.delete(refundControls).where(eq(refundControls.scope, API_SCOPE));
    return { api: "ok" as const };
  }
  const row = { mode: input.api, remaining: input.times ?? null, code: "99", delayMs: input.delayMs ?? 30_000, createdAt: Date.now() };
  await db.insert(refundControls).values({ scope: API_SCOPE, ...row }).onConflictDoUpdate({ target: refundControls.scope, set: row });
  return { api: input.api, times: input.times ?? null, delayMs: row.delayMs };
}

/** The whole-API outage in force, if any (used up by one request when limited). */
export const takeApiControl = (db: Db) => take(db, [API_SCOPE]);

/** The control that applies to this refund request (the TxnRef's, else the global one), used up by one. */
export const takeRefundControl = (db: Db, txnRef: string) => take(db, [txnRef, "*"]);

async function take(db: Db, scopes: string[]): Promise<RefundControl | null> {
  for (const scope of scopes) {
    const taken = await db
      .update(refundControls)
      .set({ remaining: sql`CASE WHEN ${refundControls.remaining} IS NULL THEN NULL ELSE ${refundControls.remaining} - 1 END` })
      .where(sql`${refundControls.scope} = ${scope} AND (${refundControls.remaining} IS NULL OR ${refundControls.remaining} > 0)`)
      .returning({ mode: refundControls.mode, code: refundControls.code, delayMs: refundControls.delayMs })
      .get();
    if (taken) return taken;
  }
  return null;
}
