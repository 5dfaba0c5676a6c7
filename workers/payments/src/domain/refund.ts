import { z } from "zod";
import { and, desc, eq } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { ulid } from "ulid";
import { REFUND_RESPONSE_MAP, VnpLocale, getResponseByStatusCode } from "vnpay";
import { paymentRefunds, paymentResults } from "../db/schema";
import type { Env } from "../env";
import { asciiOrderInfo } from "./order-info";
import { queryDr, requestRefund, type VnpayTransport } from "./vnpay-api";

type Db = DrizzleD1Database<Record<string, unknown>>;

export const refundInput = z.object({
  orderId: z.string().min(1).max(100),
  amountVnd: z.number().int().positive(),
  reason: z.string().max(2000),
  requestedBy: z.string().min(1).max(200),
});
export type RefundInput = z.infer<typeof refundInput>;
export type RefundOutcome = { status: "succeeded" | "failed"; responseCode: string; message: string };

const failed = (responseCode: string, message?: string): RefundOutcome => ({
  status: "failed",
  responseCode,
  message: message || getResponseByStatusCode(responseCode, VnpLocale.EN, REFUND_RESPONSE_MAP),
});

/** Transaction statuses a querydr reports once VNPAY has taken a refund of that payment. */
const REFUND_UNDER_WAY = new Set(["05", "06"]);

/**
 * Refunds an order's successful VNPAY payment (full when the amount is what was paid, else
 * partial). Idempotent per order once succeeded. Only a verified "00" counts as success; a "94"
 * (VNPAY already has a refund for it, e.g. our earlier call's answer was lost) is settled with a
 * verified querydr. Every request and its answer are kept in payment_refunds.
 */
export async function refundPayment(db: Db, env: Env, transport: VnpayTransport, raw: RefundInput, now = new Date()): Promise<RefundOutcome> {
  const parsed = refundInput.safeParse(raw);
  if (!parsed.success) throw new TypeError(`refund: ${z.prettifyError(parsed.error)}`);
  const input = parsed.data;
  const payment = await db
    .select()
    .from(paymentResults)
    .where(and(eq(paymentResults.orderId, input.orderId), eq(paymentResults.outcome, "succeeded")))
    .get();
  if (!payment) return failed("91", "No successful payment is recorded for this order");

  const done = await db
    .select()
    .from(paymentRefunds)
    .where(and(eq(paymentRefunds.orderId, input.orderId), eq(paymentRefunds.status, "succeeded")))
    .orderBy(desc(paymentRefunds.createdAt))
    .get();
  if (done) return { status: "succeeded", responseCode: "00", message: "Already refunded" };
  if (input.amountVnd > payment.amountVnd) return failed("03", "The refund amount exceeds the amount paid");

  const id = ulid();
  const requestId = ulid();
  const transactionType = input.amountVnd === payment.amountVnd ? "02" : "03";
  const orderInfo = asciiOrderInfo(`Hoan tien don hang ${input.orderId} ${input.reason}`, `Hoan tien don hang ${input.orderId}`);
  await db.insert(paymentRefunds).values({
    id,
    orderId: input.orderId,
    paymentId: payment.id,
    requestId,
    amountVnd: input.amountVnd,
    transactionType,
    reason: input.reason,
    requestedBy: input.requestedBy,
    status: "pending",
    createdAt: now.getTime(),
    updatedAt: now.getTime(),
  });

  let outcome: RefundOutcome;
  let response: unknown = null;
  try {
    const res = await requestRefund(env, transport, {
      requestId,
      txnRef: input.orderId,
      amountVnd: input.amountVnd,
      transactionType,
      transactionNo: payment.transactionNo,
      transactionDate: payment.transactionDate,
      createBy: input.requestedBy,
      orderInfo,
    }, now);
    response = res.body;
    if (res.verified && res.responseCode === "00") {
      outcome = { status: "succeeded", responseCode: "00", message: res.message || "Refund accepted by VNPAY" };
    } else if (res.verified && res.responseCode === "94") {
      const q = await queryDr(env, transport, { txnRef: input.orderId, transactionDate: payment.transactionDate, orderInfo }, now);
      response = { refund: res.body, querydr: q.body };
      outcome =
        q.verified && q.responseCode === "00" && REFUND_UNDER_WAY.has(String(q.body.vnp_TransactionStatus))
          ? { status: "succeeded", responseCode: "00", message: "VNPAY already has a refund of this payment under way" }
          : failed("94", res.message);
    } else {
      outcome = failed(res.responseCode, res.message);
    }
  } catch (err) {
    outcome = failed("99", `VNPAY refund call failed: ${(err as Error).message}`);
  }

  await db
    .update(paymentRefunds)
    .set({
      status: outcome.status,
      responseCode: outcome.responseCode,
      message: outcome.message,
      response: response === null ? null : JSON.stringify(response).slice(0, 8_000),
      updatedAt: Date.now(),
    })
    .where(eq(paymentRefunds.id, id));
  return outcome;
}
