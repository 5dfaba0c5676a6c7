import { desc, eq } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import {
  InpOrderAlreadyConfirmed,
  IpnFailChecksum,
  IpnInvalidAmount,
  IpnOrderNotFound,
  IpnSuccess,
  type ReturnQueryFromVNPay,
} from "vnpay";
import { paymentAttempts } from "../db/schema";
import type { Env } from "../env";
import { callbackInsert } from "./callbacks";
import { vnpayClient } from "./client";
import { recordPaymentResult } from "./payment-result";

type Db = DrizzleD1Database<Record<string, unknown>>;
export type IpnAnswer = { RspCode: string; Message: string };

export { isPaidResult, isUniqueViolation } from "./payment-result";

/**
 * VNPAY's IPN contract, checks in its documented order: checksum (97) → payment attempt for the
 * TxnRef (01) → amount (04) → already processed (02) → record the outcome with its saga event in
 * one batch (00). Rejections change no payment state; every verified call lands in the audit
 * trail (an unverified one is only counted by the caller: it could come from anyone).
 * Concurrent duplicates race on unique indexes: exactly one records and emits, the others get 02.
 */
export async function handleIpn(
  db: Db,
  env: Env,
  query: Record<string, string>,
): Promise<{ answer: IpnAnswer; emitted: boolean; verified: boolean }> {
  const reject = async (answer: IpnAnswer) => {
    await callbackInsert(db, { kind: "ipn", query, code: answer.RspCode, message: answer.Message });
    return { answer, emitted: false, verified: true };
  };

  let verified = false;
  try {
    verified = vnpayClient(env).verifyIpnCall(query as unknown as ReturnQueryFromVNPay).isVerified;
  } catch {
    // The library throws on a missing or non-numeric vnp_Amount: such a call cannot be genuine.
    verified = false;
  }
  if (!verified) return { answer: IpnFailChecksum, emitted: false, verified: false }; // stored nowhere

  const orderId = query.vnp_TxnRef ?? "";
  const attempt = await db
    .select()
    .from(paymentAttempts)
    .where(eq(paymentAttempts.orderId, orderId))
    .orderBy(desc(paymentAttempts.createdAt))
    .get();
  if (!attempt) return reject(IpnOrderNotFound);

  if (Number(query.vnp_Amount) !== attempt.amountVnd * 100) return reject(IpnInvalidAmount);

  const { recorded } = await recordPaymentResult(db, orderId, attempt, query, [
    callbackInsert(db, { kind: "ipn", query, code: IpnSuccess.RspCode, message: IpnSuccess.Message }),
  ]);
  if (!recorded) return reject(InpOrderAlreadyConfirmed);
  return { answer: IpnSuccess, emitted: true, verified: true };
}
