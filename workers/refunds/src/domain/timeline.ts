import { timelineItem, type TimelineItem } from "@tickets/common";
import { asc, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { refunds } from "../db/schema";

const SERVICE = "refunds";

/**
 * The refunds side of an order's story, from its own rows: each refund's request (created_at) and,
 * once it moved on, its current state (processing, succeeded or failed) at its last update. A
 * refund row keeps its latest state only, so a succeeded refund shows no separate processing step.
 */
export async function refundTimeline(db: Db, orderId: string): Promise<TimelineItem[]> {
  const rows = await db.select().from(refunds).where(eq(refunds.orderId, orderId)).orderBy(asc(refunds.createdAt), asc(refunds.id)).all();
  return rows.flatMap((r) => {
    const common = { refundId: r.id, amountVnd: r.amountVnd };
    const requested = timelineItem(r.createdAt, SERVICE, "refund_requested", { ...common, reason: r.reason, source: r.source, requestedBy: r.requestedBy });
    if (r.status === "requested") return [requested];
    const now = timelineItem(r.updatedAt, SERVICE, `refund_${r.status}`, {
      ...common,
      attempts: r.attempts,
      responseCode: r.responseCode,
      failureReason: r.status === "failed" ? (r.failureReason ?? r.message) : null,
    });
    return [requested, now];
  });
}
