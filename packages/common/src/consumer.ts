import { eq } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { ulid } from "ulid";
import { parseEnvelope, type Envelope, type EventType } from "./events";
import { deadLetters, processedEvents } from "./outbox";
import { processedAmong } from "./delivery";
import { createLogger, withTrace } from "./log";
import { recordMetric, type MetricsEnv } from "./metrics";

type AnyDb = DrizzleD1Database<Record<string, unknown>>;
export type EventHandlers = Partial<{ [T in EventType]: (event: Envelope<T>) => Promise<void> }>;

/**
 * Idempotent inbox consumer: each message is acked only after its handler succeeded and its
 * id was recorded; a failing handler makes that message (alone) retry with backoff, and after
 * max_retries the queue moves it to the dead-letter queue. Handlers themselves use guarded
 * transitions, so a crash between the effect and the record is harmless on redelivery.
 *
 * With `sagasInParallel` (consumers whose handlers touch only their own saga's rows: orders,
 * tickets), messages of one saga (same correlationId, e.g. one order) run one after another in
 * batch order and different sagas run concurrently, so a batch takes as long as its slowest
 * saga rather than the sum of all. Without it (handlers that dedupe across sagas, e.g. one
 * notification per buyer and event) every message runs in batch order, one at a time.
 * With `metrics`, the batch's lag (age of its oldest message) is recorded as queue_lag.
 */
export async function consumeInbox(
  batch: MessageBatch<unknown>,
  db: AnyDb,
  handlers: EventHandlers,
  service: string,
  opts: { metrics?: MetricsEnv; sagasInParallel?: boolean } = {},
) {
  const log = createLogger({ service, queue: batch.queue });
  const { metrics } = opts;
  const oldest = Math.min(...batch.messages.map((m) => m.timestamp.getTime()));
  const lag = metrics && batch.messages.length ? recordMetric(metrics, service, "queue_lag", { label: batch.queue, value: Math.max(0, Date.now() - oldest) }) : null;
  const sagas = new Map<string, Array<{ msg: Message<unknown>; event: Envelope }>>();
  for (const msg of batch.messages) {
    let event: Envelope;
    try {
      event = parseEnvelope(msg.body);
    } catch (err) {
      log.error("poison_message", { messageId: msg.id, error: (err as Error).message.slice(0, 500) });
      msg.retry({ delaySeconds: 1 });
      continue;
    }
    const key = opts.sagasInParallel ? event.correlationId : "";
    const saga = sagas.get(key) ?? [];
    saga.push({ msg, event });
    sagas.set(key, saga);
  }
  // One read for the whole batch finds the redelivered events; only a second copy of an event
  // within this batch (run after the first, same saga) is looked up again on its own.
  const seen = await processedAmong(db, [...sagas.values()].flat().map(({ event }) => event.id));
  const inBatch = new Set<string>();
  await Promise.all(
    [...sagas.values()].map(async (saga) => {
      for (const { msg, event } of saga) {
        if (seen.has(event.id)) {
          msg.ack();
          continue;
        }
        const again = inBatch.has(event.id);
        inBatch.add(event.id);
        await consumeOne(msg, event, db, handlers, log, again);
      }
    }),
  );
  await lag;
}

async function consumeOne(msg: Message<unknown>, event: Envelope, db: AnyDb, handlers: EventHandlers, log: ReturnType<typeof createLogger>, checkSeen: boolean) {
  // An event without a handler here is received and deliberately ignored: still recorded, so
  // its producer's receipts check (delivery.ts) does not send it again.
  const handler = (handlers[event.type] as ((e: Envelope) => Promise<void>) | undefined) ?? (async () => {});
  try {
    const seen = checkSeen && (await db.select().from(processedEvents).where(eq(processedEvents.eventId, event.id)).get());
    if (seen) {
      msg.ack();
      return;
    }
    // The handler runs in the event's trace: its lines and the events it makes carry the order
    // (correlation) id and the request id that started the chain.
    await withTrace({ correlationId: event.correlationId, requestId: event.requestId }, async () => {
      await handler(event);
      log.info("event_handled", { eventId: event.id, type: event.type });
    });
    await db.insert(processedEvents).values({ eventId: event.id, type: event.type, processedAt: Date.now() }).onConflictDoNothing();
    msg.ack();
  } catch (err) {
    const backoff = Math.min(60, 2 ** msg.attempts);
    log.error("handler_failed", {
      eventId: event.id,
      type: event.type,
      correlationId: event.correlationId,
      requestId: event.requestId,
      attempts: msg.attempts,
      error: (err as Error).message,
    });
    msg.retry({ delaySeconds: backoff });
  }
}

/** Dead-letter consumer: parks every message in D1 where an operator can read (and replay) it. */
export async function parkDeadLetters(batch: MessageBatch<unknown>, db: AnyDb, metrics?: { env: MetricsEnv; worker: string }) {
  for (const msg of batch.messages) {
    if (metrics) await recordMetric(metrics.env, metrics.worker, "dead_letter", { label: batch.queue });
    await db
      .insert(deadLetters)
      .values({ id: msg.id || ulid(), queue: batch.queue, body: JSON.stringify(msg.body), receivedAt: Date.now() })
      .onConflictDoNothing();
    msg.ack();
  }
}

/**
 * Events a producer's relay hands over directly (direct-delivery.ts), run exactly like a queue
 * batch of them: same parsing, dedupe, handlers and processed_events record. Answers the ids
 * handled, now or before; whatever failed (a handler error, a malformed event) is left to the
 * queue copy the producer then sends, with its retries and dead-letter queue.
 */
export async function consumeDirect(
  events: unknown[],
  db: AnyDb,
  handlers: EventHandlers,
  service: string,
  opts: { sagasInParallel?: boolean } = {},
): Promise<string[]> {
  if (!Array.isArray(events)) throw new TypeError("events must be an array");
  const taken: string[] = [];
  const now = new Date();
  const messages = events.map((body, i) => ({
    id: `direct-${i}`,
    body,
    timestamp: now,
    attempts: 1,
    ack: () => void taken.push((body as { id: string }).id),
    retry: () => undefined,
  }));
  const batch = { queue: `${service}-direct`, messages, ackAll: () => undefined, retryAll: () => undefined };
  await consumeInbox(batch as unknown as MessageBatch<unknown>, db, handlers, service, { sagasInParallel: opts.sagasInParallel });
  return taken;
}
