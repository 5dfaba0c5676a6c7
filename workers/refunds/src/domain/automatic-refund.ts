import { ulid } from "ulid";
import type { Envelope } from "@tickets/common";
import type { RefundRow } from "../db/schema";
import { refunds } from "../db/schema";
import { loadRefund, settleRefund, type RefundDeps } from "./settle";

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
  const refund = (await loadRefund(db, { orderId: p.orderId }))!;
  return settleRefund(deps, refund, "system", { correlationId: event.correlationId, causationId: event.id });
}
