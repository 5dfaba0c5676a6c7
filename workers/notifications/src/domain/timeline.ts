import { timelineItem, type TimelineItem } from "@tickets/common";
import { asc, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { notifications } from "../db/schema";

/**
 * The messages one order caused, from this worker's own rows: one step per message and channel,
 * at the time it was sent (or recorded, while not sent yet). Push endpoints are not shown.
 */
export async function notificationTimeline(db: Db, orderId: string): Promise<TimelineItem[]> {
  const rows = await db
    .select()
    .from(notifications)
    .where(eq(notifications.orderId, orderId))
    .orderBy(asc(notifications.createdAt), asc(notifications.id))
    .limit(200)
    .all();
  return rows.map((r) =>
    timelineItem(r.sentAt ?? r.createdAt, "notifications", "notified", {
      template: r.template,
      channel: r.channel,
      status: r.status,
      recipient: r.channel === "push" ? undefined : r.recipient,
      attempts: r.attempts,
      lastError: r.lastError,
    }),
  );
}
