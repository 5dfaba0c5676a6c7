import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import type { OrderSummary } from "../env";
import { refunds, type RefundRow } from "../db/schema";

/** What is left to refund of an order: failed refunds count for nothing, requested/processing ones are in flight. */
export type Ledger = { paidVnd: number; refundedVnd: number; inFlightVnd: number; leftVnd: number };

export async function ledgerOf(db: Db, orderId: string, paidVnd: number): Promise<Ledger> {
  const rows = await db
    .select({ status: refunds.status, total: sql<number>`COALESCE(SUM(${refunds.amountVnd}), 0)` })
    .from(refunds)
    .where(eq(refunds.orderId, orderId))
    .groupBy(refunds.status)
    .all();
  const sum = (statuses: string[]) => rows.filter((r) => statuses.includes(r.status)).reduce((s, r) => s + Number(r.total), 0);
  const refundedVnd = sum(["succeeded"]);
  const inFlightVnd = sum(["requested", "processing"]);
  return { paidVnd, refundedVnd, inFlightVnd, leftVnd: Math.max(0, paidVnd - refundedVnd - inFlightVnd) };
}

/** SQL of everything refunded or in flight for the order bound at `param` (excluding refund `exceptParam` when given). */
export const committedVndSql = (param: string, exceptParam?: string) =>
  `(SELECT COALESCE(SUM(amount_vnd), 0) FROM refunds WHERE order_id = ${param} AND status <> 'failed'${exceptParam ? ` AND id <> ${exceptParam}` : ""})`;

export type NewRefund = Pick<
  RefundRow,
  "id" | "orderId" | "eventId" | "buyerId" | "buyerEmail" | "amountVnd" | "paidVnd" | "reason" | "source" | "requestedBy" | "requestKey" | "lastEventId"
>;

/** A new refund of `order` (its buyer, event and paid total) with the request's own fields. */
export const refundOfOrder = (
  order: OrderSummary,
  f: Pick<NewRefund, "id" | "amountVnd" | "reason" | "source" | "requestedBy"> & { requestKey?: string | null },
): Omit<NewRefund, "lastEventId"> => ({
  orderId: order.id,
  eventId: order.eventId,
  buyerId: order.buyerId,
  buyerEmail: order.buyerEmail,
  paidVnd: order.totalVnd,
  ...f,
  requestKey: f.requestKey ?? null,
});

/**
 * The guarded insert of a requested refund: it goes in only if the amount fits in what is left
 * of the payment at that instant (D1 runs one statement at a time, so two concurrent requests
 * cannot both take the same money), and with `onlyRefund` only if the order has no other
 * refund under way or done. A duplicate request key inserts nothing either.
 */
export function insertRequestedRefund(d1: D1Database, r: NewRefund, opts: { onlyRefund?: boolean; now?: number } = {}): D1PreparedStatement {
  const now = opts.now ?? Date.now();
  return d1
    .prepare(
      `INSERT INTO refunds (id, order_id, event_id, buyer_id, buyer_email, amount_vnd, paid_vnd, reason, source, requested_by, request_key,
                            status, attempts, next_attempt_at, last_event_id, created_at, updated_at)
       SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'requested', 0, ?12, ?13, ?12, ?12
       WHERE ${committedVndSql("?2")} + ?6 <= ?7
       ${opts.onlyRefund ? `AND NOT EXISTS (SELECT 1 FROM refunds WHERE order_id = ?2 AND status <> 'failed')` : ""}
       ON CONFLICT DO NOTHING`,
    )
    .bind(r.id, r.orderId, r.eventId, r.buyerId, r.buyerEmail ?? null, r.amountVnd, r.paidVnd, r.reason, r.source, r.requestedBy, r.requestKey ?? null, now, r.lastEventId);
}
