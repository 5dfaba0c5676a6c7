import { ulid } from "ulid";
import type { Envelope } from "@tickets/common";
import { insertRequestedRefund } from "./ledger";
import { loadRefund, settleRefund, type RefundDeps } from "./settle";

/**
 * RefundRequired (a payment the saga could not honour): one refund per order (request key
 * `automatic:<orderId>`), settled right here like any other (lease, retries, RefundSucceeded or
 * RefundFailed). A redelivery finds the same row, decided or leased, and does nothing.
 */
export async function handleRefundRequired(deps: RefundDeps, event: Envelope<"RefundRequired">) {
  const p = event.payload;
  const requestKey = `automatic:${p.orderId}`;
  const d1 = deps.db.$client as D1Database;
  await insertRequestedRefund(d1, {
    id: ulid(),
    orderId: p.orderId,
    eventId: p.eventId,
    buyerId: p.buyerId,
    buyerEmail: p.buyerEmail ?? null,
    amountVnd: p.amountVnd,
    paidVnd: p.amountVnd,
    reason: p.reason,
    source: "automatic",
    requestedBy: "system",
    requestKey,
    lastEventId: null,
  }).run();
  const refund = await loadRefund(deps.db, { requestKey });
  if (!refund) throw new Error(`automatic refund of ${p.orderId} could not be recorded`);
  return settleRefund(deps, refund.id, { correlationId: event.correlationId, causationId: event.id });
}
