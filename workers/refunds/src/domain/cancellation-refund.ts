import { and, eq, sql } from "drizzle-orm";
import { ulid } from "ulid";
import type { Db } from "../db/client";
import { refunds, type RefundRow } from "../db/schema";
import type { OrderSummary } from "../env";
import { insertRequestedRefund, ledgerOf, refundOfOrder } from "./ledger";
import { loadRefund, settleRefund, type Cause, type RefundDeps } from "./settle";

/** Refunds not decided yet: requested (maybe due later) or being settled. */
const OPEN = ["requested", "processing"];

/** refunds.source of the refunds an event cancellation starts. */
export const CANCELLATION_SOURCE = "event_cancelled";
const SETTLE_CONCURRENCY = 8;

export type CancellationRefundRequest = {
  orderId: string;
  eventId: string;
  buyerId: string;
  buyerEmail: string | null;
  /** All that is left of the payment. */
  amountVnd: number;
  reason: string;
};

export type CancellationRefundOutcome = {
  orderId: string;
  refundId: string | null;
  status: RefundRow["status"] | "skipped";
  /** Why nothing was refunded here (skipped only). */
  note?: string;
};

/**
 * An event was cancelled: refund each paid order in full (all that is left of it), exactly once
 * per order, through the one settlement path (`settleRefund`: lease → payments → VNPAY →
 * RefundSucceeded or RefundFailed in the outbox); the caller relays the outbox. The refund's
 * request key `cancel:<eventId>:<orderId>` makes a second call (the orders worker's batch after a
 * crash) find the same refund: a decided one is left alone, an undecided one is settled again
 * (under the lease; one whose settler died is also picked up by the minute sweep). The amount goes
 * in by the ledger's guarded insert, so it never exceeds what is left after other refunds; an
 * order with nothing left (fully refunded, or a buyer refund still in flight) is skipped.
 */
export async function refundForCancellation(deps: RefundDeps, requests: CancellationRefundRequest[], cause: Cause): Promise<CancellationRefundOutcome[]> {
  const { db } = deps;
  const d1 = db.$client as D1Database;
  const outcomes: CancellationRefundOutcome[] = [];
  const rows: RefundRow[] = [];
  const inserts: Array<{ r: CancellationRefundRequest; key: string; statement: D1PreparedStatement }> = [];
  for (const r of requests) {
    const key = requestKeyOf(r);
    const earlier = await loadRefund(db, { requestKey: key });
    if (earlier) {
      rows.push(earlier);
      continue;
    }
    const { leftVnd } = await ledgerOf(db, r.orderId, r.amountVnd);
    if (leftVnd === 0) {
      deps.log.warn("cancellation_refund_skipped", { orderId: r.orderId, reason: "nothing left to refund" });
      outcomes.push({ orderId: r.orderId, refundId: null, status: "skipped", note: "nothing left to refund (refunded, or another refund in flight)" });
      continue;
    }
    const order = { id: r.orderId, eventId: r.eventId, buyerId: r.buyerId, buyerEmail: r.buyerEmail ?? "", totalVnd: r.amountVnd } as OrderSummary;
    const row = refundOfOrder(order, { id: ulid(), amountVnd: leftVnd, reason: r.reason, source: CANCELLATION_SOURCE, requestedBy: "system:event_cancelled", requestKey: key });
    inserts.push({ r, key, statement: insertRequestedRefund(d1, { ...row, lastEventId: null }) });
  }
  if (inserts.length) await d1.batch(inserts.map((i) => i.statement));
  for (const { r, key } of inserts) {
    const row = await loadRefund(db, { requestKey: key });
    if (row) rows.push(row);
    else outcomes.push({ orderId: r.orderId, refundId: null, status: "skipped", note: "another refund took what was left" });
  }

  const toSettle = rows.filter((row) => OPEN.includes(row.status as never));
  for (const row of rows) if (!toSettle.includes(row)) outcomes.push({ orderId: row.orderId, refundId: row.id, status: row.status });
  for (let i = 0; i < toSettle.length; i += SETTLE_CONCURRENCY) {
    const settled = await Promise.all(toSettle.slice(i, i + SETTLE_CONCURRENCY).map(async (row) => (await settleRefund(deps, row.id, cause)) ?? row));
    for (const row of settled) outcomes.push({ orderId: row.orderId, refundId: row.id, status: row.status });
  }
  return outcomes;
}

const requestKeyOf = (r: CancellationRefundRequest) => `cancel:${r.eventId}:${r.orderId}`;

export type CancellationRefundCounts = { total: number; requested: number; processing: number; succeeded: number; failed: number };

/** The refunds an event's cancellation started, by status. */
export async function cancellationRefundCounts(db: Db, eventId: string): Promise<CancellationRefundCounts> {
  const rows = await db
    .select({ status: refunds.status, n: sql<number>`count(*)` })
    .from(refunds)
    .where(and(eq(refunds.eventId, eventId), eq(refunds.source, CANCELLATION_SOURCE)))
    .groupBy(refunds.status);
  const counts: CancellationRefundCounts = { total: 0, requested: 0, processing: 0, succeeded: 0, failed: 0 };
  for (const r of rows) {
    if (r.status in counts) counts[r.status as keyof CancellationRefundCounts] = r.n;
    counts.total += r.n;
  }
  return counts;
}
