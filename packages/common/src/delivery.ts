import { and, asc, inArray, isNotNull, isNull, lt, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { INBOXES, SUBSCRIPTIONS, type Envelope, type EventType, type Inbox } from "./events";
import { deadLetters, outbox, processedEvents, relayOutbox, type QueueEnv } from "./outbox";
import type { Logger } from "./log";

/**
 * Delivery confirmed by effect, not by send. A queue that accepted a message may still lose it
 * (local Queues keep messages in memory, so a crash of `wrangler dev` drops them; in production
 * a consumer bug that acks without effect does the same), while the relay already marked the
 * outbox row sent. So each producer's cron asks every subscriber whether it received the sent
 * rows (its processed_events, or its dead letters) and sends the missing ones again to that
 * inbox only, with a growing delay. Consumers are idempotent, so a copy too many is harmless.
 */

type AnyDb = DrizzleD1Database<Record<string, unknown>>;

/** A consumer's answer to "which of these events did you receive?" (RPC entrypoint InboxReceipts). */
export type InboxReceiptsApi = { received(ids: string[]): Promise<string[]> };

/** Producers bind each subscriber's InboxReceipts entrypoint as `<INBOX>_RECEIPTS`. */
export type ReceiptsEnv = Partial<Record<`${Uppercase<Inbox>}_RECEIPTS`, InboxReceiptsApi>> & { OUTBOX_REDELIVER_AFTER_SECONDS?: string };

const receiptsBinding = (inbox: Inbox) => `${inbox.toUpperCase()}_RECEIPTS` as `${Uppercase<Inbox>}_RECEIPTS`;

// D1 binds at most 100 parameters per statement.
const CHUNK = 90;
const chunks = <T>(items: T[]) => Array.from({ length: Math.ceil(items.length / CHUNK) }, (_, i) => items.slice(i * CHUNK, (i + 1) * CHUNK));

/** The ids among `ids` this worker's consumer already processed. */
export async function processedAmong(db: AnyDb, ids: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const part of chunks([...new Set(ids)])) {
    const processed = await db.select({ id: processedEvents.eventId }).from(processedEvents).where(inArray(processedEvents.eventId, part));
    for (const r of processed) found.add(r.id);
  }
  return found;
}

/** The ids among `ids` this worker's inbox received: processed, or parked as a dead letter. */
export async function receivedEvents(db: AnyDb, ids: string[]): Promise<string[]> {
  const found = await processedAmong(db, ids);
  for (const part of chunks([...new Set(ids)])) {
    const parked = await db
      .select({ id: sql<string>`json_extract(${deadLetters.body}, '$.id')` })
      .from(deadLetters)
      .where(inArray(sql`json_extract(${deadLetters.body}, '$.id')`, part));
    for (const r of parked) found.add(r.id);
  }
  return [...found];
}

/** Sends events to one inbox (a redelivery goes only where it was missing). */
export async function publishTo(env: QueueEnv, inbox: Inbox, events: Envelope[]): Promise<void> {
  const queue = env[INBOXES[inbox]];
  if (!queue) throw new Error(`missing queue binding ${INBOXES[inbox]}`);
  for (const part of chunks(events)) await queue.sendBatch(part.map((body) => ({ body, contentType: "json" as const })));
}

export const DEFAULT_REDELIVER_AFTER_MS = 30_000;

/** `OUTBOX_REDELIVER_AFTER_SECONDS` (tests shorten it), else 30 s. */
export function redeliverAfterMs(env: { OUTBOX_REDELIVER_AFTER_SECONDS?: string }): number {
  const n = Number(env.OUTBOX_REDELIVER_AFTER_SECONDS);
  return Number.isFinite(n) && n > 0 ? n * 1000 : DEFAULT_REDELIVER_AFTER_MS;
}

export type RedeliveryOptions = {
  /** The inbox this worker consumes itself: its receipts are read from its own D1. */
  self?: Inbox;
  log?: Logger;
  /** A sent row is checked once it is this old; the n-th redelivery waits after · 2^n. */
  afterMs?: number;
  /** Redeliveries per row before it is left for an operator (logged as outbox_undelivered). */
  maxResends?: number;
  /** Rows per page, and pages per run. */
  limit?: number;
  pages?: number;
  now?: number;
};

export type RedeliveryResult = { checked: number; delivered: number; resent: number };

/**
 * Confirms sent outbox rows against their subscribers' receipts and re-sends what is missing.
 * Runs from the producer's cron, never on a request path, a page of `limit` rows at a time (up
 * to `pages`). A subscriber whose receipts cannot be read this time is neither confirmed nor
 * re-sent to; the next run asks again.
 */
export async function redeliverOutbox(db: AnyDb, env: QueueEnv & ReceiptsEnv, opts: RedeliveryOptions = {}): Promise<RedeliveryResult> {
  const total = { checked: 0, delivered: 0, resent: 0 };
  for (let page = 0; page < (opts.pages ?? 10); page++) {
    const { checked, delivered, resent, complete } = await redeliverPage(db, env, opts);
    total.checked += checked;
    total.delivered += delivered;
    total.resent += resent;
    // A short page is the last; a page with unanswered receipts would come back unchanged.
    if (checked < (opts.limit ?? 200) || !complete) break;
  }
  return total;
}

async function redeliverPage(db: AnyDb, env: QueueEnv & ReceiptsEnv, opts: RedeliveryOptions) {
  const now = opts.now ?? Date.now();
  const afterMs = opts.afterMs ?? redeliverAfterMs(env);
  const maxResends = opts.maxResends ?? 8;
  const due = await db
    .select()
    .from(outbox)
    .where(
      and(
        isNotNull(outbox.sentAt),
        isNull(outbox.deliveredAt),
        lt(outbox.sentAt, now - afterMs), // the partial index outbox_undelivered
        sql`${outbox.sentAt} <= ${now} - ${afterMs} * (1 << ${outbox.resends})`,
        lt(outbox.resends, maxResends),
      ),
    )
    .orderBy(asc(outbox.sentAt))
    .limit(opts.limit ?? 200);
  if (due.length === 0) return { checked: 0, delivered: 0, resent: 0, complete: true };

  const confirmed = new Map(due.map((r) => [r.id, new Set((r.deliveredTo ?? "").split(",").filter(Boolean))]));
  const missingOf = (r: (typeof due)[number]) => SUBSCRIPTIONS[r.type as EventType].filter((inbox) => !confirmed.get(r.id)!.has(inbox));

  // Ask each subscriber about the rows it has not confirmed yet.
  const unknown = new Set<string>(); // `${rowId}:${inbox}` whose receipts could not be read
  const asked = new Map<Inbox, string[]>();
  for (const r of due) for (const inbox of missingOf(r)) asked.set(inbox, [...(asked.get(inbox) ?? []), r.id]);
  for (const [inbox, ids] of asked) {
    try {
      const receipts = inbox === opts.self ? null : env[receiptsBinding(inbox)];
      if (inbox !== opts.self && !receipts) throw new Error(`missing binding ${receiptsBinding(inbox)}`);
      const got = new Set(receipts ? await receipts.received(ids) : await receivedEvents(db, ids));
      for (const id of ids) if (got.has(id)) confirmed.get(id)!.add(inbox);
    } catch (err) {
      opts.log?.error("outbox_receipts_failed", { inbox, count: ids.length, error: (err as Error).message });
      for (const id of ids) unknown.add(`${id}:${inbox}`);
    }
  }

  const resend = new Map<Inbox, Envelope[]>();
  const deliveredBy = new Map<string, string[]>(); // delivered_to → row ids (one UPDATE per group)
  const updates = [];
  let resent = 0;
  for (const r of due) {
    const missing = missingOf(r);
    const toResend = missing.filter((inbox) => !unknown.has(`${r.id}:${inbox}`));
    const deliveredTo = [...confirmed.get(r.id)!].join(",");
    if (missing.length === 0) {
      deliveredBy.set(deliveredTo, [...(deliveredBy.get(deliveredTo) ?? []), r.id]);
      continue;
    }
    if (toResend.length === 0) {
      updates.push(db.update(outbox).set({ deliveredTo: deliveredTo || null }).where(sql`${outbox.id} = ${r.id}`));
      continue;
    }
    const envelope = JSON.parse(r.envelope) as Envelope;
    for (const inbox of toResend) resend.set(inbox, [...(resend.get(inbox) ?? []), envelope]);
    resent++;
    const level = r.resends + 1 >= maxResends ? "error" : "warn";
    opts.log?.[level](level === "error" ? "outbox_undelivered" : "outbox_redelivered", { eventId: r.id, type: r.type, inboxes: toResend, resends: r.resends + 1 });
    updates.push(db.update(outbox).set({ sentAt: now, resends: r.resends + 1, deliveredTo: deliveredTo || null }).where(sql`${outbox.id} = ${r.id}`));
  }
  let delivered = 0;
  for (const [deliveredTo, ids] of deliveredBy) {
    delivered += ids.length;
    for (const part of chunks(ids)) updates.push(db.update(outbox).set({ deliveredAt: now, deliveredTo: deliveredTo || null }).where(inArray(outbox.id, part)));
  }
  // Send first, then record: a crash in between only means one more (harmless) copy next time.
  for (const [inbox, events] of resend) await publishTo(env, inbox, events);
  if (updates.length) await db.batch(updates as [(typeof updates)[number], ...(typeof updates)[number][]]);
  return { checked: due.length, delivered, resent, complete: unknown.size === 0 };
}

/** A producer's cron: send what is unsent, then confirm (or re-send) what was sent. */
export async function sweepOutbox(db: AnyDb, env: QueueEnv & ReceiptsEnv, opts: RedeliveryOptions = {}) {
  const sent = await relayOutbox(db, env, opts.log);
  const redelivery = await redeliverOutbox(db, env, opts);
  if (redelivery.resent) opts.log?.warn("outbox_redelivery", { ...redelivery });
  return { sent, ...redelivery };
}
