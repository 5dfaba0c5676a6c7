import { timelineItem, type TimelineItem } from "@tickets/common";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { paymentRecords, safeJson } from "./overview";

type Db = DrizzleD1Database<Record<string, unknown>>;
const SERVICE = "payments";

const param = (params: unknown, name: string) =>
  params && typeof params === "object" && typeof (params as Record<string, unknown>)[name] === "string" ? ((params as Record<string, string>)[name]) : null;

/**
 * The payments side of an order's story, from its own records: each payment URL made (attempt),
 * each verified VNPAY callback with VNPAY's codes and what we answered, the payment's outcome and
 * the refund requests sent to VNPAY. Full detail: the orders worker decides what a buyer sees.
 */
export async function paymentTimeline(db: Db, orderId: string): Promise<TimelineItem[]> {
  const { attempts, results, callbacks, refunds } = await paymentRecords(db, orderId);
  return [
    ...attempts.map((a) =>
      timelineItem(a.createdAt, SERVICE, "payment_started", { attemptId: a.id, amountVnd: a.amountVnd, paymentHost: a.host, expiresAt: new Date(a.expiresAt).toISOString() }),
    ),
    ...callbacks.map((c) => {
      const params = safeJson(c.params);
      return timelineItem(c.createdAt, SERVICE, c.kind === "ipn" ? "ipn" : "payment_return", {
        responseCode: param(params, "vnp_ResponseCode"),
        transactionStatus: param(params, "vnp_TransactionStatus"),
        transactionNo: param(params, "vnp_TransactionNo"),
        bankCode: param(params, "vnp_BankCode"),
        answerCode: c.answerCode,
        answerMessage: c.answerMessage,
      });
    }),
    ...results.map((r) =>
      timelineItem(r.createdAt, SERVICE, r.outcome === "succeeded" ? "payment_succeeded" : "payment_failed", {
        paymentId: r.id,
        amountVnd: r.amountVnd,
        responseCode: r.responseCode,
        transactionStatus: r.transactionStatus,
        transactionNo: r.transactionNo,
        bankCode: r.bankCode,
      }),
    ),
    ...refunds.map((r) =>
      timelineItem(r.updatedAt, SERVICE, "vnpay_refund", {
        refundId: r.refundId,
        amountVnd: r.amountVnd,
        transactionType: r.transactionType,
        status: r.status,
        responseCode: r.responseCode,
        message: r.message,
      }),
    ),
  ];
}
