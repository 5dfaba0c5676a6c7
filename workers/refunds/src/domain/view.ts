import { z } from "@hono/zod-openapi";
import type { RefundRow } from "../db/schema";

export const RefundSchema = z
  .object({
    id: z.string(),
    status: z.enum(["requested", "processing", "succeeded", "failed"]),
    amountVnd: z.number().int().openapi({ description: "Integer VND given back (the event's refund policy at request time)" }),
    orderId: z.string(),
    eventId: z.string(),
    reason: z.string(),
    source: z
      .enum(["buyer", "automatic", "event_cancelled"])
      .openapi({ description: "buyer: asked for by the buyer; automatic: a late payment the checkout saga gave back; event_cancelled: the event was cancelled" }),
    failure: z.object({ code: z.string(), message: z.string() }).nullable().openapi({ description: "VNPAY's answer when status is failed" }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Refund");
export type RefundView = z.infer<typeof RefundSchema>;

export function toView(r: RefundRow): RefundView {
  return {
    id: r.id,
    status: r.status as RefundView["status"],
    amountVnd: r.amountVnd,
    orderId: r.orderId,
    eventId: r.eventId,
    reason: r.reason,
    source: r.source as RefundView["source"],
    failure: r.status === "failed" ? { code: r.responseCode ?? "", message: r.message ?? "" } : null,
    createdAt: new Date(r.createdAt).toISOString(),
    updatedAt: new Date(r.updatedAt).toISOString(),
  };
}
