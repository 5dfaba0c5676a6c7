import { makeEvent, type Envelope, type EventHandlers, type Logger } from "@tickets/common";
import type { Db } from "../db/client";
import type { InventoryApi, RefundsApi } from "../ports";
import { loadCancellation, refundCancelledOrders } from "./event-cancellation";
import { loadOrder, transition, type LoadedOrder } from "./repo";
import { PAID_STATUSES, sourcesOf, type OrderStatus } from "./status";
import { itemsOf } from "./view";

/** `refunds`: for a payment confirmed after its event's cancellation batch went past the order. */
export type SagaDeps = { db: Db; inventory: (eventId: string, buyerId: string) => InventoryApi; log: Logger; refunds?: RefundsApi };

/** A late payment re-holds just long enough to commit at once. */
const LATE_HOLD_TTL_SECONDS = 60;

const causedBy = (event: Envelope) => ({ correlationId: event.correlationId, causationId: event.id });
const orderRef = ({ row }: LoadedOrder) => ({ orderId: row.id, eventId: row.eventId, buyerId: row.buyerId, buyerEmail: row.buyerEmail });

async function mustLoad(db: Db, orderId: string): Promise<LoadedOrder> {
  const found = await loadOrder(db, orderId);
  // Throwing retries the message and, after max_retries, parks it in the DLQ for an operator.
  if (!found) throw new Error(`order ${orderId} not found`);
  return found;
}

/** The orders side of the checkout saga: what each incoming event does to an order. */
export function sagaHandlers(deps: SagaDeps): EventHandlers {
  const { db, log } = deps;

  async function confirm(order: LoadedOrder, event: Envelope<"PaymentSucceeded">) {
    const { row, items } = order;
    const confirmed = makeEvent(
      "OrderConfirmed",
      { ...orderRef(order), totalVnd: row.totalVnd, items: itemsOf(items), paymentRecordedAt: event.occurredAt },
      causedBy(event),
    );
    const patch = { ...paymentPatch(event), confirmedAt: Date.parse(confirmed.occurredAt) };
    const changed = await transition(db, row.id, "confirmed", { event: confirmed, patch });
    if (!changed) log.warn("confirm_noop", { orderId: row.id, status: (await loadOrder(db, row.id))?.row.status });
    await refundIfEventCancelled(row.id, event);
  }

  /**
   * A payment whose hold was committed just before the event's sales froze can be confirmed
   * after the cancellation batch paged past its order: refund it here (idempotent per order).
   */
  async function refundIfEventCancelled(orderId: string, event: Envelope) {
    if (!deps.refunds) return;
    const found = await loadOrder(db, orderId);
    if (found?.row.status !== "confirmed") return;
    const job = await loadCancellation(db, found.row.eventId);
    if (!job) return;
    log.warn("confirmed_after_cancellation", { orderId, eventId: job.id });
    await refundCancelledOrders({ db, refunds: deps.refunds, log }, job, [found.row], event);
  }

  /** Paid after the hold was gone: take the stock again if any is left, else give the money back. */
  async function latePayment(order: LoadedOrder, event: Envelope<"PaymentSucceeded">) {
    const { row, items } = order;
    const stock = deps.inventory(row.eventId, row.buyerId);
    const hold = await stock.hold({
      orderId: row.id,
      eventId: row.eventId,
      buyerId: row.buyerId,
      items: items.map((i) => ({ ticketTypeId: i.ticketTypeId, quantity: i.quantity })),
      ttlSeconds: LATE_HOLD_TTL_SECONDS,
    });
    if (hold.ok) {
      const committed = await stock.commit(row.id);
      if (!committed.ok) throw new Error(`commit after late re-hold failed: ${committed.code}`);
      log.info("late_payment_rehold", { orderId: row.id });
      return confirm(order, event);
    }
    const refund = makeEvent(
      "RefundRequired",
      { ...orderRef(order), amountVnd: event.payload.amountVnd, reason: `late_payment_${hold.code}` },
      causedBy(event),
    );
    await transition(db, row.id, "refund_pending", {
      event: refund,
      patch: { ...paymentPatch(event), note: `Paid after the hold ended and the stock could not be held again (${hold.code})` },
    });
    log.warn("late_payment_refund", { orderId: row.id, code: hold.code });
  }

  return {
    async PaymentSucceeded(event) {
      const order = await mustLoad(db, event.payload.orderId);
      const status = order.row.status as OrderStatus;
      if (PAID_STATUSES.includes(status)) return refundIfEventCancelled(order.row.id, event); // already settled: a duplicate or a second IPN
      if (status === "pending_payment") {
        const committed = await deps.inventory(order.row.eventId, order.row.buyerId).commit(order.row.id);
        if (committed.ok) return confirm(order, event);
        // The hold ran out or was released before the payment landed.
      }
      return latePayment(order, event);
    },

    async PaymentFailed(event) {
      const order = await mustLoad(db, event.payload.orderId);
      if (order.row.status !== "pending_payment") return;
      // Release first: a retry after a crash in between finds the order still pending and repeats both.
      await deps.inventory(order.row.eventId, order.row.buyerId).release(order.row.id);
      const cancelled = makeEvent("OrderCancelled", { ...orderRef(order), reason: "payment_failed" }, causedBy(event));
      await transition(db, order.row.id, "cancelled", { from: ["pending_payment"], event: cancelled, patch: { note: event.payload.reason } });
    },

    async HoldExpired(event) {
      const order = await loadOrder(db, event.payload.orderId);
      if (!order) return; // a hold whose order was never written: nothing to expire
      if (order.row.status !== "pending_payment") return;
      const expired = makeEvent("OrderExpired", orderRef(order), causedBy(event));
      await transition(db, order.row.id, "expired", { from: ["pending_payment"], event: expired });
    },

    /**
     * Refunded in full (the refunds so far reach the order's total) → refunded; less → partially_refunded.
     * A refund that voids the tickets (buyer, cancellation, the one completing the total) also puts
     * the stock back on sale; an organizer's partial refund is money only. Orders stay confirmed /
     * partially_refunded while a refund is under way (refund_pending is only for late payments).
     */
    async RefundSucceeded(event) {
      const order = await mustLoad(db, event.payload.orderId);
      const p = event.payload;
      const refundedTotalVnd = p.refundedTotalVnd ?? p.amountVnd;
      const to: OrderStatus = refundedTotalVnd >= order.row.totalVnd ? "refunded" : "partially_refunded";
      const status = order.row.status as OrderStatus;
      if (p.voidsTickets !== false && (status === "confirmed" || status === "partially_refunded")) {
        // Its tickets are void now, so their stock goes back on sale (a late payment's refund never
        // had stock sold). Before the transition: restock is idempotent per order in the
        // inventory object, so a retry after a crash in between (or a second refund) repeats it harmlessly.
        const stock = deps.inventory(order.row.eventId, order.row.buyerId);
        const { restocked } = await stock.restock(order.row.id);
        log.info("refund_restocked", { orderId: order.row.id, restocked });
      }
      // A later partial refund keeps partially_refunded; a report arriving after the full one changes nothing.
      const from: OrderStatus[] = to === "refunded" ? sourcesOf("refunded") : ["confirmed", "partially_refunded"];
      await transition(db, order.row.id, to, {
        from,
        patch: { note: `Refund ${p.refundId} succeeded (${p.amountVnd} VND; ${refundedTotalVnd} VND refunded in total)` },
      });
    },

    async RefundFailed(event) {
      const order = await mustLoad(db, event.payload.orderId);
      if (order.row.status !== "refund_pending") return;
      // Stays refund_pending: an operator follows up on the note.
      await transition(db, order.row.id, "refund_pending", {
        from: ["refund_pending"],
        patch: { note: `Refund ${event.payload.refundId} failed: ${event.payload.reason}` },
      });
    },
  };
}

function paymentPatch(event: Envelope<"PaymentSucceeded">) {
  const p = event.payload;
  const paidAt = Date.parse(p.paidAt);
  return { paymentId: p.paymentId, paidAmountVnd: p.amountVnd, transactionNo: p.transactionNo, paidAt: Number.isNaN(paidAt) ? Date.now() : paidAt };
}
