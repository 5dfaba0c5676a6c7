import { timelineItem, type TimelineItem } from "@tickets/common";
import type { OrderItemRow, OrderRow } from "../db/schema";

/**
 * One order's story (GET /api/orders/:id/timeline), assembled from each service's own records:
 * orders' row, and what payments, tickets, notifications and refunds answer about the order over
 * RPC (`timelineFor`). No central store: a service that does not answer within `timeoutMs`
 * (down, slow, throwing) costs only its own steps: the answer is `partial: true` and ends with one
 * `{service, step: "unavailable"}` item per silent service, so a reader sees what is missing.
 */

export type TimelineSource = { service: string; read: () => Promise<TimelineItem[]> };
export type Timeline = { items: TimelineItem[]; partial: boolean };
export type TimelineView = "full" | "buyer";

/** Order statuses that end the order's own story (the row's last update is when). */
const ENDING_STATUSES = ["cancelled", "expired", "refund_pending", "partially_refunded", "refunded"];

/** orders' own steps, from the order row: held (created), confirmed, and how it ended. */
export function orderSteps(row: OrderRow, items: OrderItemRow[]): TimelineItem[] {
  const steps = [
    timelineItem(row.createdAt, "orders", "held", {
      totalVnd: row.totalVnd,
      holdExpiresAt: new Date(row.holdExpiresAt).toISOString(),
      items: items.map((i) => ({ ticketTypeId: i.ticketTypeId, name: i.name, quantity: i.quantity, unitPriceVnd: i.unitPriceVnd })),
    }),
  ];
  if (row.confirmedAt !== null) steps.push(timelineItem(row.confirmedAt, "orders", "confirmed", { paidAmountVnd: row.paidAmountVnd, transactionNo: row.transactionNo }));
  if (ENDING_STATUSES.includes(row.status)) steps.push(timelineItem(row.updatedAt, "orders", row.status, { note: row.note }));
  return steps;
}

/**
 * Where a step goes among steps of the same millisecond (services' clocks and batches can put
 * a cause and its effect on one tick): the saga's own order.
 */
const STEP_ORDER = [
  "held",
  "payment_started",
  "payment_return",
  "ipn",
  "payment_succeeded",
  "payment_failed",
  "confirmed",
  "tickets_issued",
  "refund_requested",
  "refund_processing",
  "vnpay_refund",
  "refund_succeeded",
  "refund_failed",
  "tickets_voided",
  "partially_refunded",
  "refunded",
  "refund_pending",
  "cancelled",
  "expired",
  "notified",
  "checked_in",
];
const rank = (step: string) => {
  const i = STEP_ORDER.indexOf(step);
  return i < 0 ? STEP_ORDER.length : i;
};

/** Oldest first; steps of the same instant in the saga's order (stable otherwise). */
export function sortTimeline(items: TimelineItem[]): TimelineItem[] {
  return items
    .map((item, i) => ({ item, i, at: Date.parse(item.at) }))
    .sort((a, b) => a.at - b.at || rank(a.item.step) - rank(b.item.step) || a.i - b.i)
    .map((x) => x.item);
}

class TimedOut extends Error {}

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimedOut(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export type SourceFailure = { service: string; error: string };

/**
 * The order's own steps plus every source's, asked in parallel, each given at most `timeoutMs`.
 * `onFailure` hears about each source that failed or timed out (for the logs).
 */
export async function assembleTimeline(
  own: TimelineItem[],
  sources: TimelineSource[],
  opts: { timeoutMs: number; now?: () => number; onFailure?: (f: SourceFailure) => void },
): Promise<Timeline> {
  const now = opts.now ?? Date.now;
  const answers = await Promise.allSettled(sources.map((s) => within(Promise.resolve().then(s.read), opts.timeoutMs)));
  const items = [...own];
  const unavailable: TimelineItem[] = [];
  answers.forEach((answer, i) => {
    const { service } = sources[i];
    if (answer.status === "fulfilled") items.push(...answer.value);
    else {
      const reason = answer.reason instanceof TimedOut ? "timeout" : "error";
      opts.onFailure?.({ service, error: (answer.reason as Error)?.message ?? String(answer.reason) });
      unavailable.push(timelineItem(now(), service, "unavailable", { reason }));
    }
  });
  return { items: [...sortTimeline(items), ...unavailable], partial: unavailable.length > 0 };
}

/**
 * What the buyer who owns the order sees: the steps a buyer understands, each with only the
 * fields listed here. Everything else (VNPAY's raw callbacks and codes, attempt and payment ids,
 * refund calls to VNPAY, who scanned a ticket or asked for a refund, operator notes) is left out,
 * and so is any step not listed.
 */
const BUYER_FIELDS: Record<string, string[]> = {
  held: ["totalVnd", "holdExpiresAt", "items"],
  payment_started: ["amountVnd", "expiresAt"],
  payment_succeeded: ["amountVnd"],
  payment_failed: ["amountVnd"],
  confirmed: [],
  tickets_issued: ["count"],
  checked_in: ["ticketTypeName"],
  tickets_voided: ["count"],
  notified: ["template", "channel"],
  refund_requested: ["amountVnd", "reason", "source"],
  refund_processing: ["amountVnd"],
  refund_succeeded: ["amountVnd"],
  refund_failed: ["amountVnd"],
  cancelled: [],
  expired: [],
  refund_pending: [],
  partially_refunded: [],
  refunded: [],
  unavailable: [],
};

function buyerDetail(item: TimelineItem, fields: string[]): Record<string, unknown> | undefined {
  const source: Record<string, unknown> = { ...item.detail };
  if (item.step === "checked_in") source.ticketTypeName = (item.detail?.ticket as { ticketTypeName?: string } | undefined)?.ticketTypeName;
  if (item.step === "held" && Array.isArray(source.items)) {
    source.items = (source.items as Array<Record<string, unknown>>).map(({ name, quantity, unitPriceVnd }) => ({ name, quantity, unitPriceVnd }));
  }
  const kept = Object.fromEntries(fields.filter((f) => source[f] !== undefined && source[f] !== null).map((f) => [f, source[f]]));
  return Object.keys(kept).length ? kept : undefined;
}

export function viewFor(timeline: Timeline, view: TimelineView): Timeline {
  if (view === "full") return timeline;
  const items = timeline.items.flatMap((item) => {
    const fields = BUYER_FIELDS[item.step];
    if (!fields) return [];
    const detail = buyerDetail(item, fields);
    return [{ at: item.at, service: item.service, step: item.step, ...(detail ? { detail } : {}) }];
  });
  return { items, partial: timeline.partial };
}
