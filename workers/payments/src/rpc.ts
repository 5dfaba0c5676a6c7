import { WorkerEntrypoint } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { createLogger, groupCommitPer, relayOutbox, withTrace, type TimelineItem, type Trace } from "@tickets/common";
import type { Env } from "./env";
import { buildPaymentUrl, insertAttemptsWithRequests, type CreatePaymentUrlInput, type RecordedAttempt } from "./domain/payment-url";
import { refundPayment, type RefundInput, type RefundOutcome } from "./domain/refund";
import { vnpayBreaker, vnpayTransport } from "./domain/vnpay-api";
import { paymentTimeline } from "./domain/timeline";

export type { CreatePaymentUrlInput, RefundInput, RefundOutcome };
export type CreatePaymentUrlResult = { paymentUrl: string; txnRef: string };

/**
 * Payment attempts are recorded by group commit: during a flash sale the attempts of concurrent
 * checkouts share one D1 round trip (each call still answers only once its row is written).
 */
const ATTEMPTS_WINDOW_MS = 10;
const ATTEMPTS_PER_BATCH = 45;
const recordAttempt = groupCommitPer<D1Database, RecordedAttempt>((db, items) => insertAttemptsWithRequests(db, drizzle(db), items), {
  windowMs: ATTEMPTS_WINDOW_MS,
  maxItems: ATTEMPTS_PER_BATCH,
});

/** Internal RPC for the orders and refunds workers. */
export class PaymentsRpc extends WorkerEntrypoint<Env> {
  /**
   * Signed VNPAY payment URL for an order (vnp_TxnRef = orderId); records the attempt. No outbound
   * calls, but refused while the VNPAY breaker is open (VNPAY's API keeps failing): orders then
   * answers 503 and holds nothing, rather than selling a payment that cannot be completed or checked.
   */
  async createPaymentUrl(input: CreatePaymentUrlInput, trace?: Trace): Promise<CreatePaymentUrlResult> {
    if (vnpayBreaker(this.env).state === "open") throw new Error("payments_unavailable: VNPAY is unavailable (circuit open)");
    return withTrace({ correlationId: input.orderId, ...trace }, async () => {
      const { paymentUrl, txnRef, attempt, requested } = buildPaymentUrl(this.env, input);
      await recordAttempt(this.env.DB, { attempt, requested }, (p) => this.ctx.waitUntil(p));
      const log = createLogger({ service: "payments" });
      log.info("payment_url_created", { orderId: input.orderId, attemptId: attempt.id, amountVnd: input.amountVnd });
      // The payment link goes out after the answer (the cron relays it if this relay fails).
      if (requested) this.ctx.waitUntil(relayOutbox(drizzle(this.env.DB), this.env, log.child({ job: "outbox_relay" })).catch(() => 0));
      return { paymentUrl, txnRef };
    });
  }

  /** This order's payment steps for its timeline (GET /api/orders/:id/timeline), full detail. */
  async timelineFor(orderId: string, trace?: Trace): Promise<TimelineItem[]> {
    return withTrace({ correlationId: orderId, ...trace }, () => paymentTimeline(drizzle(this.env.DB), orderId));
  }

  /**
   * Refunds (part of) the order's successful payment through VNPAY's refund API, once per
   * `refundId` (verified answer; see domain/refund.ts for the guards).
   */
  async refund(input: RefundInput): Promise<RefundOutcome> {
    const outcome = await refundPayment(drizzle(this.env.DB), this.env, vnpayTransport(this.env), input);
    createLogger({ service: "payments" }).info("vnpay_refund", { orderId: input.orderId, amountVnd: input.amountVnd, ...outcome });
    return outcome;
  }
}
