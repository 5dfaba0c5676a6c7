import { z } from "@hono/zod-openapi";
import { REFUND_SOURCES, type RefundRow } from "../db/schema";

export const RefundSchema = z
  .object({
    id: z.string(),
    status: z.enum(["requested", "processing", "succeeded", "failed"]),
    amountVnd: z.number().int().openapi({ description: "Integer VND given back" }),
    orderId: z.string(),
    eventId: z.string(),
    reason: z.string(),
    source: z.enum(REFUND_SOURCES).openapi({
      description:
        "buyer: the buyer, by the event's policy; organizer/admin: the event's organizer or an admin, any amount up to what is left; " +
        "event_cancelled: the event was cancelled; automatic: a late payment the checkout saga gave back",
    }),
    failureReason: z.string().nullable().openapi({ description: "Why a failed refund failed (VNPAY's refusal, or VNPAY unreachable after the retries); null otherwise" }),
    failure: z.object({ code: z.string(), message: z.string() }).nullable().openapi({ description: "VNPAY's last answer when status is failed" }),
    attempts: z.number().int().openapi({ description: "Calls to VNPAY made for this refund since it was (re)requested" }),
    nextAttemptAt: z.string().nullable().openapi({ description: "When a refund waiting after a transient failure is tried again" }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Refund");
export type RefundView = z.infer<typeof RefundSchema>;

const iso = (ms: number) => new Date(ms).toISOString();

export function toView(r: RefundRow): RefundView {
  const failed = r.status === "failed";
  return {
    id: r.id,
    status: r.status as RefundView["status"],
    amountVnd: r.amountVnd,
    orderId: r.orderId,
    eventId: r.eventId,
    reason: r.reason,
    source: r.source as RefundView["source"],
    failureReason: failed ? (r.failureReason ?? `${r.responseCode ?? ""}: ${r.message ?? ""}`) : null,
    failure: failed ? { code: r.responseCode ?? "", message: r.message ?? "" } : null,
    attempts: r.attempts,
    nextAttemptAt: r.status === "requested" && r.attempts > 0 && r.nextAttemptAt ? iso(r.nextAttemptAt) : null,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  };
}
