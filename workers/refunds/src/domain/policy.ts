import type { RefundPolicy } from "../env";

const HOUR_MS = 3_600_000;

export type RefundQuote =
  | { refundable: true; kind: "full" | "partial"; percent: number; amountVnd: number }
  | { refundable: false; message: string; fullRefundUntil: string; partialRefundUntil: string | null };

/**
 * What the event's policy gives back for an order paid `totalVnd`, asked at `now`: everything
 * until fullRefundUntilHours before the start (that instant included), partialRefundPercent %
 * (rounded down to whole VND) until partialRefundUntilHours before, nothing after.
 */
export function quoteRefund(policy: RefundPolicy, startsAt: string, totalVnd: number, now = Date.now()): RefundQuote {
  const start = Date.parse(startsAt);
  const fullUntil = start - policy.fullRefundUntilHours * HOUR_MS;
  const partialUntil = policy.partialRefundPercent > 0 ? start - policy.partialRefundUntilHours * HOUR_MS : null;
  const refusal = (message: string): RefundQuote => ({
    refundable: false,
    message,
    fullRefundUntil: new Date(fullUntil).toISOString(),
    partialRefundUntil: partialUntil === null ? null : new Date(partialUntil).toISOString(),
  });
  if (totalVnd <= 0) return refusal("Nothing was paid for this order");
  if (now <= fullUntil) return { refundable: true, kind: "full", percent: 100, amountVnd: totalVnd };
  if (partialUntil !== null && now <= partialUntil) {
    const percent = Math.min(100, policy.partialRefundPercent);
    const amountVnd = Math.floor((totalVnd * percent) / 100);
    if (amountVnd > 0) return { refundable: true, kind: "partial", percent, amountVnd };
  }
  return refusal("The event's refund policy allows no refund this close to the start");
}
