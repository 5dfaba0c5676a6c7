import { WorkerEntrypoint } from "cloudflare:workers";
import { withTrace, type TimelineItem, type Trace } from "@tickets/common";
import type { Env } from "./env";
import { dbOf } from "./db/client";
import { notificationTimeline } from "./domain/timeline";

/** What other workers may call (bind with entrypoint = "NotificationsRpc"). */
export class NotificationsRpc extends WorkerEntrypoint<Env> {
  /** The messages this order caused, for its timeline (GET /api/orders/:id/timeline), full detail. */
  async timelineFor(orderId: string, trace?: Trace): Promise<TimelineItem[]> {
    return withTrace({ correlationId: orderId, ...trace }, () => notificationTimeline(dbOf(this.env), orderId));
  }
}
