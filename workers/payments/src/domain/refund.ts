import { z } from "zod";
import { and, eq } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { ulid } from "ulid";
import { REFUND_RESPONSE_MAP, VnpLocale, getResponseByStatusCode } from "vnpay";
import { paymentRefunds, paymentResults } from "../db/schema";
import type { Env } from "../env";
import { asciiOrderInfo } from "./order-info";
import { queryDr, requestRefund, type VnpayTransport } from "./vnpay-api";

type Db = DrizzleD1Database<Record<string, unknown>>;
type PaymentRefundRow = typeof paymentRefunds.$inferSelect;

export const refundInput = z.object({
  /** The refunds worker's refund id: a call repeated with it never sends a second refund to VNPAY. */
  refundId: z.string().min(1).max(100),
  orderId: z.string().min(1).max(100),
  amountVnd: z.number().int().positive(),
  reason: z.string().max(2000),
  requestedBy: z.string().min(1).max(200),
});
export type RefundInput = z.infer<typeof refundInput>;
/**
 * `retryable`: VNPAY's decision is unknown (timeout, network, HTTP 5xx) or another refund of the
 * order is still in flight; the same call may be made again later. Otherwise `failed` is final.
 */
export type RefundOutcome = { status: "succeeded" | "failed"; responseCode: string; message: string; retryable: boolean };

const failed = (responseCode: string, message?: string): RefundOutcome => ({
  status: "failed",
  responseCode,
  message: message || getResponseByStatusCode(responseCode, VnpLocale.EN, REFUND_RESPONSE_MAP),
  retryable: false,
});
const retryLater = (message: string): RefundOutcome => ({ status: "failed", responseCode: "99", message, retryable: true });

/** Transaction statuses a querydr reports once VNPAY has taken a refund of that payment. */
const REFUND_UNDER_WAY = new Set(["05", "06"]);

/**
 * Refunds (part of) an order's successful VNPAY payment, exactly once per `refundId`:
 * - a refund already succeeded answers success without calling VNPAY;
 * - a request whose answer was never learned (timeout, crash) is sent again with the SAME
 *   vnp_RequestId, so VNPAY sees a duplicate (94, settled by a verified querydr) rather than a
 *   second refund;
 * - a new request is recorded by a guarded insert: at most one request in flight per order
 *   (partial unique index) and never more than was paid in total, counting refunds in flight.
 * Only a verified "00" counts as success. Every request and its answer stay in payment_refunds.
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

  const earlier = await db.select().from(paymentRefunds).where(eq(paymentRefunds.refundId, input.refundId)).all();
  if (earlier.some((r) => r.status === "succeeded")) return { status: "succeeded", responseCode: "00", message: "Already refunded", retryable: false };
  const request = earlier.find((r) => r.status === "pending") ?? (await recordRequest(db, env.DB, input, payment, now));
  if ("refused" in request) return request.refused;

  const orderInfo = asciiOrderInfo(`Hoan tien don hang ${input.orderId} ${request.reason}`, `Hoan tien don hang ${input.orderId}`);
  let outcome: RefundOutcome;
  let response: unknown = null;
  try {
    const res = await requestRefund(env, transport, {
      requestId: request.requestId,
      txnRef: input.orderId,
      amountVnd: request.amountVnd,
      transactionType: request.transactionType as "02" | "03",
      transactionNo: payment.transactionNo,
      transactionDate: payment.transactionDate,
      createBy: request.requestedBy,
      orderInfo,
    }, now);
    response = res.body;
    if (res.verified && res.responseCode === "00") {
      outcome = { status: "succeeded", responseCode: "00", message: res.message || "Refund accepted by VNPAY", retryable: false };
    } else if (res.verified && res.responseCode === "94") {
      // Our request id was seen before: an earlier send of this very request reached VNPAY.
      const q = await queryDr(env, transport, { txnRef: input.orderId, transactionDate: payment.transactionDate, orderInfo }, now);
      response = { refund: res.body, querydr: q.body };
      outcome =
        q.verified && q.responseCode === "00" && REFUND_UNDER_WAY.has(String(q.body.vnp_TransactionStatus))
          ? { status: "succeeded", responseCode: "00", message: "VNPAY already has a refund of this payment under way", retryable: false }
          : failed("94", res.message);
    } else {
      outcome = failed(res.responseCode, res.message);
    }
  } catch (err) {
    // Unknown whether VNPAY took it: the row stays pending and the next call resends it as is.
    return retryLater(`VNPAY refund call failed: ${(err as Error).message}`);
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
    .where(and(eq(paymentRefunds.id, request.id), eq(paymentRefunds.status, "pending")));
  return outcome;
}

/**
 * The guarded write: the request row goes in only if no other refund of the order is in flight
 * and everything refunded or in flight plus this amount stays within what was paid.
 */
async function recordRequest(
  db: Db,
  d1: D1Database,
  input: RefundInput,
  payment: typeof paymentResults.$inferSelect,
  now: Date,
): Promise<PaymentRefundRow | { refused: RefundOutcome }> {
  const id = ulid();
  const res = await d1
    .prepare(
      `INSERT INTO payment_refunds (id, order_id, payment_id, refund_id, request_id, amount_vnd, transaction_type, reason, requested_by, status, created_at, updated_at)
       SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'pending', ?10, ?10
       WHERE (SELECT COALESCE(SUM(amount_vnd), 0) FROM payment_refunds WHERE order_id = ?2 AND status IN ('pending', 'succeeded')) + ?6 <= ?11
       ON CONFLICT DO NOTHING`,
    )
    .bind(
      id,
      input.orderId,
      payment.id,
      input.refundId,
      ulid(),
      input.amountVnd,
      input.amountVnd === payment.amountVnd ? "02" : "03",
      input.reason,
      input.requestedBy,
      now.getTime(),
      payment.amountVnd,
    )
    .run();
  if (res.meta.changes > 0) return (await db.select().from(paymentRefunds).where(eq(paymentRefunds.id, id)).get())!;

  const others = await db.select().from(paymentRefunds).where(eq(paymentRefunds.orderId, input.orderId)).all();
  const inFlight = others.find((r) => r.status === "pending");
  if (inFlight) return { refused: retryLater("Another refund of this order is in flight at VNPAY") };
  const refunded = others.filter((r) => r.status === "succeeded").reduce((sum, r) => sum + r.amountVnd, 0);
  return { refused: failed("03", `The refund amount exceeds what is left of the payment (${payment.amountVnd - refunded} VND)`) };
}
