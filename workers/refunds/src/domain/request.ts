import { z } from "zod";
import { ulid } from "ulid";
import { ApiError, auditPayload, errors, makeEvent, stampedOutboxInsert, type Logger } from "@tickets/common";
import type { Db } from "../db/client";
import type { RefundRow } from "../db/schema";
import type { OrdersApi } from "../env";
import { insertRequestedRefund, ledgerOf, refundOfOrder } from "./ledger";
import { loadRefund, requestedEvent, type Cause } from "./settle";

export type RequestDeps = { db: Db; orders: OrdersApi; log: Logger };

export const notRefundable = (message: string, details?: unknown) => new ApiError(409, "not_refundable", message, details);

/** Order statuses an organizer, an admin or a cancellation may refund (money was taken and some is left). */
const REFUNDABLE_ORDER_STATUSES = ["confirmed", "partially_refunded"];

export const refundRequestSchema = z.object({
  orderId: z.string().min(1).max(100),
  /** Default: all that is left (paid − refunded − in flight). Must be 1..left. */
  amountVnd: z.number().int().optional(),
  reason: z.string().trim().min(1).max(1000),
  /** User id of whoever asked (an organizer, an admin), or "system". */
  requestedBy: z.string().min(1).max(200),
  /** Why: recorded as the refund's `source`. */
  cause: z.enum(["organizer", "admin", "event_cancelled"]),
  /** Idempotency key: asking again with the same key returns the first refund, never a second one. */
  requestKey: z.string().min(1).max(200).optional(),
  /** Saga tracing of the RefundRequested event (correlation/causation ids). */
  trace: z.object({ correlationId: z.string(), causationId: z.string().nullable() }).optional(),
  /** Set when an organizer or admin asked over HTTP (their client address): the refund is audited. */
  clientIp: z.string().max(64).nullable().optional(),
});
export type RefundRequest = z.input<typeof refundRequestSchema>;

/**
 * A refund of a paid order regardless of the buyer policy and of check-ins (organizer, admin,
 * event cancellation). Authorization is the caller's job. The row (requested) and
 * RefundRequested go into one D1 batch; the amount is taken by a guarded insert, so concurrent
 * requests never promise more than was paid. Several partial refunds per order are allowed.
 *
 * Errors (ApiError): 404 not_found (no such order), 409 not_refundable (order not confirmed or
 * partially_refunded, or the amount is not within 1..left; details carry the ledger).
 */
export async function requestRefund(deps: RequestDeps, raw: RefundRequest): Promise<RefundRow> {
  const req = refundRequestSchema.parse(raw);
  const { db } = deps;
  if (req.requestKey) {
    const earlier = await loadRefund(db, { requestKey: req.requestKey });
    if (earlier) return earlier;
  }
  const order = await deps.orders.getOrder(req.orderId);
  if (!order) throw errors.notFound("Order");
  if (!REFUNDABLE_ORDER_STATUSES.includes(order.status)) {
    throw notRefundable(`An order in status ${order.status} cannot be refunded`, { orderStatus: order.status });
  }
  const ledger = await ledgerOf(db, order.id, order.totalVnd);
  const amountVnd = req.amountVnd ?? ledger.leftVnd;
  const outOfRange = () =>
    notRefundable(
      ledger.leftVnd === 0 ? "Nothing is left to refund on this order" : `The amount must be between 1 and ${ledger.leftVnd} VND`,
      { ...ledger, amountVnd },
    );
  if (amountVnd < 1 || amountVnd > ledger.leftVnd) throw outOfRange();

  const refundId = ulid();
  const row = refundOfOrder(order, {
    id: refundId,
    amountVnd,
    reason: req.reason,
    source: req.cause,
    requestedBy: req.requestedBy,
    requestKey: req.requestKey,
  });

  const requested = requestedEvent(row, req.trace as Cause | undefined);
  const d1 = db.$client as D1Database;
  const audited = req.clientIp !== undefined && req.cause !== "event_cancelled";
  const audit = audited
    ? makeEvent("AuditRecorded", auditPayload({ userId: req.requestedBy, ip: req.clientIp ?? null }, "refunds", "refund.request", `refund:${refundId}`, { orderId: order.id, amountVnd }))
    : null;
  const [res] = await d1.batch([
    insertRequestedRefund(d1, { ...row, lastEventId: requested.id }),
    stampedOutboxInsert(d1, requested, "refunds", refundId),
    ...(audit ? [stampedOutboxInsert(d1, audit, "refunds", refundId, requested.id)] : []),
  ]);
  if (res.meta.changes === 0) {
    // A concurrent request with the same key, or one that took the money first.
    const same = req.requestKey ? await loadRefund(db, { requestKey: req.requestKey }) : undefined;
    if (same) return same;
    const now = await ledgerOf(db, order.id, order.totalVnd);
    throw notRefundable(`The amount must be between 1 and ${now.leftVnd} VND`, { ...now, amountVnd });
  }
  deps.log.info("refund_requested", { orderId: order.id, refundId, amountVnd, source: req.cause, requestedBy: req.requestedBy });
  return (await loadRefund(db, { id: refundId }))!;
}
