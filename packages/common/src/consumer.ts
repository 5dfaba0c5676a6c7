import { eq } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { ulid } from "ulid";
import { parseEnvelope, type Envelope, type EventType } from "./events";
import { deadLetters, processedEvents } from "./outbox";
import { createLogger, withTrace } from "./log";
import { recordMetric, type MetricsEnv } from "./metrics";

type AnyDb = DrizzleD1Database<Record<string, unknown>>;
export type EventHandlers = Partial<{ [T in EventType]: (event: Envelope<T>) => Promise<void> }>;

/**
 * Idempotent inbox consumer: each message is acked only after its handler succeeded and its
 * id was recorded; a failing handler makes that message (alone) retry with backoff, and after
 * max_retries the queue moves it to the dead-letter queue. Handlers themselves use guarded
 * transitions, so a crash between the effect and the record is harmless on redelivery.
 */
export async function consumeInbox(batch: MessageBatch<unknown>, db: AnyDb, handlers: EventHandlers, service: string, metrics?: MetricsEnv) {
  const log = createLogger({ service, queue: batch.queue });
  // How far behind this inbox runs: the age of the batch's oldest message (queue_lag, ms).
  const oldest = Math.min(...batch.messages.map((m) => m.timestamp.getTime()));
  const lag = metrics && batch.messages.length ? recordMetric(metrics, service, "queue_lag", { label: batch.queue, value: Math.max(0, Date.now() - oldest) }) : null;
  for (const msg of batch.messages) {
    let event: Envelope;
    try {
      event = parseEnvelope(msg.body);
    } catch (err) {
      log.error("poison_message", { messageId: msg.id, error: (err as Error).message.slice(0, 500) });
      msg.retry({ delaySeconds: 1 });
      continue;
    }
    // An event without a handler here is received and deliberately ignored: still recorded, so
    // its producer's receipts check (delivery.ts) does not send it again.
    const handler = (handlers[event.type] as ((e: Envelope) => Promise<void>) | undefined) ?? (async () => {});
    try {
      const seen = await db.select().from(processedEvents).where(eq(processedEvents.eventId, event.id)).get();
      if (seen) {
        msg.ack();
        continue;
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
  await lag;
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
