import { consumeInbox, createLogger, parkDeadLetters, relayOutbox, type EventHandlers } from "@tickets/common";
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
  // A cancellation chunk writes up to CHUNK_SIZE notices at once: send the outbox until it is empty.
  const relay = async () => {
    for (let round = 0; round < RELAY_ROUNDS && (await relayOutbox(db as never, env, log)) > 0; round++);
  };
  const handlers = wrap({
    ...sagaHandlers({ db, inventory: (eventId, buyerId) => inventory(env, eventId, buyerId), log, refunds: env.REFUNDS_RPC }),
    ...cancellationHandlers({ db, refunds: env.REFUNDS_RPC, log, relay }),
  });
  await consumeInbox(batch, db as never, handlers, "orders", { metrics: env, sagasInParallel: true });
  await relay();
}
