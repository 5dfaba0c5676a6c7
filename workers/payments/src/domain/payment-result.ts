import { and, eq } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { ulid } from "ulid";
import { VnpLocale, getResponseByStatusCode } from "vnpay";
import { makeEvent, outboxInsert } from "@tickets/common";
import { paymentAttempts, paymentResults } from "../db/schema";
import { fromVnpDate } from "./vnpay-date";

type Db = DrizzleD1Database<Record<string, unknown>>;
type Attempt = Pick<typeof paymentAttempts.$inferSelect, "amountVnd" | "createDate">;

/** VNPAY signals success with both codes 00; anything else is a failed payment. */
export const isPaidResult = (q: Record<string, string>) => q.vnp_ResponseCode === "00" && q.vnp_TransactionStatus === "00";

export function isUniqueViolation(err: unknown): boolean {
  for (let e = err as { message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.message === "string" && e.message.includes("UNIQUE constraint failed")) return true;
  }
  return false;
}

/**
 * Records a VNPAY payment outcome (from a verified IPN, or from a verified querydr when the IPN
 * was lost) with its PaymentSucceeded/PaymentFailed outbox row in one batch, together with the
 * caller's own audit statements. Already processed (a success recorded for the order, or this
 * very failure) → nothing written, `recorded: false`. Concurrent callers race on unique indexes:
 * exactly one records and emits.
 */
export async function recordPaymentResult(
  db: Db,
  orderId: string,
  attempt: Attempt,
  result: Record<string, string>,
  audit: BatchItem<"sqlite">[],
  reason?: string,
): Promise<{ recorded: boolean }> {
  const success = isPaidResult(result);
  const transactionNo = result.vnp_TransactionNo ?? "";
  const payDate = result.vnp_PayDate ?? "";
  const responseCode = result.vnp_ResponseCode ?? "";
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
  if (alreadyProcessed) return { recorded: false };

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
        { orderId, paymentId, responseCode, reason: reason ?? getResponseByStatusCode(responseCode, VnpLocale.EN) },
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
        transactionStatus: result.vnp_TransactionStatus ?? "",
        transactionNo,
        bankCode: result.vnp_BankCode ?? null,
        cardType: result.vnp_CardType ?? null,
        bankTranNo: result.vnp_BankTranNo ?? null,
        payDate,
        transactionDate: attempt.createDate,
        createdAt: Date.now(),
      }),
      outboxInsert(db, event),
      ...audit,
    ]);
  } catch (err) {
    if (isUniqueViolation(err)) return { recorded: false };
    throw err;
  }
  return { recorded: true };
}
