import { WorkerEntrypoint } from "cloudflare:workers";
import { and, eq, sql } from "drizzle-orm";
import type { Env } from "./env";
import { getDb } from "./db/client";
import { refunds } from "./db/schema";

export type EventRefundTotals = { eventId: string; refunds: number; refundedVnd: number };

/** Internal RPC for other workers (reports reconciles its refund figures against it). */
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
}
