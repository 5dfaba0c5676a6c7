import { desc, eq } from "drizzle-orm";
import { ulid } from "ulid";
import { ApiError, stampedOutboxInsert, type Identity, type Logger } from "@tickets/common";
import type { Db } from "../db/client";
import { refunds, type RefundRow } from "../db/schema";
import type { EventsApi, OrderSummary, TicketsOfOrderApi } from "../env";
import { committedVndSql, insertRequestedRefund, refundOfOrder } from "./ledger";
import { quoteRefund } from "./policy";
import { notRefundable } from "./request";
import { loadRefund, requestedEvent } from "./settle";

export type BuyerRequestDeps = { db: Db; events: EventsApi; tickets: TicketsOfOrderApi; log: Logger; now?: number };

const latestRefundOf = (db: Db, orderId: string) =>
  db.select().from(refunds).where(eq(refunds.orderId, orderId)).orderBy(desc(refunds.createdAt), desc(refunds.id)).all();

/**
 * POST /api/orders/:id/refund by the owner of a confirmed order: the amount follows the event's
 * refund policy at this moment, and no ticket of the order may be checked in. The refund row
 * (requested) and RefundRequested go into one D1 batch; the queue consumer does the rest.
 *
 * One buyer refund per order: while any refund of the order is requested, processing or
 * succeeded, asking again is 409 not_refundable (details: the latest refund's id and status).
 * A failed buyer refund may be asked for again: the same row is reopened (amount re-quoted).
 */
export async function requestBuyerRefund(deps: BuyerRequestDeps, who: Identity, order: OrderSummary, reason: string): Promise<RefundRow> {
  const { db } = deps;
  const existing = await latestRefundOf(db, order.id);
  const live = existing.find((r) => r.status !== "failed");
  if (live) throw notRefundable("A refund for this order already exists", { refundId: live.id, status: live.status });
  if (order.status !== "confirmed") {
    throw notRefundable(`An order in status ${order.status} cannot be refunded`, { orderStatus: order.status });
  }
  await refuseCheckedIn(deps, order.id);
  const event = await deps.events.getEventSummary(order.eventId);
  if (!event) throw notRefundable("The order's event no longer exists");
  const quote = quoteRefund(event.refundPolicy, event.startsAt, order.totalVnd, deps.now ?? Date.now());
  if (!quote.refundable) {
    const { message, ...deadlines } = quote;
    throw notRefundable(message, { startsAt: event.startsAt, refundPolicy: event.refundPolicy, ...deadlines });
  }

  const reopen = existing.find((r) => r.status === "failed" && r.source === "buyer");
  const refundId = reopen?.id ?? ulid();
  const row = refundOfOrder(order, { id: refundId, amountVnd: quote.amountVnd, reason, source: "buyer", requestedBy: who.userId });

  const requested = requestedEvent(row);
  const d1 = db.$client as D1Database;
  // Either statement changes nothing when another request got there first; the stamped
  // outbox insert then writes nothing either.
  const write = reopen
    ? d1
        .prepare(
          `UPDATE refunds SET amount_vnd = ?2, paid_vnd = ?3, reason = ?4, requested_by = ?5, status = 'requested', response_code = NULL,
             message = NULL, failure_reason = NULL, attempts = 0, next_attempt_at = ?6, lease_until = NULL, lease_token = NULL,
             last_event_id = ?7, updated_at = ?6
           WHERE id = ?1 AND status = 'failed' AND NOT EXISTS (SELECT 1 FROM refunds WHERE order_id = ?8 AND status <> 'failed')
             AND ${committedVndSql("?8")} + ?2 <= ?3`,
        )
        .bind(refundId, quote.amountVnd, order.totalVnd, reason, who.userId, Date.now(), requested.id, order.id)
    : insertRequestedRefund(d1, { ...row, lastEventId: requested.id }, { onlyRefund: true });
  const [res] = await d1.batch([write, stampedOutboxInsert(d1, requested, "refunds", refundId)]);
  if (res.meta.changes === 0) {
    const winner = (await latestRefundOf(db, order.id)).find((r) => r.status !== "failed") ?? (await loadRefund(db, { id: refundId }));
    throw notRefundable("A refund for this order already exists", { refundId: winner?.id, status: winner?.status });
  }
  deps.log.info("refund_requested", { orderId: order.id, refundId, amountVnd: quote.amountVnd, kind: quote.kind, reopened: !!reopen });
  return (await loadRefund(db, { id: refundId }))!;
}

/** A buyer who has been let in with a ticket of the order cannot give the order back. */
async function refuseCheckedIn(deps: BuyerRequestDeps, orderId: string) {
  let tickets;
  try {
    tickets = await deps.tickets.ticketsForOrder(orderId);
  } catch (err) {
    deps.log.error("tickets_rpc_failed", { orderId, error: (err as Error).message });
    throw new ApiError(503, "dependency_unavailable", "Check-ins could not be checked; try again");
  }
  const checkedIn = tickets.filter((t) => t.status === "checked_in");
  if (checkedIn.length) {
    throw notRefundable("A ticket of this order has been checked in", { reason: "checked_in", checkedInTickets: checkedIn.map((t) => t.id) });
  }
}
