import { auditPayload, errors, makeEvent, stampedOutboxInsert, type Logger } from "@tickets/common";
import type { Db } from "../db/client";
import type { RefundRow } from "../db/schema";
import { committedVndSql, ledgerOf } from "./ledger";
import { notRefundable } from "./request";
import { loadRefund, requestedEvent } from "./settle";

/**
 * POST /api/refunds/:id/retry (organizer of the event, admin): a failed refund goes back to
 * requested with a fresh attempt count, and RefundRequested in the same batch. Only from
 * failed (else 409 invalid_state), and only if its amount still fits in what is left of the
 * payment (else 409 not_refundable): another refund may have taken that money meanwhile.
 */
export async function retryFailedRefund(deps: { db: Db; log: Logger }, refund: RefundRow, retriedBy: string, clientIp: string | null = null): Promise<RefundRow> {
  const { db } = deps;
  if (refund.status !== "failed") throw errors.invalidState(`A ${refund.status} refund cannot be retried`, { status: refund.status });
  const requested = requestedEvent(refund);
  const audit = makeEvent("AuditRecorded", auditPayload({ userId: retriedBy, ip: clientIp }, "refunds", "refund.retry", `refund:${refund.id}`, { orderId: refund.orderId }));
  const now = Date.now();
  const d1 = db.$client as D1Database;
  const [res] = await d1.batch([
    d1
      .prepare(
        `UPDATE refunds SET status = 'requested', attempts = 0, next_attempt_at = ?2, lease_until = NULL, lease_token = NULL,
           failure_reason = NULL, response_code = NULL, message = NULL, last_event_id = ?3, updated_at = ?2
         WHERE id = ?1 AND status = 'failed' AND ${committedVndSql("?4", "?1")} + amount_vnd <= COALESCE(paid_vnd, amount_vnd)`,
      )
      .bind(refund.id, now, requested.id, refund.orderId),
    stampedOutboxInsert(d1, requested, "refunds", refund.id),
    stampedOutboxInsert(d1, audit, "refunds", refund.id, requested.id),
  ]);
  const after = (await loadRefund(db, { id: refund.id }))!;
  if (res.meta.changes === 0) {
    if (after.status !== "failed") throw errors.invalidState(`A ${after.status} refund cannot be retried`, { status: after.status });
    const ledger = await ledgerOf(db, refund.orderId, refund.paidVnd ?? refund.amountVnd);
    throw notRefundable("The refund no longer fits in what is left of the payment", { ...ledger, amountVnd: refund.amountVnd });
  }
  deps.log.info("refund_retried", { refundId: refund.id, orderId: refund.orderId, retriedBy });
  return after;
}
