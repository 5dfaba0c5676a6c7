import { and, asc, eq, gt, inArray, sql } from "drizzle-orm";
import { makeEvent, outboxInsert, stampedOutboxInsert, type Envelope, type EventHandlers, type Logger } from "@tickets/common";
import type { Db } from "../db/client";
import { eventCancellations, orders, type EventCancellationRow, type OrderRow } from "../db/schema";
import type { RefundsApi } from "../ports";
import { transition } from "./repo";
import type { OrderStatus } from "./status";

/**
 * Event cancellation, the orders side: a resumable batch driven by the orders inbox.
 * EventCancelled starts it (one event_cancellations row, counting the paid orders); each
 * EventCancellationStep does chunks (moving the stored cursor after each) for up to
 * STEP_BUDGET_MS, then enqueues the next step through the outbox, in the same D1 batch that
 * moves the cursor. First every pending order becomes cancelled (the inventory
 * object already released its hold), then every paid order (confirmed, partially_refunded:
 * checked-in ones too) is refunded in full through RefundsRpc, idempotent per (order, cause),
 * and its buyer told (OrderEventCancelled, one per order: its id is derived from the order).
 * A crash anywhere repeats at most the current chunk; a duplicate or stale step does nothing.
 */

/** Orders per chunk (a RefundsRpc call names them all: D1 binds at most 100 parameters). */
export const CHUNK_SIZE = 100;
/** How long one step delivery keeps taking chunks before handing over to the next step message. */
export const STEP_BUDGET_MS = 20_000;
export const CANCELLATION_REASON = "event_cancelled";
/** Paid and not given back yet: what a cancellation refunds. */
export const REFUNDABLE: OrderStatus[] = ["confirmed", "partially_refunded"];

/** `relay`: sends the outbox (the buyers' notices go out chunk by chunk, not after the whole step). */
export type CancellationDeps = { db: Db; refunds: RefundsApi; log: Logger; relay?: () => Promise<void> };

const causedBy = (event: Envelope) => ({ correlationId: event.correlationId, causationId: event.id });
const orderRef = (o: OrderRow) => ({ orderId: o.id, eventId: o.eventId, buyerId: o.buyerId, buyerEmail: o.buyerEmail });
export const noticeId = (orderId: string) => `order-event-cancelled-${orderId}`;

export const loadCancellation = (db: Db, eventId: string) => db.select().from(eventCancellations).where(eq(eventCancellations.id, eventId)).get();

const countRefundable = async (db: Db, eventId: string) =>
  (
    await db
      .select({ n: sql<number>`count(*)` })
      .from(orders)
      .where(and(eq(orders.eventId, eventId), inArray(orders.status, REFUNDABLE)))
      .get()
  )?.n ?? 0;

export function cancellationHandlers(deps: CancellationDeps): EventHandlers {
  const { db, log } = deps;
  const d1 = db.$client as D1Database;

  /** Moves the job on from `step` to `next` (only if `step` is still the current one), with `extra` events. */
  async function advance(job: EventCancellationRow, step: Envelope, next: Envelope | null, change: { cursor?: string; requested?: number }) {
    const now = Date.now();
    const update = db
      .update(eventCancellations)
      .set({
        lastEventId: next?.id ?? null,
        updatedAt: now,
        ...(change.cursor !== undefined && { cursor: change.cursor }),
        ...(change.requested && { requested: sql`${eventCancellations.requested} + ${change.requested}` }),
        ...(next === null && { status: "completed" as const, completedAt: now }),
      })
      .where(and(eq(eventCancellations.id, job.id), eq(eventCancellations.lastEventId, step.id)))
      .toSQL();
    await d1.batch([d1.prepare(update.sql).bind(...update.params), ...(next ? [stampedOutboxInsert(d1, next, "event_cancellations", job.id)] : [])]);
  }

  /** Within one step: the cursor moves on (only from where this delivery found it). */
  async function moveCursor(job: EventCancellationRow, step: Envelope, cursor: string, requested: number): Promise<boolean> {
    const res = await db
      .update(eventCancellations)
      .set({ cursor, requested: sql`${eventCancellations.requested} + ${requested}`, updatedAt: Date.now() })
      .where(and(eq(eventCancellations.id, job.id), eq(eventCancellations.lastEventId, step.id), eq(eventCancellations.cursor, job.cursor)))
      .run();
    return res.meta.changes > 0;
  }

  return {
    async EventCancelled(event) {
      const { eventId, reason } = event.payload;
      const now = Date.now();
      const first = makeEvent("EventCancellationStep", { eventId }, causedBy(event));
      const total = await countRefundable(db, eventId);
      const insert = db
        .insert(eventCancellations)
        .values({ id: eventId, reason, status: "running", total, lastEventId: first.id, startedAt: now, updatedAt: now })
        .onConflictDoNothing()
        .toSQL();
      // A redelivered EventCancelled finds the row there: its insert and so its step write nothing.
      await d1.batch([d1.prepare(insert.sql).bind(...insert.params), stampedOutboxInsert(d1, first, "event_cancellations", eventId)]);
      log.info("cancellation_started", { eventId, total });
    },

    async EventCancellationStep(event) {
      const found = await loadCancellation(db, event.payload.eventId);
      if (!found || found.status === "completed" || found.lastEventId !== event.id) return; // stale or duplicate step
      let job: EventCancellationRow = found;
      const next = makeEvent("EventCancellationStep", { eventId: job.id }, causedBy(event));
      // Chunks follow each other within one delivery while the budget lasts (each moving the
      // stored cursor), then the next step goes through the queue.
      const deadline = Date.now() + STEP_BUDGET_MS;
      for (;;) {
        const pending = await db
          .select()
          .from(orders)
          .where(and(eq(orders.eventId, job.id), eq(orders.status, "pending_payment")))
          .limit(CHUNK_SIZE);
        if (pending.length) {
          await Promise.all(
            pending.map((o) =>
              transition(db, o.id, "cancelled", {
                from: ["pending_payment"],
                event: makeEvent("OrderCancelled", { ...orderRef(o), reason: CANCELLATION_REASON }, causedBy(event)),
                patch: { note: `Event cancelled: ${found.reason}` },
              }),
            ),
          );
          log.info("cancellation_pending_cancelled", { eventId: job.id, count: pending.length });
          if (Date.now() < deadline) continue;
          return advance(job, event, next, {});
        }

        const paid: OrderRow[] = await db
          .select()
          .from(orders)
          .where(and(eq(orders.eventId, job.id), inArray(orders.status, REFUNDABLE), gt(orders.id, job.cursor)))
          .orderBy(asc(orders.id))
          .limit(CHUNK_SIZE);
        if (paid.length === 0) {
          log.info("cancellation_completed", { eventId: job.id, requested: job.requested });
          return advance(job, event, null, {});
        }
        await refundCancelledOrders(deps, job, paid, event);
        await deps.relay?.();
        const cursor: string = paid[paid.length - 1].id;
        if (Date.now() >= deadline) return advance(job, event, next, { cursor, requested: paid.length });
        if (!(await moveCursor(job, event, cursor, paid.length))) return; // another delivery of this step moved it
        job = { ...job, cursor, requested: job.requested + paid.length };
      }
    },
  };
}

/**
 * Requests the full refund of each paid order and writes its buyer's notice (once per order:
 * the notice id is derived from the order). Also used for an order confirmed after the batch
 * went past it (its payment committed just before sales froze).
 */
export async function refundCancelledOrders(deps: CancellationDeps, job: Pick<EventCancellationRow, "id" | "reason">, paid: OrderRow[], cause: Envelope) {
  const outcomes = await deps.refunds.refundForCancellation(
    paid.map((o) => ({ ...orderRef(o), amountVnd: o.paidAmountVnd ?? o.totalVnd, reason: `Event cancelled: ${job.reason}` })),
    causedBy(cause),
  );
  const byOrder = new Map(outcomes.map((o) => [o.orderId, o]));
  const notices = paid.map((o) => ({
    ...makeEvent(
      "OrderEventCancelled",
      { ...orderRef(o), refundId: byOrder.get(o.id)?.refundId ?? null, amountVnd: o.paidAmountVnd ?? o.totalVnd, reason: job.reason },
      causedBy(cause),
    ),
    id: noticeId(o.id),
  }));
  await deps.db.batch(notices.map((n) => outboxInsert(deps.db as never, n).onConflictDoNothing()) as never);
  const skipped = outcomes.filter((o) => o.status === "skipped");
  if (skipped.length) deps.log.warn("cancellation_refunds_skipped", { eventId: job.id, skipped });
}

export type CancellationProgress = {
  total: number;
  succeeded: number;
  failed: number;
  pending: number;
  status: "starting" | "running" | "completed";
  startedAt: string | null;
  completedAt: string | null;
};

/**
 * The refunds a cancellation started: total is what the batch found paid when it started (or
 * finds now, before it starts), succeeded/failed come from the refunds worker. completed: the
 * batch requested every refund and none is undecided (failed ones can be retried there).
 */
export async function cancellationProgress(db: Db, refunds: RefundsApi, eventId: string): Promise<CancellationProgress> {
  const [job, counts] = await Promise.all([loadCancellation(db, eventId), refunds.cancellationRefundCounts(eventId)]);
  const total = Math.max(job?.total ?? (await countRefundable(db, eventId)), counts.total);
  const pending = total - counts.succeeded - counts.failed;
  const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());
  return {
    total,
    succeeded: counts.succeeded,
    failed: counts.failed,
    pending,
    status: !job ? "starting" : job.status === "completed" && pending === 0 ? "completed" : "running",
    startedAt: iso(job?.startedAt),
    completedAt: job?.status === "completed" && pending === 0 ? iso(job.completedAt) : null,
  };
}
