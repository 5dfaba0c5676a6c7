import { ulid } from "ulid";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { paymentCallbacks } from "../db/schema";

type Db = DrizzleD1Database<Record<string, unknown>>;
const MAX_PARAMS_CHARS = 8_000;

/** The audit-trail row for one IPN or browser return, with what we answered. */
export function callbackInsert(
  db: Db,
  c: { kind: "ipn" | "return"; query: Record<string, string>; verified: boolean; code: string; message: string },
) {
  const orderId = typeof c.query.vnp_TxnRef === "string" ? c.query.vnp_TxnRef.slice(0, 100) : null;
  return db.insert(paymentCallbacks).values({
    id: ulid(),
    kind: c.kind,
    orderId,
    params: JSON.stringify(c.query).slice(0, MAX_PARAMS_CHARS),
    verified: c.verified,
    answerCode: c.code,
    answerMessage: c.message,
    createdAt: Date.now(),
  });
}
