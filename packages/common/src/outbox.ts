import { sqliteTable, text, integer } from "drizzle-orm/sqlite-core";
import { and, asc, eq, inArray, isNull, lt, sql, type SQL } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { INBOXES, SUBSCRIPTIONS, eventTypes, type Envelope, type EventType } from "./events";
import type { Logger } from "./log";
import { deliverDirectly, type DirectDeliveryEnv, type Taken } from "./direct-delivery";

/**
 * Transactional outbox and processed-event tables: every producing/consuming worker's D1 has
 * both (see migrations/<domain>/0001_*.sql), so a state change and the event it causes are
 * written in one `db.batch`, and redelivered events are recognised.
 */
export const outbox = sqliteTable("outbox", {
  id: text("id").primaryKey(),
  type: text("type").notNull(),
  envelope: text("envelope").notNull(),
  createdAt: integer("created_at").notNull(),
  sentAt: integer("sent_at"),
  attempts: integer("attempts").notNull().default(0),
  /** Subscriber inboxes that confirmed receipt (comma-separated); see delivery.ts. */
  deliveredTo: text("delivered_to"),
  /** When every subscriber confirmed receipt; until then the producer's cron may re-send. */
  deliveredAt: integer("delivered_at"),
  resends: integer("resends").notNull().default(0),
});

export const processedEvents = sqliteTable("processed_events", {
  eventId: text("event_id").primaryKey(),
  type: text("type").notNull(),
  processedAt: integer("processed_at").notNull(),
});

export const deadLetters = sqliteTable("dead_letters", {
  id: text("id").primaryKey(),
  queue: text("queue").notNull(),
  body: text("body").notNull(),
  receivedAt: integer("received_at").notNull(),
});

export const OUTBOX_SQL = `CREATE TABLE outbox (id TEXT PRIMARY KEY, type TEXT NOT NULL, envelope TEXT NOT NULL, created_at INTEGER NOT NULL, sent_at INTEGER, attempts INTEGER NOT NULL DEFAULT 0, delivered_to TEXT, delivered_at INTEGER, resends INTEGER NOT NULL DEFAULT 0);`;

type AnyDb = DrizzleD1Database<Record<string, unknown>>;

/** The insert to put into the same batch as the state change. */
export function outboxInsert(db: AnyDb, event: Envelope) {
  return db.insert(outbox).values({ id: event.id, type: event.type, envelope: JSON.stringify(event), createdAt: Date.now() });
}

/**
 * The insert for a drizzle batch, writing the event only if `condition` holds when it runs (e.g.
 * `EXISTS (…the row carries this change's revision…)`, placed after the guarded update).
 */
export function outboxInsertIf(db: AnyDb, event: Envelope, condition: SQL) {
  // insert … select names every column of the table, in order.
  return db
    .insert(outbox)
    .select(sql`SELECT ${event.id}, ${event.type}, ${JSON.stringify(event)}, ${Date.now()}, NULL, 0, NULL, NULL, 0 WHERE ${condition}`);
}

/**
 * For a guarded transition in a D1 batch: `UPDATE <table> SET …, last_event_id = <event.id>
 * WHERE id = ? AND status IN (…)` first, then this insert, which writes the event only if that
 * update stamped the row (the event id is fresh, so only the update that really changed the row
 * can match). A redelivered message whose update finds the row already moved writes nothing.
 * `table` must be a trusted identifier with `id` and `last_event_id` columns. `stamp`: more
 * events written by the same transition name its stamp (the first event's id).
 */
export function stampedOutboxInsert(d1: D1Database, event: Envelope, table: string, rowId: string, stamp: string = event.id): D1PreparedStatement {
  return d1
    .prepare(
      `INSERT INTO outbox (id, type, envelope, created_at)
       SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM "${table}" WHERE id = ?5 AND last_event_id = ?6)`,
    )
    .bind(event.id, event.type, JSON.stringify(event), Date.now(), rowId, stamp);
}

const UNSUBSCRIBED_TYPES = eventTypes.filter((t) => SUBSCRIPTIONS[t].length === 0);

export type QueueEnv = Partial<Record<(typeof INBOXES)[keyof typeof INBOXES], Queue>> & DirectDeliveryEnv;

/** Fans events out to their subscribers' inboxes (one sendBatch per inbox), but not to an inbox that already took the event directly. */
export async function publish(env: QueueEnv, events: Envelope[], taken: Taken = new Map()): Promise<void> {
  const perQueue = new Map<Queue, MessageSendRequest[]>();
  for (const event of events) {
    for (const inbox of SUBSCRIPTIONS[event.type as EventType]) {
      if (taken.get(inbox)?.has(event.id)) continue;
      const binding = INBOXES[inbox];
      const queue = env[binding];
      if (!queue) throw new Error(`missing queue binding ${binding} for ${event.type}`);
      const list = perQueue.get(queue) ?? [];
      list.push({ body: event, contentType: "json" });
      perQueue.set(queue, list);
    }
  }
  await Promise.all([...perQueue].map(([q, msgs]) => q.sendBatch(msgs)));
}

/**
 * Concurrent relays in one isolate share one run: a call while a relay is in flight (same
 * worker env) does not read and send the same unsent rows again (under a burst every caller
 * used to publish up to `limit` rows, the same ones, and every consumer had to drop the
 * duplicates); it asks the running relay for one more round and settles with it, so rows
 * written before the call are covered. The run belongs to the caller that started it, like the
 * group commits: promises are awaited across requests, never resolved across.
 */
const relaysInFlight = new WeakMap<object, { again: boolean; startedAt: number; done: Promise<number> }>();
/**
 * The run is keyed on the database binding, the one object that stays the same across an
 * isolate's requests: `env` does not (every request and queue batch gets its own proxy that puts
 * deadlines on RPC calls, resilience.ts), and keying on it shared nothing.
 */
const relayKey = (db: AnyDb, env: QueueEnv): object => ((db as { $client?: object }).$client ?? env);
/**
 * A run older than this is not joined, and a joiner waits for it at most this long before it
 * relays on its own: the run lives in its starter's context, which the runtime may cancel (its
 * waitUntil time ran out), and then it never settles.
 */
const RELAY_JOIN_MS = 5_000;

export function relayOutbox(db: AnyDb, env: QueueEnv, log?: Logger, limit = 100): Promise<number> {
  const key = relayKey(db, env);
  const running = relaysInFlight.get(key);
  if (running && Date.now() - running.startedAt < RELAY_JOIN_MS) {
    running.again = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ownRelay = new Promise<number>((resolve, reject) => {
      timer = setTimeout(() => relayOnce(db, env, log, limit).then(resolve, reject), RELAY_JOIN_MS);
    });
    return Promise.race([running.done, ownRelay]).finally(() => clearTimeout(timer));
  }
  const run = { again: false, startedAt: Date.now(), done: Promise.resolve(0) };
  run.done = (async () => {
    let relayed = 0;
    try {
      do {
        run.again = false;
        relayed += await relayOnce(db, env, log, limit);
      } while (run.again);
    } finally {
      if (relaysInFlight.get(key) === run) relaysInFlight.delete(key);
    }
    return relayed;
  })();
  relaysInFlight.set(key, run);
  return run.done;
}

/**
 * Sends unsent outbox rows and marks them sent. Runs right after a write (waitUntil) and from
 * a cron; two relays racing (other isolates, the cron) may both send a row, which idempotent
 * consumers absorb.
 */
async function relayOnce(db: AnyDb, env: QueueEnv, log?: Logger, limit = 100): Promise<number> {
  const rows = await db
    .select()
    .from(outbox)
    .where(and(isNull(outbox.sentAt), lt(outbox.attempts, 1000)))
    .orderBy(asc(outbox.createdAt))
    .limit(limit);
  if (rows.length === 0) return 0;
  const ids = rows.map((r) => r.id);
  try {
    const events = rows.map((r) => JSON.parse(r.envelope) as Envelope);
    await publish(env, events, await deliverDirectly(env, events, log));
    const now = Date.now();
    // Events nobody subscribes to (OrderCreated) are delivered once sent: the receipts check
    // (delivery.ts) never needs to look at them. Chunks keep each UPDATE under D1's 100 parameters.
    const unsubscribed = sql.raw(UNSUBSCRIBED_TYPES.map((t) => `'${t}'`).join(",") || "''");
    for (let i = 0; i < ids.length; i += 90) {
      await db
        .update(outbox)
        .set({ sentAt: now, deliveredAt: sql`CASE WHEN ${outbox.type} IN (${unsubscribed}) THEN ${now} END` })
        .where(inArray(outbox.id, ids.slice(i, i + 90)));
    }
  } catch (err) {
    log?.error("outbox_relay_failed", { error: (err as Error).message, count: ids.length });
    for (const id of ids) {
      const row = rows.find((r) => r.id === id)!;
      await db.update(outbox).set({ attempts: row.attempts + 1 }).where(eq(outbox.id, id));
    }
    return 0;
  }
  return rows.length;
}
