import { and, eq } from "drizzle-orm";
import { ulid } from "ulid";
import { ApiError, errors, makeEvent, stampedOutboxInsert, type Envelope, type Identity, type Logger } from "@tickets/common";
import type { Db } from "../db/client";
import { refunds, type RefundRow } from "../db/schema";
import type { EventsApi, OrdersApi } from "../env";
import { quoteRefund } from "./policy";
import { loadRefund, settleRefund, type RefundDeps } from "./settle";

export type RequestDeps = { db: Db; orders: OrdersApi; events: EventsApi; log: Logger; now?: number };

const notRefundable = (message: string, details?: unknown) => new ApiError(409, "not_refundable", message, details);

/**
 * POST /api/orders/:id/refund: the owner of a confirmed order asks for its money back. The
 * amount follows the event's refund policy at this moment. The refund row (status requested)
 * and RefundRequested go into one D1 batch; the queue consumer does the rest.
 *
 * One refund per order: while one is requested, processing or succeeded, asking again is 409
 * not_refundable (with the existing refund's id and status in details, so a client that lost
 * the 202 can follow it). Only a failed buyer refund may be asked for again: the same row is
 * reopened (requested, amount re-quoted) rather than a second one created.
 */
export async function requestRefund(deps: RequestDeps, who: Identity, orderId: string, reason: string): Promise<RefundRow> {
  const { db } = deps;
  const order = await deps.orders.getOrder(orderId);
  if (!order || order.buyerId !== who.userId) throw errors.notFound("Order");

  const existing = await loadRefund(db, { orderId });
  if (existing && existing.status !== "failed") {
    throw notRefundable("A refund for this order already exists", { refundId: existing.id, status: existing.status });
  }
  if (order.status !== "confirmed") {
    throw notRefundable(`An order in status ${order.status} cannot be refunded`, { orderStatus: order.status });
  }
  const event = await deps.events.getEventSummary(order.eventId);
  if (!event) throw notRefundable("The order's event no longer exists");
  const quote = quoteRefund(event.refundPolicy, event.startsAt, order.totalVnd, deps.now ?? Date.now());
  if (!quote.refundable) {
    const { message, ...deadlines } = quote;
    throw notRefundable(message, { startsAt: event.startsAt, refundPolicy: event.refundPolicy, ...deadlines });
  }

  const now = Date.now();
  const refundId = existing?.id ?? ulid();
  const requested = makeEvent("RefundRequested", {
    orderId,
    eventId: order.eventId,
    buyerId: order.buyerId,
    buyerEmail: order.buyerEmail,
    refundId,
    amountVnd: quote.amountVnd,
    reason,
    requestedBy: who.userId,
  });
  const fields = { amountVnd: quote.amountVnd, reason, status: "requested", responseCode: null, message: null, lastEventId: requested.id, updatedAt: now };
  // Either statement changes nothing when another request got there first; the stamped
  // outbox insert then writes nothing either.
  const write = existing
    ? db
        .update(refunds)
        .set(fields)
        .where(and(eq(refunds.id, existing.id), eq(refunds.status, "failed")))
    : db
        .insert(refunds)
        .values({ id: refundId, orderId, eventId: order.eventId, buyerId: order.buyerId, buyerEmail: order.buyerEmail, source: "buyer", createdAt: now, ...fields })
        .onConflictDoNothing();
  const built = write.toSQL();
  const d1 = db.$client as D1Database;
  const [res] = await d1.batch([d1.prepare(built.sql).bind(...built.params), stampedOutboxInsert(d1, requested, "refunds", refundId)]);
  const refund = (await loadRefund(db, { orderId }))!;
  if (res.meta.changes === 0) {
    throw notRefundable("A refund for this order already exists", { refundId: refund.id, status: refund.status });
  }
  deps.log.info("refund_requested", { orderId, refundId, amountVnd: quote.amountVnd, kind: quote.kind, reopened: !!existing });
  return refund;
}

/** RefundRequested from the inbox: settle the refund row it names (idempotent, see settleRefund). */
export async function handleRefundRequested(deps: RefundDeps, event: Envelope<"RefundRequested">): Promise<RefundRow> {
  const refund = await loadRefund(deps.db, { id: event.payload.refundId });
  // Written in the same batch as the event, so this only happens with a hand-made message: retry, then park.
  if (!refund) throw new Error(`refund ${event.payload.refundId} not found`);
  return settleRefund(deps, refund, event.payload.requestedBy, { correlationId: event.correlationId, causationId: event.id });
}
