import { consumeDirect, consumeInbox, createLogger, directEventsFor, parkDeadLetters, recordMetric, relayOutbox, sweepOutbox, type EventHandlers, type Logger } from "@tickets/common";
import type { Env } from "./env";
import { dbOf } from "./db/client";
import { keyRing } from "./domain/codes";
import { issueTickets } from "./domain/issue";
import { voidOrderTickets } from "./domain/void";
import { rememberEvent } from "./domain/holders";

/** tickets-inbox: OrderConfirmed → issue; RefundSucceeded → void. tickets-dlq: park for operators. */
export async function handleQueue(batch: MessageBatch<unknown>, env: Env, ctx: ExecutionContext) {
  const db = dbOf(env);
  if (batch.queue.endsWith("-dlq")) return parkDeadLetters(batch, db, { env, worker: "tickets" });
  const log = createLogger({ service: "tickets", queue: batch.queue });
  await consumeInbox(batch, db, await inboxHandlers(db, env, ctx, log), "tickets", { metrics: env, sagasInParallel: true });
  ctx.waitUntil(relayOutbox(db, env, log));
}

/**
 * OrderConfirmed handed over by orders' relay without the queue (direct-delivery.ts): the same
 * handlers, the ids handled back; TicketsIssued is relayed afterwards.
 */
export async function takeDirectly(events: unknown[], env: Env, ctx: ExecutionContext): Promise<string[]> {
  const db = dbOf(env);
  const log = createLogger({ service: "tickets", lane: "direct" });
  const taken = await consumeDirect(directEventsFor("tickets", events), db, await inboxHandlers(db, env, ctx, log), "tickets", { sagasInParallel: true });
  ctx.waitUntil(relayOutbox(db, env, log));
  return taken;
}

async function inboxHandlers(db: ReturnType<typeof dbOf>, env: Env, ctx: ExecutionContext, log: Logger): Promise<EventHandlers> {
  const ring = await keyRing(env);
  return {
    OrderConfirmed: async (event) => {
      const result = await issueTickets({ db, ring, log }, event);
      if (result.outcome !== "issued") return;
      ctx.waitUntil(rememberEvent(db, env.EVENTS_RPC, event.payload.eventId, log));
      const paidAt = Date.parse(event.payload.paymentRecordedAt ?? event.occurredAt);
      await recordMetric(env, "tickets", "tickets_issued", { subject: event.payload.orderId, value: Math.max(0, Date.now() - paidAt) });
    },
    RefundSucceeded: async (event) => {
      // An organizer's partial refund gives money back only: the tickets stay valid.
      if (event.payload.voidsTickets === false) return;
      const voided = await voidOrderTickets(db, event);
      log.info("tickets_voided", { orderId: event.payload.orderId, count: voided });
    },
  };
}

export async function handleScheduled(_controller: ScheduledController, env: Env, ctx: ExecutionContext) {
  // Send the outbox, and re-send TicketsIssued that notifications never received.
  ctx.waitUntil(sweepOutbox(dbOf(env), env, { log: createLogger({ service: "tickets", cron: "relay" }) }));
}
