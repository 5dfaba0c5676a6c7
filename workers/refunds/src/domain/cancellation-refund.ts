import { and, eq, inArray, sql } from "drizzle-orm";
import { ulid } from "ulid";
import type { Db } from "../db/client";
import { refunds, type RefundRow } from "../db/schema";
import { OPEN, settleRefund, type Cause, type RefundDeps } from "./settle";

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
 * An event was cancelled: refund each paid order in full, exactly once per (order, cause). Like
 * an automatic refund, the row is written (`processing`, source event_cancelled) and settled at
 * once through the one settlement path (`settleRefund`: payments → VNPAY → RefundSucceeded or
 * RefundFailed in the outbox); the caller relays the outbox. Safe to call again for the same
 * orders (the orders worker's batch does after a crash): a decided refund is left alone, an
 * undecided one is settled again (payments answers an order it already refunded without a
 * second VNPAY refund). A failed earlier buyer refund's row is reopened as this refund (one
 * row per order); an order with an open or succeeded buyer refund is skipped and reported.
 */
export async function refundForCancellation(deps: RefundDeps, requests: CancellationRefundRequest[], cause: Cause): Promise<CancellationRefundOutcome[]> {
  const { db } = deps;
  if (requests.length === 0) return [];
  const now = Date.now();
  const fields = (r: CancellationRefundRequest) => ({ amountVnd: r.amountVnd, reason: r.reason, source: CANCELLATION_SOURCE, status: "processing", updatedAt: now });
  await db.batch(
    requests.map((r) =>
      db
        .insert(refunds)
        .values({ id: ulid(), orderId: r.orderId, eventId: r.eventId, buyerId: r.buyerId, buyerEmail: r.buyerEmail, createdAt: now, ...fields(r) })
        .onConflictDoNothing(),
    ) as never,
  );
  let rows = await rowsFor(db, requests);
  const reopen = requests.filter((r) => {
    const row = rows.get(r.orderId);
    return row && row.source !== CANCELLATION_SOURCE && row.status === "failed";
  });
  if (reopen.length) {
    await db.batch(
      reopen.map((r) =>
        db
          .update(refunds)
          .set({ ...fields(r), responseCode: null, message: null })
          .where(and(eq(refunds.orderId, r.orderId), eq(refunds.status, "failed"))),
      ) as never,
    );
    rows = await rowsFor(db, requests);
  }

  const outcomes: CancellationRefundOutcome[] = [];
  const toSettle: RefundRow[] = [];
  for (const r of requests) {
    const row = rows.get(r.orderId)!;
    if (row.source !== CANCELLATION_SOURCE) {
      const note = `order has a ${row.status} ${row.source} refund ${row.id}`;
      deps.log.warn("cancellation_refund_skipped", { orderId: r.orderId, refundId: row.id, status: row.status, source: row.source });
      outcomes.push({ orderId: r.orderId, refundId: null, status: "skipped", note });
    } else if (OPEN.includes(row.status as never)) toSettle.push(row);
    else outcomes.push({ orderId: r.orderId, refundId: row.id, status: row.status });
  }
  for (let i = 0; i < toSettle.length; i += SETTLE_CONCURRENCY) {
    const settled = await Promise.all(toSettle.slice(i, i + SETTLE_CONCURRENCY).map((row) => settleRefund(deps, row, "system:event_cancelled", cause)));
    for (const row of settled) outcomes.push({ orderId: row.orderId, refundId: row.id, status: row.status });
  }
  return outcomes;
}

async function rowsFor(db: Db, requests: CancellationRefundRequest[]) {
  const found = await db.select().from(refunds).where(inArray(refunds.orderId, requests.map((r) => r.orderId)));
  return new Map(found.map((row) => [row.orderId, row]));
}

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
