import { z } from "@hono/zod-openapi";

/**
 * One step of an order's story (GET /api/orders/:id/timeline): each service answers its own steps
 * from its own records through a `timelineFor(orderId, trace)` RPC method, and the orders worker
 * puts them in order and decides what the caller may see.
 */
export const TimelineItemSchema = z
  .object({
    at: z.string().openapi({ description: "When it happened (ISO 8601)" }),
    service: z.string().openapi({ description: "The service whose records say so: orders, payments, tickets, notifications, refunds" }),
    step: z.string().openapi({ description: "What happened, e.g. held, payment_started, ipn, confirmed, tickets_issued, notified, refund_requested, checked_in; `unavailable`: that service did not answer in time" }),
    detail: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi("TimelineItem");
export type TimelineItem = z.infer<typeof TimelineItemSchema>;

/** A timeline item at `at` (ms since the epoch); detail fields that are null or undefined are left out. */
export function timelineItem(at: number, service: string, step: string, detail?: Record<string, unknown>): TimelineItem {
  const kept = detail ? Object.fromEntries(Object.entries(detail).filter(([, v]) => v !== null && v !== undefined)) : {};
  return { at: new Date(at).toISOString(), service, step, ...(Object.keys(kept).length ? { detail: kept } : {}) };
}
