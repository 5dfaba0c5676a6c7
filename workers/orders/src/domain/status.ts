export const ORDER_STATUSES = [
  "pending_payment",
  "confirmed",
  "cancelled",
  "expired",
  "refund_pending",
  "refunded",
  "partially_refunded",
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/**
 * Every allowed move of an order. `confirmed` is reachable from `expired`/`cancelled` because a
 * payment that arrives late is honoured when the stock can be held again; when it cannot, the
 * order goes to `refund_pending` instead (the money is never silently kept).
 */
export const TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  pending_payment: ["confirmed", "cancelled", "expired", "refund_pending"],
  expired: ["confirmed", "refund_pending"],
  cancelled: ["confirmed", "refund_pending"],
  confirmed: ["refunded", "partially_refunded"],
  refund_pending: ["refunded"],
  partially_refunded: ["refunded"],
  refunded: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The statuses an order may be in for a move to `to` (what a guarded UPDATE's WHERE names). */
export function sourcesOf(to: OrderStatus): OrderStatus[] {
  return ORDER_STATUSES.filter((from) => canTransition(from, to));
}

/** Statuses in which the order has been paid for and its payment is settled one way or another. */
export const PAID_STATUSES: readonly OrderStatus[] = ["confirmed", "refund_pending", "refunded", "partially_refunded"];
