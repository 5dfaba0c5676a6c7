import { and, asc, eq, gte, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { eventInfo, ordersDaily, salesDaily, salesMinutely, ticketTypeNames } from "../db/schema";
import { minuteOf } from "./time";

export type Figures = { ticketsSold: number; grossVnd: number; refundedVnd: number; netVnd: number };
export type TicketTypeFigures = Figures & { ticketTypeId: string; name: string; checkIns: number };
export type DayFigures = Figures & { date: string; orders: number; checkIns: number };
export type EventSales = Figures & {
  eventId: string;
  title: string | null;
  orders: number;
  checkIns: number;
  byTicketType: TicketTypeFigures[];
  byDay: DayFigures[];
};

const sums = {
  ticketsSold: sql<number>`coalesce(sum(${salesDaily.ticketsSold}), 0)`,
  grossVnd: sql<number>`coalesce(sum(${salesDaily.grossVnd}), 0)`,
  refundedVnd: sql<number>`coalesce(sum(${salesDaily.refundedVnd}), 0)`,
  checkIns: sql<number>`coalesce(sum(${salesDaily.checkIns}), 0)`,
};
const withNet = <T extends { grossVnd: number; refundedVnd: number }>(r: T) => ({ ...r, netVnd: r.grossVnd - r.refundedVnd });

/**
 * One event's report, read from the aggregate tables only (rows per ticket type and day, not per
 * order), so it costs the same for 10 orders or 100,000. `day` narrows it to one Vietnam day.
 * `ticketTypes` (the event's current ones) adds the unsold types and gives the current names.
 */
export async function eventSales(db: Db, eventId: string, opts: { day?: string; ticketTypes?: Array<{ id: string; name: string }> } = {}): Promise<EventSales> {
  const { day } = opts;
  const where = day ? and(eq(salesDaily.eventId, eventId), eq(salesDaily.day, day)) : eq(salesDaily.eventId, eventId);
  const [types, days, orderDays, info] = await db.batch([
    db
      .select({ ticketTypeId: salesDaily.ticketTypeId, name: sql<string | null>`max(${ticketTypeNames.name})`, ...sums })
      .from(salesDaily)
      .leftJoin(ticketTypeNames, and(eq(ticketTypeNames.eventId, salesDaily.eventId), eq(ticketTypeNames.ticketTypeId, salesDaily.ticketTypeId)))
      .where(where)
      .groupBy(salesDaily.ticketTypeId),
    db.select({ date: salesDaily.day, ...sums }).from(salesDaily).where(where).groupBy(salesDaily.day).orderBy(asc(salesDaily.day)),
    db
      .select({ date: ordersDaily.day, orders: ordersDaily.orders })
      .from(ordersDaily)
      .where(day ? and(eq(ordersDaily.eventId, eventId), eq(ordersDaily.day, day)) : eq(ordersDaily.eventId, eventId)),
    db.select({ title: eventInfo.title }).from(eventInfo).where(eq(eventInfo.eventId, eventId)).limit(1),
  ]);
  const ordersOn = new Map(orderDays.map((o) => [o.date, o.orders]));
  const current = new Map((opts.ticketTypes ?? []).map((t) => [t.id, t.name]));
  const unsold = [...current]
    .filter(([id]) => !types.some((t) => t.ticketTypeId === id))
    .map(([ticketTypeId, name]) => ({ ticketTypeId, name, ticketsSold: 0, grossVnd: 0, refundedVnd: 0, checkIns: 0 }));
  const byTicketType = [...types, ...unsold]
    .map((t) => withNet({ ...t, name: current.get(t.ticketTypeId) ?? t.name ?? t.ticketTypeId }))
    .sort((a, b) => a.name.localeCompare(b.name, "vi") || a.ticketTypeId.localeCompare(b.ticketTypeId));
  const byDay = days.map((d) => withNet({ ...d, orders: ordersOn.get(d.date) ?? 0 }));
  const total = (k: "ticketsSold" | "grossVnd" | "refundedVnd" | "checkIns") => byDay.reduce((s, d) => s + d[k], 0);
  return {
    eventId,
    title: info[0]?.title ?? null,
    ...withNet({ ticketsSold: total("ticketsSold"), grossVnd: total("grossVnd"), refundedVnd: total("refundedVnd") }),
    orders: orderDays.reduce((s, o) => s + o.orders, 0),
    checkIns: total("checkIns"),
    byTicketType,
    byDay,
  };
}

/** Confirmed sales per minute over the last `minutes` minutes, oldest first, every minute present. */
export async function salesSeries(db: Db, eventId: string, minutes: number, now = Date.now()) {
  const last = minuteOf(now);
  const first = last - minutes + 1;
  const rows = await db
    .select()
    .from(salesMinutely)
    .where(and(eq(salesMinutely.eventId, eventId), gte(salesMinutely.minute, first)))
    .all();
  const at = new Map(rows.map((r) => [r.minute, r]));
  return Array.from({ length: minutes }, (_, i) => {
    const m = first + i;
    const row = at.get(m);
    return { at: new Date(m * 60_000).toISOString(), ticketsSold: row?.ticketsSold ?? 0, grossVnd: row?.grossVnd ?? 0 };
  });
}

export type EventTotals = Figures & { eventId: string; title: string };

/**
 * Per-event totals and their sum: an organizer's events (`organizerId`; `listed` adds their events
 * without any sale yet, in that order), or every event with figures (`organizerId` null: admin).
 */
export async function summary(db: Db, organizerId: string | null, listed: Array<{ id: string; title: string }> = []) {
  const rows = await db
    .select({ eventId: salesDaily.eventId, title: sql<string>`max(${eventInfo.title})`, ...sums })
    .from(salesDaily)
    .innerJoin(eventInfo, eq(eventInfo.eventId, salesDaily.eventId))
    .where(organizerId ? eq(eventInfo.organizerId, organizerId) : undefined)
    .groupBy(salesDaily.eventId)
    .all();
  const found = new Map(rows.map((r) => [r.eventId, r]));
  const order = [...listed, ...rows.filter((r) => !listed.some((e) => e.id === r.eventId)).map((r) => ({ id: r.eventId, title: r.title }))];
  const events: EventTotals[] = order.map((e) => {
    const r = found.get(e.id);
    return withNet({ eventId: e.id, title: e.title, ticketsSold: r?.ticketsSold ?? 0, grossVnd: r?.grossVnd ?? 0, refundedVnd: r?.refundedVnd ?? 0 });
  });
  const sum = (k: "ticketsSold" | "grossVnd" | "refundedVnd") => events.reduce((s, e) => s + e[k], 0);
  return { events, totals: withNet({ ticketsSold: sum("ticketsSold"), grossVnd: sum("grossVnd"), refundedVnd: sum("refundedVnd") }) };
}

/** The 48 hours of the live chart; older minutes are dropped by the minute cron. */
export const SERIES_KEEP_MINUTES = 48 * 60;
export async function pruneSeries(db: Db, now = Date.now()) {
  const res = await db.delete(salesMinutely).where(sql`${salesMinutely.minute} < ${minuteOf(now) - SERIES_KEEP_MINUTES}`).run();
  return res.meta.changes;
}
