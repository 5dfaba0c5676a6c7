import { and, asc, eq, gt, gte, inArray, isNull, lte, or, sql, type SQL } from "drizzle-orm";
import type { z } from "@hono/zod-openapi";
import { errors, requireRole, type Identity } from "@tickets/common";
import { events, ticketTypes } from "../db/schema";
import type { ListEventsQuery } from "../schemas";
import type { Db } from "./access";
import { availableOf, eventJson, publishedCounts } from "./present";
import { toMs } from "./validate";

/** Cursor = the last item's (startsAt, id), the listing's sort key; opaque to clients. */
const encodeCursor = (startsAt: number, id: string) => btoa(JSON.stringify([startsAt, id])).replace(/=+$/, "");

function decodeCursor(cursor: string): { startsAt: number; id: string } {
  try {
    const [startsAt, id] = JSON.parse(atob(cursor));
    if (Number.isSafeInteger(startsAt) && typeof id === "string") return { startsAt, id };
  } catch {
    /* fall through */
  }
  throw errors.invalidRequest("The cursor is invalid", [{ path: "cursor", message: "Use nextCursor from a previous page", code: "custom" }]);
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Published events (or, with mine=true, the caller's own, drafts and cancelled ones included),
 * soonest first, filtered by words in title/description, category, city and a startsAt range.
 * A cancelled event leaves the public listing (its own page still shows it, status cancelled).
 */
export async function listEvents(db: Db, identity: Identity | null, query: z.infer<typeof ListEventsQuery>) {
  const conds: SQL[] = [];
  if (query.mine === "true") conds.push(eq(events.organizerId, requireRole(identity, "organizer", "admin").userId));
  else conds.push(eq(events.status, "published"), isNull(events.cancelledAt));
  for (const word of (query.q ?? "").split(/\s+/).filter(Boolean).slice(0, 8)) {
    const like = `%${escapeLike(word)}%`;
    conds.push(or(sql`${events.title} like ${like} escape '\\'`, sql`${events.description} like ${like} escape '\\'`)!);
  }
  if (query.category) conds.push(eq(events.categoryId, query.category));
  if (query.city) conds.push(sql`${events.city} = ${query.city} collate nocase`);
  if (query.from) conds.push(gte(events.startsAt, toMs(query.from)));
  if (query.to) conds.push(lte(events.startsAt, toMs(query.to)));
  if (query.cursor) {
    const c = decodeCursor(query.cursor);
    conds.push(or(gt(events.startsAt, c.startsAt), and(eq(events.startsAt, c.startsAt), gt(events.id, c.id)))!);
  }
  const rows = await db
    .select()
    .from(events)
    .where(and(...conds))
    .orderBy(asc(events.startsAt), asc(events.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor = rows.length > query.limit && last ? encodeCursor(last.startsAt, last.id) : null;

  const ids = page.map((e) => e.id);
  const [types, counts] = ids.length
    ? await Promise.all([db.select().from(ticketTypes).where(inArray(ticketTypes.eventId, ids)), publishedCounts(db, ids)])
    : [[], new Map()];
  const items = page.map((e) => {
    const mine = types.filter((t) => t.eventId === e.id);
    return {
      ...eventJson(e),
      priceFromVnd: mine.length ? Math.min(...mine.map((t) => t.priceVnd)) : null,
      available: mine.reduce((sum, t) => sum + availableOf(t, counts.get(t.id)), 0),
    };
  });
  return { items, nextCursor };
}
