/**
 * How a refund whose VNPAY call failed transiently (timeout, network, HTTP 5xx, payments
 * unreachable, another refund of the order in flight) is retried: attempt n+1 is due
 * `base × 2^(n-1)` seconds after attempt n failed (default base 5 s: 5, 10, 20 s), through a
 * delayed queue message, with the cron as the safety net. After MAX_ATTEMPTS it ends `failed`.
 */
export const MAX_ATTEMPTS = 4;
export const DEFAULT_RETRY_BASE_SECONDS = 5;

/** The claimer's lease: longer than one payments call (VNPAY refund + querydr, 15 s timeout each). */
export const LEASE_MS = 60_000;

/** A requested refund the queue has not picked up this long after it was due is settled by the cron. */
export const SWEEP_GRACE_MS = 30_000;

export function backoffSeconds(attempt: number, baseSeconds = DEFAULT_RETRY_BASE_SECONDS): number {
  return baseSeconds * 2 ** Math.max(0, attempt - 1);
}

export function retryBaseSeconds(raw: string | undefined): number {
  const n = Number(raw);
  return Number.isFinite(n) && n > 0 ? n : DEFAULT_RETRY_BASE_SECONDS;
}
