import { and, eq, isNull, lt, lte, or, sql } from "drizzle-orm";
import { ulid } from "ulid";
import { makeEvent, stampedOutboxInsert, withTrace, type Envelope, type Logger } from "@tickets/common";
import type { Db } from "../db/client";
import { refunds, type RefundRow, type RefundSource } from "../db/schema";
import type { PaymentsRefundApi, RefundOutcome } from "../env";
import { ledgerOf } from "./ledger";
import { LEASE_MS, MAX_ATTEMPTS, SWEEP_GRACE_MS, backoffSeconds } from "./retry-policy";

export type RefundDeps = {
  db: Db;
  payments: PaymentsRefundApi;
  log: Logger;
  /** Where a transient failure's next attempt is sent, delayed (refunds-inbox). */
  retryQueue?: Queue;
  retryBaseSeconds?: number;
};
export type Cause = { correlationId: string; causationId: string | null };

/** Sources whose refund ends the order (tickets void, stock back) whatever the amount. */
const CLOSING_SOURCES: RefundSource[] = ["buyer", "automatic", "event_cancelled"];

export const loadRefund = (db: Db, where: { id: string } | { requestKey: string }) =>
  db
    .select()
    .from(refunds)
    .where("id" in where ? eq(refunds.id, where.id) : eq(refunds.requestKey, where.requestKey))
    .get();

type RefundRef = Pick<RefundRow, "id" | "orderId" | "eventId" | "buyerId" | "buyerEmail" | "amountVnd" | "reason" | "requestedBy">;
const orderRef = (r: RefundRef) => ({ orderId: r.orderId, eventId: r.eventId, buyerId: r.buyerId, buyerEmail: r.buyerEmail ?? undefined });

/** A refund's events are correlated by its order (the order's story, GET /api/orders/:id/timeline), whatever started them. */
const byOrder = (r: RefundRef, cause?: Cause): Cause => ({ causationId: cause?.causationId ?? null, correlationId: r.orderId });

/** RefundRequested for a row (on request, on retry, and for each automatic re-attempt). */
export const requestedEvent = (r: RefundRef, cause?: Cause) =>
  makeEvent("RefundRequested", { ...orderRef(r), refundId: r.id, amountVnd: r.amountVnd, reason: r.reason, requestedBy: r.requestedBy ?? "system" }, byOrder(r, cause));

/**
 * requested (due) → processing, or a processing refund whose lease ran out → processing with a
 * new lease. Exactly one caller gets the row back; only that caller may call payments.
 */
async function claim(db: Db, id: string, now: number): Promise<RefundRow | undefined> {
  return db
    .update(refunds)
    .set({ status: "processing", leaseUntil: now + LEASE_MS, leaseToken: ulid(), attempts: sql`${refunds.attempts} + 1`, updatedAt: now })
    .where(
      and(
        eq(refunds.id, id),
        or(
          and(eq(refunds.status, "requested"), or(isNull(refunds.nextAttemptAt), lte(refunds.nextAttemptAt, now))),
          and(eq(refunds.status, "processing"), or(isNull(refunds.leaseUntil), lt(refunds.leaseUntil, now))),
        ),
      ),
    )
    .returning()
    .get();
}

/**
 * Settles one refund if it is due: claims it, asks payments (idempotent per refund id), and
 * records the answer under the lease, so a claimer whose lease was taken over writes nothing:
 * - succeeded → RefundSucceeded (with the order's refunded total and whether tickets go void);
 * - refused → failed with failureReason, RefundFailed;
 * - transient → back to requested, due after the backoff (a delayed RefundRequested), or after
 *   MAX_ATTEMPTS failed with failureReason, RefundFailed.
 * A decided, not yet due or leased refund is returned untouched.
 */
export async function settleRefund(deps: RefundDeps, refundId: string, cause: Cause): Promise<RefundRow | undefined> {
  const { db, log } = deps;
  const claimed = await claim(db, refundId, Date.now());
  if (!claimed) return loadRefund(db, { id: refundId });

  let outcome: RefundOutcome;
  try {
    outcome = await deps.payments.refund({
      refundId: claimed.id,
      orderId: claimed.orderId,
      amountVnd: claimed.amountVnd,
      reason: claimed.reason,
      requestedBy: claimed.requestedBy ?? "system",
    });
  } catch (err) {
    outcome = { status: "failed", responseCode: "99", message: `payments unreachable: ${(err as Error).message}`, retryable: true };
  }

  const mine = and(eq(refunds.id, claimed.id), eq(refunds.status, "processing"), eq(refunds.leaseToken, claimed.leaseToken!));
  const now = Date.now();
  const released = { leaseUntil: null, leaseToken: null, responseCode: outcome.responseCode, message: outcome.message, updatedAt: now };
  let event: Envelope;
  let fields: Partial<RefundRow>;
  if (outcome.status === "succeeded") {
    const { refundedVnd } = await ledgerOf(db, claimed.orderId, 0);
    const refundedTotalVnd = refundedVnd + claimed.amountVnd;
    const paidVnd = claimed.paidVnd ?? claimed.amountVnd;
    const voidsTickets = CLOSING_SOURCES.includes(claimed.source as RefundSource) || refundedTotalVnd >= paidVnd;
    event = makeEvent("RefundSucceeded", { ...orderRef(claimed), refundId: claimed.id, amountVnd: claimed.amountVnd, refundedTotalVnd, voidsTickets }, byOrder(claimed, cause));
    fields = { status: "succeeded", failureReason: null };
  } else if (outcome.retryable && claimed.attempts < MAX_ATTEMPTS) {
    const delaySeconds = backoffSeconds(claimed.attempts, deps.retryBaseSeconds);
    event = requestedEvent(claimed, cause);
    fields = { status: "requested", nextAttemptAt: now + delaySeconds * 1000 };
    const res = await db.update(refunds).set({ ...released, ...fields }).where(mine).run();
    if (res.meta.changes > 0) {
      log.warn("refund_retry_scheduled", { refundId: claimed.id, orderId: claimed.orderId, attempt: claimed.attempts, delaySeconds, message: outcome.message });
      // Lost sends are picked up by the cron sweep once due.
      await deps.retryQueue?.send(event, { contentType: "json", delaySeconds: Math.ceil(delaySeconds) }).catch((err: Error) =>
        log.error("refund_retry_send_failed", { refundId: claimed.id, error: err.message }),
      );
    }
    return loadRefund(db, { id: claimed.id });
  } else {
    const failureReason = outcome.retryable
      ? `VNPAY could not be reached after ${claimed.attempts} attempts: ${outcome.message}`
      : `VNPAY refused the refund (${outcome.responseCode}: ${outcome.message})`;
    event = makeEvent("RefundFailed", { ...orderRef(claimed), refundId: claimed.id, reason: failureReason }, byOrder(claimed, cause));
    fields = { status: "failed", failureReason };
  }

  const update = db.update(refunds).set({ ...released, ...fields, lastEventId: event.id }).where(mine).toSQL();
  const d1 = db.$client as D1Database;
  const [res] = await d1.batch([d1.prepare(update.sql).bind(...update.params), stampedOutboxInsert(d1, event, "refunds", claimed.id)]);
  log.info("refund_settled", {
    orderId: claimed.orderId,
    refundId: claimed.id,
    source: claimed.source,
    status: fields.status,
    attempt: claimed.attempts,
    responseCode: outcome.responseCode,
    decidedHere: res.meta.changes > 0,
  });
  return loadRefund(db, { id: claimed.id });
}

/** Cron safety net: refunds whose delayed message was lost, and leases of claimers that died. */
export async function sweepDueRefunds(deps: RefundDeps, now = Date.now(), limit = 20): Promise<number> {
  const due = await deps.db
    .select({ id: refunds.id, orderId: refunds.orderId })
    .from(refunds)
    .where(
      or(
        and(eq(refunds.status, "requested"), or(isNull(refunds.nextAttemptAt), lte(refunds.nextAttemptAt, now - SWEEP_GRACE_MS))),
        and(eq(refunds.status, "processing"), or(isNull(refunds.leaseUntil), lt(refunds.leaseUntil, now))),
      ),
    )
    .limit(limit)
    .all();
  for (const { id, orderId } of due) {
    await withTrace({ correlationId: orderId }, async () => {
      try {
        await settleRefund(deps, id, { correlationId: orderId, causationId: null });
      } catch (err) {
        deps.log.error("refund_sweep_failed", { refundId: id, error: (err as Error).message });
      }
    });
  }
  return due.length;
}

/** RefundRequested from the inbox (a request, a retry, or a delayed re-attempt): settle the row it names. */
export async function handleRefundRequested(deps: RefundDeps, event: Envelope<"RefundRequested">): Promise<RefundRow | undefined> {
  const refund = await loadRefund(deps.db, { id: event.payload.refundId });
  // Written in the same batch as the event, so this only happens with a hand-made message: retry, then park.
  if (!refund) throw new Error(`refund ${event.payload.refundId} not found`);
  return settleRefund(deps, refund.id, { correlationId: event.correlationId, causationId: event.id });
}
