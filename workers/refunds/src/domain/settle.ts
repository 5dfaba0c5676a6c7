import { and, eq, inArray } from "drizzle-orm";
import { makeEvent, stampedOutboxInsert, type Logger } from "@tickets/common";
import type { Db } from "../db/client";
import { refunds, type RefundRow, type RefundStatus } from "../db/schema";
import type { PaymentsRefundApi } from "../env";

export type RefundDeps = { db: Db; payments: PaymentsRefundApi; log: Logger };
export type Cause = { correlationId: string; causationId: string };

/** Statuses in which the refund is not decided yet (a retry may call VNPAY again). */
export const OPEN: RefundStatus[] = ["requested", "processing"];

export const loadRefund = (db: Db, where: { id: string } | { orderId: string }) =>
  db
    .select()
    .from(refunds)
    .where("id" in where ? eq(refunds.id, where.id) : eq(refunds.orderId, where.orderId))
    .get();

/**
 * Sends an undecided refund's money back through payments and records the answer: the status
 * (processing → succeeded | failed) and RefundSucceeded/RefundFailed in one D1 batch, the event
 * written only if this call made the decision. A decided refund is returned untouched, so a
 * redelivered message never refunds twice; a retry after a crash mid-call asks payments again,
 * which answers an order it has already refunded with success and no second VNPAY refund.
 */
export async function settleRefund(deps: RefundDeps, refund: RefundRow, requestedBy: string, cause: Cause): Promise<RefundRow> {
  const { db } = deps;
  if (!OPEN.includes(refund.status as RefundStatus)) return refund;
  if (refund.status === "requested") {
    await db
      .update(refunds)
      .set({ status: "processing", updatedAt: Date.now() })
      .where(and(eq(refunds.id, refund.id), eq(refunds.status, "requested")));
  }

  const result = await deps.payments.refund({ orderId: refund.orderId, amountVnd: refund.amountVnd, reason: refund.reason, requestedBy });
  const ref = { orderId: refund.orderId, eventId: refund.eventId, buyerId: refund.buyerId, buyerEmail: refund.buyerEmail ?? undefined };
  const outcome =
    result.status === "succeeded"
      ? makeEvent("RefundSucceeded", { ...ref, refundId: refund.id, amountVnd: refund.amountVnd }, cause)
      : makeEvent("RefundFailed", { ...ref, refundId: refund.id, reason: `${result.responseCode}: ${result.message}` }, cause);

  const update = db
    .update(refunds)
    .set({ status: result.status, responseCode: result.responseCode, message: result.message, lastEventId: outcome.id, updatedAt: Date.now() })
    .where(and(eq(refunds.id, refund.id), inArray(refunds.status, OPEN)));
  const built = update.toSQL();
  const d1 = db.$client as D1Database;
  const [res] = await d1.batch([d1.prepare(built.sql).bind(...built.params), stampedOutboxInsert(d1, outcome, "refunds", refund.id)]);
  deps.log.info("refund_settled", {
    orderId: refund.orderId,
    refundId: refund.id,
    source: refund.source,
    status: result.status,
    responseCode: result.responseCode,
    decidedHere: res.meta.changes > 0,
  });
  return (await loadRefund(db, { id: refund.id }))!;
}
