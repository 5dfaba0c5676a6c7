import { WorkerEntrypoint } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { createLogger } from "@tickets/common";
import type { Env } from "./env";
import { createPaymentUrl, type CreatePaymentUrlInput } from "./domain/payment-url";
import { refundPayment, type RefundInput, type RefundOutcome } from "./domain/refund";
import { vnpayTransport } from "./domain/vnpay-api";

export type { CreatePaymentUrlInput, RefundInput, RefundOutcome };
export type CreatePaymentUrlResult = { paymentUrl: string; txnRef: string };

/** Internal RPC for the orders and refunds workers (see /work/shared INTERFACES: PaymentsRpc). */
export class PaymentsRpc extends WorkerEntrypoint<Env> {
  /** Signed VNPAY payment URL for an order (vnp_TxnRef = orderId); records the attempt. No outbound calls. */
  async createPaymentUrl(input: CreatePaymentUrlInput): Promise<CreatePaymentUrlResult> {
    return createPaymentUrl(drizzle(this.env.DB), this.env, input);
  }

  /** Refunds the order's successful payment through VNPAY's refund API (verified answer). */
  async refund(input: RefundInput): Promise<RefundOutcome> {
    const outcome = await refundPayment(drizzle(this.env.DB), this.env, vnpayTransport(this.env), input);
    createLogger({ service: "payments" }).info("vnpay_refund", { orderId: input.orderId, amountVnd: input.amountVnd, ...outcome });
    return outcome;
  }
}
