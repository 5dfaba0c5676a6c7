import { and, asc, eq, gte, isNull, lt, ne, sql } from "drizzle-orm";
import type { Logger } from "@tickets/common";
import { eventInfo, tickets } from "../db/schema";
import type { EventsApi } from "../env";
import type { Db } from "./tickets";

export type EventHolders = {
  eventId: string;
  title: string;
  venue: string;
  startsAt: string;
  holders: Array<{ buyerId: string; buyerEmail: string | null; tickets: number }>;
};

const REFRESH_AFTER_MS = 60 * 60_000;
const REFRESH_BATCH = 50;

/** Snapshot of an event's title and start, refreshed from the events worker. */
export async function refreshEventInfo(db: Db, events: EventsApi, eventId: string, now = Date.now()) {
  const s = await events.getEventSummary(eventId);
  const row = s
    ? { eventId, title: s.title, venue: s.venue, startsAt: Date.parse(s.startsAt), status: s.status, refreshedAt: now }
    : { eventId, title: "", venue: "", startsAt: 0, status: "missing", refreshedAt: now };
  await db
    .insert(eventInfo)
    .values(row)
    .onConflictDoUpdate({ target: eventInfo.eventId, set: { title: row.title, venue: row.venue, startsAt: row.startsAt, status: row.status, refreshedAt: now } });
}

/** Events this isolate refreshed lately: a burst of issuances for one event refreshes it once. */
const rememberedAt = new Map<string, number>();
const REMEMBER_AGAIN_AFTER_MS = 60_000;

/** Best effort: issuance never waits on (or fails because of) the events worker. */
export async function rememberEvent(db: Db, events: EventsApi, eventId: string, log: Logger, now = Date.now()) {
  if (now - (rememberedAt.get(eventId) ?? -Infinity) < REMEMBER_AGAIN_AFTER_MS) return;
  rememberedAt.set(eventId, now);
  if (rememberedAt.size > 1_000) rememberedAt.delete(rememberedAt.keys().next().value!);
  try {
    await refreshEventInfo(db, events, eventId);
  } catch (err) {
    rememberedAt.delete(eventId);
    log.warn("event_info_refresh_failed", { eventId, error: (err as Error).message });
  }
}

/**
 * Ticket holders (valid or checked-in tickets) of published events starting in [from, to),
 * one entry per event with its holders. Event schedules are snapshots: unknown events and
 * upcoming ones older than an hour are refreshed first, so a rescheduled event is seen.
 */
export async function holdersForEventsStartingBetween(
  deps: { db: Db; events: EventsApi; log: Logger; now?: number },
  fromMs: number,
  toMs: number,
): Promise<EventHolders[]> {
  const { db, events, log } = deps;
  const now = deps.now ?? Date.now();
  const unknown = await db
    .selectDistinct({ eventId: tickets.eventId })
    .from(tickets)
    .leftJoin(eventInfo, eq(eventInfo.eventId, tickets.eventId))
    .where(and(isNull(eventInfo.eventId), ne(tickets.status, "void")))
    .limit(REFRESH_BATCH)
    .all();
  const stale = await db
    .select({ eventId: eventInfo.eventId })
    .from(eventInfo)
    .where(and(gte(eventInfo.startsAt, now), lt(eventInfo.refreshedAt, now - REFRESH_AFTER_MS)))
    .orderBy(asc(eventInfo.startsAt))
    .limit(REFRESH_BATCH)
    .all();
  await Promise.all(
    [...unknown, ...stale].map(({ eventId }) =>
      refreshEventInfo(db, events, eventId, now).catch((err) =>
        log.warn("event_info_refresh_failed", { eventId, error: (err as Error).message }),
      ),
    ),
  );

  const rows = await db
    .select({
      eventId: eventInfo.eventId,
      title: eventInfo.title,
      venue: eventInfo.venue,
      startsAt: eventInfo.startsAt,
      buyerId: tickets.ownerId,
      buyerEmail: sql<string | null>`max(${tickets.ownerEmail})`,
      count: sql<number>`count(*)`,
    })
    .from(tickets)
    .innerJoin(eventInfo, eq(eventInfo.eventId, tickets.eventId))
    .where(and(gte(eventInfo.startsAt, fromMs), lt(eventInfo.startsAt, toMs), eq(eventInfo.status, "published"), ne(tickets.status, "void")))
    .groupBy(eventInfo.eventId, tickets.ownerId)
    .orderBy(asc(eventInfo.startsAt), asc(eventInfo.eventId), asc(tickets.ownerId))
    .all();
  const byEvent = new Map<string, EventHolders>();
  for (const r of rows) {
    let entry = byEvent.get(r.eventId);
    if (!entry) {
      entry = { eventId: r.eventId, title: r.title, venue: r.venue, startsAt: new Date(r.startsAt).toISOString(), holders: [] };
      byEvent.set(r.eventId, entry);
    }
    entry.holders.push({ buyerId: r.buyerId, buyerEmail: r.buyerEmail, tickets: r.count });
  }
  return [...byEvent.values()];
}
