import { and, desc, eq } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { ulid } from "ulid";
import {
  InpOrderAlreadyConfirmed,
  IpnFailChecksum,
  IpnInvalidAmount,
  IpnOrderNotFound,
  IpnSuccess,
  VnpLocale,
  getResponseByStatusCode,
  type ReturnQueryFromVNPay,
} from "vnpay";
import { makeEvent, outboxInsert } from "@tickets/common";
import { paymentAttempts, paymentResults } from "../db/schema";
import type { Env } from "../env";
import { callbackInsert } from "./callbacks";
import { vnpayClient } from "./client";
import { fromVnpDate } from "./vnpay-date";

type Db = DrizzleD1Database<Record<string, unknown>>;
export type IpnAnswer = { RspCode: string; Message: string };

/** VNPAY signals success with both codes 00; anything else is a failed payment. */
export const isPaidResult = (q: Record<string, string>) => q.vnp_ResponseCode === "00" && q.vnp_TransactionStatus === "00";

export function isUniqueViolation(err: unknown): boolean {
  for (let e = err as { message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.message === "string" && e.message.includes("UNIQUE constraint failed")) return true;
  }
  return false;
}

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

  const success = isPaidResult(query);
  const transactionNo = query.vnp_TransactionNo ?? "";
  const payDate = query.vnp_PayDate ?? "";
  const responseCode = query.vnp_ResponseCode ?? "";
  const found = (where: ReturnType<typeof and>) => db.select({ id: paymentResults.id }).from(paymentResults).where(where).get();
  const alreadyProcessed =
    (await found(and(eq(paymentResults.orderId, orderId), eq(paymentResults.outcome, "succeeded")))) ??
    (success
      ? null
      : await found(
          and(
            eq(paymentResults.orderId, orderId),
            eq(paymentResults.transactionNo, transactionNo),
            eq(paymentResults.payDate, payDate),
            eq(paymentResults.responseCode, responseCode),
          ),
        ));
  if (alreadyProcessed) return reject(InpOrderAlreadyConfirmed);

  const paymentId = ulid();
  const cause = { correlationId: orderId };
  const event = success
    ? makeEvent(
        "PaymentSucceeded",
        {
          orderId,
          paymentId,
          amountVnd: attempt.amountVnd,
          transactionNo,
          paidAt: (fromVnpDate(payDate) ?? new Date()).toISOString(),
        },
        cause,
      )
    : makeEvent(
        "PaymentFailed",
        { orderId, paymentId, responseCode, reason: getResponseByStatusCode(responseCode, VnpLocale.EN) },
        cause,
      );
  try {
    await db.batch([
      db.insert(paymentResults).values({
        id: paymentId,
        orderId,
        outcome: success ? "succeeded" : "failed",
        amountVnd: attempt.amountVnd,
        responseCode,
        transactionStatus: query.vnp_TransactionStatus ?? "",
        transactionNo,
        bankCode: query.vnp_BankCode ?? null,
        cardType: query.vnp_CardType ?? null,
        bankTranNo: query.vnp_BankTranNo ?? null,
        payDate,
        transactionDate: attempt.createDate,
        createdAt: Date.now(),
      }),
      outboxInsert(db, event),
      callbackInsert(db, { kind: "ipn", query, code: IpnSuccess.RspCode, message: IpnSuccess.Message }),
    ]);
  } catch (err) {
    if (isUniqueViolation(err)) return reject(InpOrderAlreadyConfirmed);
    throw err;
  }
  return { answer: IpnSuccess, emitted: true, verified: true };
}
