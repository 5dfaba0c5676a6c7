import { inArray, lt } from "drizzle-orm";
import { ulid } from "ulid";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { Logger } from "@tickets/common";
import { paymentCallbacks } from "../db/schema";

type Db = DrizzleD1Database<Record<string, unknown>>;

/** The fields VNPAY sends to the IPN and return URLs: the only ones validated, and the only ones stored. */
export const VNP_FIELDS = [
  "vnp_Amount",
  "vnp_BankCode",
  "vnp_BankTranNo",
  "vnp_CardType",
  "vnp_OrderInfo",
  "vnp_PayDate",
  "vnp_ResponseCode",
  "vnp_TmnCode",
  "vnp_TransactionNo",
  "vnp_TransactionStatus",
  "vnp_TxnRef",
  "vnp_SecureHash",
] as const;
/** VNPAY's own longest field (vnp_OrderInfo) is 255 characters: a stored row stays under ~3.5 KB. */
const MAX_VALUE_CHARS = 255;
export const CALLBACK_RETENTION_MS = 90 * 86_400_000;
/** Rows deleted per cron run (every minute): bounded work per run, ~720,000 a day at most. */
const PRUNE_BATCH = 500;

const storedParams = (query: Record<string, string>) =>
  JSON.stringify(Object.fromEntries(VNP_FIELDS.filter((f) => typeof query[f] === "string").map((f) => [f, query[f].slice(0, MAX_VALUE_CHARS)])));

/**
 * The audit-trail row for one verified IPN or browser return, with what we answered. Unverified
 * calls are never stored (anyone can send them, as fast as the gateway lets them): see
 * noteUnverified.
 */
export function callbackInsert(db: Db, c: { kind: "ipn" | "return"; query: Record<string, string>; code: string; message: string }) {
  return db.insert(paymentCallbacks).values({
    id: ulid(),
    kind: c.kind,
    orderId: typeof c.query.vnp_TxnRef === "string" ? c.query.vnp_TxnRef.slice(0, 100) : null,
    params: storedParams(c.query),
    verified: true,
    answerCode: c.code,
    answerMessage: c.message,
    createdAt: Date.now(),
  });
}

let unverifiedCount = 0;

/** An unverified callback leaves a log line (Workers Logs counts and alerts on it) and this isolate's running count, nothing in D1. */
export function noteUnverified(log: Logger, kind: "ipn" | "return", answer: string, query: Record<string, string>) {
  unverifiedCount++;
  const orderId = typeof query.vnp_TxnRef === "string" ? query.vnp_TxnRef.slice(0, 100) : null;
  log.warn("vnpay_callback_unverified", { kind, answer, orderId, unverifiedCount });
}

/** Deletes up to one batch of callback rows older than the retention period; returns how many. */
export async function pruneCallbacks(db: Db, now: number, batch = PRUNE_BATCH): Promise<number> {
  const expired = db
    .select({ id: paymentCallbacks.id })
    .from(paymentCallbacks)
    .where(lt(paymentCallbacks.createdAt, now - CALLBACK_RETENTION_MS))
    .limit(batch);
  const result = await db.delete(paymentCallbacks).where(inArray(paymentCallbacks.id, expired));
  return result.meta.changes ?? 0;
}
