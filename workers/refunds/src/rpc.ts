import { WorkerEntrypoint } from "cloudflare:workers";
import { and, eq, sql } from "drizzle-orm";
import { createLogger, relayOutbox, withTrace, type TimelineItem, type Trace } from "@tickets/common";
import type { Env } from "./env";
import { getDb } from "./db/client";
import { refunds } from "./db/schema";
import type { Cause } from "./domain/settle";
import { settleDeps } from "./queue";
import { refundTimeline } from "./domain/timeline";
import {
  cancellationRefundCounts,
  refundForCancellation,
  type CancellationRefundCounts,
  type CancellationRefundOutcome,
  type CancellationRefundRequest,
} from "./domain/cancellation-refund";

export type { CancellationRefundCounts, CancellationRefundOutcome, CancellationRefundRequest };
export type EventRefundTotals = { eventId: string; refunds: number; refundedVnd: number };

/** At most this many outbox rows are relayed per call before answering (the cron sends the rest). */
const RELAY_ROUNDS = 20;

/** Internal RPC for other workers: reports reconciles its refund figures; orders runs an event cancellation's refunds. */
export class RefundsRpc extends WorkerEntrypoint<Env> {
  /** Succeeded refunds per event (all of them, also those of orders that were never sold). */
  async succeededTotals(eventId?: string): Promise<EventRefundTotals[]> {
    const succeeded = eq(refunds.status, "succeeded");
    return getDb(this.env.DB)
      .select({ eventId: refunds.eventId, refunds: sql<number>`count(*)`, refundedVnd: sql<number>`coalesce(sum(${refunds.amountVnd}), 0)` })
      .from(refunds)
      .where(eventId ? and(succeeded, eq(refunds.eventId, eventId)) : succeeded)
      .groupBy(refunds.eventId)
      .all();
  }

  /** Full refunds for a chunk of a cancelled event's paid orders (idempotent per order). */
  async refundForCancellation(requests: CancellationRefundRequest[], cause: Cause): Promise<CancellationRefundOutcome[]> {
    const db = getDb(this.env.DB);
    const log = createLogger({ service: "refunds", rpc: "refundForCancellation" });
    const outcomes = await refundForCancellation(settleDeps(this.env, log), requests, cause);
    for (let round = 0; round < RELAY_ROUNDS && (await relayOutbox(db as never, this.env, log)) > 0; round++);
    return outcomes;
  }

  /** This order's refund steps for its timeline (GET /api/orders/:id/timeline), full detail. */
  async timelineFor(orderId: string, trace?: Trace): Promise<TimelineItem[]> {
    return withTrace({ correlationId: orderId, ...trace }, () => refundTimeline(getDb(this.env.DB), orderId));
  }

  async cancellationRefundCounts(eventId: string): Promise<CancellationRefundCounts> {
    return cancellationRefundCounts(getDb(this.env.DB), eventId);
  }
}
