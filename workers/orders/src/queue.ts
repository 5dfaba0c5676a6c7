import { consumeDirect, consumeInbox, createLogger, directEventsFor, parkDeadLetters, relayOutbox, type EventHandlers, type Logger } from "@tickets/common";
import { inventory, type Env } from "./env";
import { getDb } from "./db/client";
import { sagaHandlers } from "./domain/saga";
import { cancellationHandlers } from "./domain/event-cancellation";

const RELAY_ROUNDS = 50;

/**
 * orders-inbox: saga events and the event-cancellation batch (idempotent through
 * processed_events plus guarded transitions);
 * orders-dlq: whatever exhausted its retries, parked for GET /api/orders/admin/dead-letters.
 * `wrap` lets tests put a fault around the real handlers.
 */
export async function handleQueue(batch: MessageBatch<unknown>, env: Env, wrap: (h: EventHandlers) => EventHandlers = (h) => h) {
  const db = getDb(env.DB);
  const log = createLogger({ service: "orders", queue: batch.queue });
  if (batch.queue.endsWith("-dlq")) {
    await parkDeadLetters(batch, db as never, { env, worker: "orders" });
    log.warn("dead_letters_parked", { count: batch.messages.length });
    return;
  }
  const relay = relayAll(db, env, log);
  await consumeInbox(batch, db as never, wrap(inboxHandlers(db, env, log, relay)), "orders", { metrics: env, sagasInParallel: true });
  await relay();
}

/**
 * PaymentSucceeded handed over by payments' relay without the queue (direct-delivery.ts):
 * the same handlers, the ids handled back; this worker's own events are relayed afterwards.
 */
export async function takeDirectly(events: unknown[], env: Env, ctx: ExecutionContext): Promise<string[]> {
  const db = getDb(env.DB);
  const log = createLogger({ service: "orders", lane: "direct" });
  const relay = relayAll(db, env, log);
  const taken = await consumeDirect(directEventsFor("orders", events), db as never, inboxHandlers(db, env, log, relay), "orders", { sagasInParallel: true });
  ctx.waitUntil(relay());
  return taken;
}

function inboxHandlers(db: ReturnType<typeof getDb>, env: Env, log: Logger, relay: () => Promise<void>): EventHandlers {
  return {
    ...sagaHandlers({ db, inventory: (eventId, buyerId) => inventory(env, eventId, buyerId), log, refunds: env.REFUNDS_RPC }),
    ...cancellationHandlers({ db, refunds: env.REFUNDS_RPC, log, relay }),
  };
}

// A cancellation chunk writes up to CHUNK_SIZE notices at once: send the outbox until it is empty.
const relayAll = (db: ReturnType<typeof getDb>, env: Env, log: Logger) => async () => {
  for (let round = 0; round < RELAY_ROUNDS && (await relayOutbox(db as never, env, log)) > 0; round++);
};
