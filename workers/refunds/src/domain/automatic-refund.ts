import { and, eq, inArray } from "drizzle-orm";
import { ulid } from "ulid";
import { makeEvent, stampedOutboxInsert, type Envelope, type Logger } from "@tickets/common";
import type { Db } from "../db/client";
import { refunds, type RefundRow } from "../db/schema";
import type { PaymentsRefundApi } from "../env";

export type RefundDeps = { db: Db; payments: PaymentsRefundApi; log: Logger };

/** Statuses in which the refund is not decided yet (a retry may call VNPAY again). */
const OPEN = ["requested", "processing"];

/**
 * RefundRequired (a payment the saga could not honour): one refund record per order, the money
 * sent back through payments, then RefundSucceeded or RefundFailed from the outbox in the same
 * batch as the decision. A redelivery finds the decided record and does nothing.
 */
export async function handleRefundRequired(deps: RefundDeps, event: Envelope<"RefundRequired">): Promise<RefundRow> {
  const { db } = deps;
  const p = event.payload;
  const now = Date.now();
  await db
    .insert(refunds)
    .values({
      id: ulid(),
      orderId: p.orderId,
      eventId: p.eventId,
      buyerId: p.buyerId,
      buyerEmail: p.buyerEmail ?? null,
      amountVnd: p.amountVnd,
      reason: p.reason,
      source: "automatic",
      status: "processing",
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing();
  const refund = (await db.select().from(refunds).where(eq(refunds.orderId, p.orderId)).get())!;
  if (!OPEN.includes(refund.status)) return refund;

  const result = await deps.payments.refund({
    orderId: refund.orderId,
    amountVnd: refund.amountVnd,
    reason: refund.reason,
    requestedBy: "system",
  });
  const ref = { orderId: refund.orderId, eventId: refund.eventId, buyerId: refund.buyerId, buyerEmail: refund.buyerEmail ?? undefined };
  const cause = { correlationId: event.correlationId, causationId: event.id };
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
  await d1.batch([d1.prepare(built.sql).bind(...built.params), stampedOutboxInsert(d1, outcome, "refunds", refund.id)]);
  deps.log.info("automatic_refund", { orderId: refund.orderId, refundId: refund.id, status: result.status, responseCode: result.responseCode });
  return { ...refund, status: result.status };
}
