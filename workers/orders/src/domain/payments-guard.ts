import { ApiError, breakerOptions, circuitBreaker, currentTrace, withTimeout, type CircuitBreaker } from "@tickets/common";
import type { Env } from "../env";
import type { PaymentsApi } from "../ports";

const DEFAULT_TIMEOUT_MS = 5_000;

/**
 * This isolate's breaker on the payments worker (per-isolate memory, see packages/common/src/
 * resilience.ts): it opens after consecutive failed or late payment-URL calls, including the
 * payments worker refusing because its own VNPAY breaker is open.
 */
export const paymentsBreaker = (env: Env): CircuitBreaker => circuitBreaker("payments", breakerOptions(env));

export const paymentsUnavailable = () =>
  new ApiError(503, "payments_unavailable", "Payments are unavailable right now; nothing was held. Try again in a moment with a new Idempotency-Key");

function timeoutMs(env: Env): number {
  const ms = Number(env.PAYMENTS_TIMEOUT_MS);
  return Number.isInteger(ms) && ms > 0 ? ms : DEFAULT_TIMEOUT_MS;
}

/** Checkout refuses before holding anything while the breaker is open (or its one probe is under way). */
export function assertPaymentsAvailable(env: Env): void {
  if (!paymentsBreaker(env).allowsCall) throw paymentsUnavailable();
}

/** PaymentsRpc.createPaymentUrl (in the caller's trace) through the breaker, with a deadline. Not retried: the buyer is waiting. */
export async function createPaymentUrl(env: Env, input: Parameters<PaymentsApi["createPaymentUrl"]>[0]): Promise<string> {
  const { paymentUrl } = await paymentsBreaker(env).run(() =>
    withTimeout(env.PAYMENTS_RPC.createPaymentUrl(input, currentTrace()), timeoutMs(env), "payments.createPaymentUrl"),
  );
  return paymentUrl;
}
