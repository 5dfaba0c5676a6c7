import { makeEvent, type Logger } from "@tickets/common";
import type { Db } from "../db/client";
import { csvDocument } from "./csv";
import { eventSales, type Figures } from "./sales";
import { previousVnDay } from "./time";

export const dailyReportKey = (organizerId: string, day: string) => `daily/${organizerId}/${day}.csv`;
export const dailyReportPath = (day: string) => `/api/reports/files/daily/${day}`;

const DAILY_CSV_HEADER = ["event_id", "event", "ticket_type_id", "ticket_type", "tickets_sold", "gross_vnd", "refunded_vnd", "net_vnd", "orders", "check_ins"];

export type DailyDeps = { db: Db; d1: D1Database; bucket: R2Bucket; log: Logger; now?: number };

/**
 * 07:00 Vietnam time: for every organizer with figures on the previous Vietnam day, that day's
 * CSV (a line per event and ticket type, a total per event, the grand total) written to R2 at a
 * dated key, and one DailyReportReady announcement through the outbox. A re-run of the same day
 * overwrites the file; the daily_reports row makes the announcement once per organizer and day.
 */
export async function runDailyReports(deps: DailyDeps, day = previousVnDay(deps.now ?? Date.now())) {
  const { d1, log } = deps;
  const scope = await d1
    .prepare(`SELECT DISTINCT e.organizer_id, e.event_id, e.title FROM sales_daily s JOIN event_info e ON e.event_id = s.event_id WHERE s.day = ? ORDER BY e.organizer_id, e.title, e.event_id`)
    .bind(day)
    .all<{ organizer_id: string; event_id: string; title: string }>();
  const byOrganizer = new Map<string, Array<{ eventId: string; title: string }>>();
  for (const r of scope.results) byOrganizer.set(r.organizer_id, [...(byOrganizer.get(r.organizer_id) ?? []), { eventId: r.event_id, title: r.title }]);

  let announced = 0;
  for (const [organizerId, events] of byOrganizer) {
    const rows: Array<Array<string | number | null>> = [DAILY_CSV_HEADER];
    const totals = { ticketsSold: 0, grossVnd: 0, refundedVnd: 0, netVnd: 0, orders: 0, checkIns: 0 };
    for (const { eventId, title } of events) {
      const report = await eventSales(deps.db, eventId, { day });
      for (const t of report.byTicketType) rows.push([eventId, title, t.ticketTypeId, t.name, t.ticketsSold, t.grossVnd, t.refundedVnd, t.netVnd, null, t.checkIns]);
      rows.push([eventId, title, null, "total", report.ticketsSold, report.grossVnd, report.refundedVnd, report.netVnd, report.orders, report.checkIns]);
      for (const k of Object.keys(totals) as Array<keyof typeof totals>) totals[k] += report[k];
    }
    rows.push([null, "TOTAL", null, null, totals.ticketsSold, totals.grossVnd, totals.refundedVnd, totals.netVnd, totals.orders, totals.checkIns]);
    const key = dailyReportKey(organizerId, day);
    await deps.bucket.put(key, csvDocument(rows), { httpMetadata: { contentType: "text/csv; charset=utf-8" } });
    if (await announce(d1, organizerId, day, key, events.length, totals)) announced++;
  }
  log.info("daily_reports_written", { day, organizers: byOrganizer.size, announced });
  return { day, organizers: byOrganizer.size, announced };
}

/** The DailyReportReady outbox row, written only by the first run for this organizer and day. */
async function announce(d1: D1Database, organizerId: string, day: string, key: string, events: number, totals: Figures): Promise<boolean> {
  const notice = makeEvent("DailyReportReady", {
    organizerId,
    date: day,
    events,
    ticketsSold: totals.ticketsSold,
    grossVnd: totals.grossVnd,
    refundedVnd: totals.refundedVnd,
    netVnd: totals.netVnd,
    path: dailyReportPath(day),
  });
  const [claim] = await d1.batch([
    d1
      .prepare(`INSERT INTO daily_reports (organizer_id, day, r2_key, notice_id, written_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`)
      .bind(organizerId, day, key, notice.id, Date.now()),
    d1
      .prepare(
        `INSERT INTO outbox (id, type, envelope, created_at)
         SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM daily_reports WHERE organizer_id = ?5 AND day = ?6 AND notice_id = ?1)`,
      )
      .bind(notice.id, notice.type, JSON.stringify(notice), Date.now(), organizerId, day),
  ]);
  return claim.meta.changes > 0;
}
