import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { ReturnQueryFromVNPay } from "vnpay";
import type { Env } from "../env";
import { callbackInsert } from "./callbacks";
import { vnpayClient } from "./client";
import { isPaidResult } from "./ipn";

type Db = DrizzleD1Database<Record<string, unknown>>;

/**
 * The payer's browser coming back from VNPAY. Only the signature is checked and a verified
 * visit recorded: the payment's state changes through the IPN alone (the return may be forged by a
 * replay, arrive first, or never arrive).
 */
export async function handleReturn(
  db: Db,
  env: Env,
  query: Record<string, string>,
  origin: string,
): Promise<{ verified: true; location: string } | { verified: false }> {
  let verified = false;
  try {
    verified = vnpayClient(env).verifyReturnUrl(query as unknown as ReturnQueryFromVNPay).isVerified;
  } catch {
    verified = false;
  }
  if (!verified || !query.vnp_TxnRef) return { verified: false }; // stored nowhere: counted by the caller
  const outcome = isPaidResult(query) ? "success" : "failed";
  const location = `${origin.replace(/\/+$/, "")}/orders/${encodeURIComponent(query.vnp_TxnRef)}?payment=${outcome}`;
  await callbackInsert(db, { kind: "return", query, code: "302", message: `redirect payment=${outcome}` });
  return { verified: true, location };
}
