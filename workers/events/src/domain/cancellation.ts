import { and, eq, isNull } from "drizzle-orm";
import { errors, makeEvent, outboxInsert, relayOutbox, type Actor, type Identity, type Logger } from "@tickets/common";
import { events } from "../db/schema";
import type { Env } from "../env";
import { loadManagedEvent, type Db } from "./access";
import { inventoryOf } from "./inventory-sync";
import { eventAudit } from "./events";
import { eventJson } from "./present";
import { toIso } from "./validate";

/** One EventCancelled per event, whoever calls and however often: its id is derived from the event. */
export const eventCancelledId = (eventId: string) => `event-cancelled-${eventId}`;

/**
 * POST /api/events/:id/cancel. Sales stop first: the inventory object refuses every hold from
 * now on and releases the pending ones (final and idempotent). Then, once, cancelled_at and
 * EventCancelled (→ orders, which refunds every paid order in a resumable batch) go into one D1
 * batch, and the outbox is relayed. Calling it again repeats the idempotent steps (so a call cut
 * short by a crash is completed by the next) and changes nothing else.
 */
export async function cancelEvent(env: Env, db: Db, actor: Actor, id: string, reason: string, log: Logger) {
  const { event, who } = await loadManagedEvent(db, id, actor.identity);
  await inventoryOf(env, id).cancel(id);
  if (event.cancelledAt === null) {
    const now = Date.now();
    const cancelled = {
      ...makeEvent("EventCancelled", { eventId: id, reason, cancelledBy: who.userId, cancelledAt: toIso(now) }, { correlationId: id }),
      id: eventCancelledId(id),
    };
    await db.batch([
      db
        .update(events)
        .set({ cancelledAt: now, cancellationReason: reason, cancelledBy: who.userId, updatedAt: now })
        .where(and(eq(events.id, id), isNull(events.cancelledAt))),
      outboxInsert(db, cancelled).onConflictDoNothing(),
      // Once per event, like EventCancelled: only the call that really cancelled is audited.
      outboxInsert(db, { ...eventAudit(who, actor, "event.cancel", `event:${id}`), id: `audit-event-cancel-${id}` }).onConflictDoNothing(),
    ]);
    log.info("event_cancelled", { eventId: id, by: who.userId });
  }
  await relayOutbox(db, env, log);
  const row = await db.select().from(events).where(eq(events.id, id)).get();
  return eventJson(row!);
}

/** GET /api/events/:id/cancellation: the refunds the cancellation started (counted by orders and refunds). */
export async function cancellationProgress(env: Env, db: Db, identity: Identity | null, id: string) {
  const { event } = await loadManagedEvent(db, id, identity);
  if (event.cancelledAt === null) throw errors.notFound("Cancellation");
  const progress = await env.ORDERS_RPC.cancellationProgress(id);
  return {
    ...progress,
    startedAt: progress.startedAt ?? toIso(event.cancelledAt),
    reason: event.cancellationReason ?? "",
  };
}

