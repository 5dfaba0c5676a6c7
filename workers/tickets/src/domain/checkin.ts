import { and, eq, sql } from "drizzle-orm";
import { makeEvent, type Envelope } from "@tickets/common";
import { tickets, type TicketRow } from "../db/schema";
import { verifyTicketCode, type KeyRing, type PublicJwk, type TicketClaims } from "./codes";
import { getTicket, type Db } from "./tickets";

export type AdmitOutcome =
  | { result: "admitted"; ticket: TicketRow }
  | { result: "already_checked_in"; ticket: TicketRow; checkedInAt: number }
  | { result: "void"; ticket: TicketRow }
  | { result: "superseded"; ticket: TicketRow }
  | { result: "not_found" };

function settled(row: TicketRow | undefined, claims: TicketClaims): AdmitOutcome | null {
  if (!row || row.eventId !== claims.eid) return { result: "not_found" };
  if (row.version !== claims.v) return { result: "superseded", ticket: row };
  if (row.status === "void") return { result: "void", ticket: row };
  if (row.status === "checked_in") return { result: "already_checked_in", ticket: row, checkedInAt: row.checkedInAt ?? 0 };
  return null;
}

/**
 * Admits a ticket at most once, however many scanners race: the only write is the guarded
 * `UPDATE … WHERE status = 'valid'`, and exactly one caller sees it change a row.
 */
export async function admit(db: Db, claims: TicketClaims, opts: { at: number; by: string }): Promise<AdmitOutcome> {
  const row = await getTicket(db, claims.tid);
  const before = settled(row, claims);
  if (before || !row) return before ?? { result: "not_found" };
  // Nobody was admitted before their ticket existed (an offline scan's claimed time is clamped).
  opts = { ...opts, at: Math.max(opts.at, row.issuedAt) };
  const update = db
    .update(tickets)
    .set({ status: "checked_in", checkedInAt: opts.at, checkedInBy: opts.by })
    .where(and(eq(tickets.id, claims.tid), eq(tickets.status, "valid"), eq(tickets.version, claims.v)))
    .toSQL();
  // Raw D1 batch: the TicketCheckedIn outbox row is written only if this very update admitted the ticket.
  const d1 = (db as unknown as { $client: D1Database }).$client;
  const [res] = await d1.batch([d1.prepare(update.sql).bind(...update.params), checkedInOutboxInsert(d1, checkedInEvent(row, opts.at), opts)]);
  const after = await getTicket(db, claims.tid);
  if (res.meta.changes === 1 && after) return { result: "admitted", ticket: after };
  return settled(after, claims) ?? { result: "not_found" };
}

function checkedInEvent(row: TicketRow, at: number): Envelope<"TicketCheckedIn"> {
  return makeEvent("TicketCheckedIn", {
    ticketId: row.id,
    orderId: row.orderId,
    eventId: row.eventId,
    ticketTypeId: row.ticketTypeId,
    ...(row.ticketTypeName ? { ticketTypeName: row.ticketTypeName } : {}),
    checkedInAt: new Date(at).toISOString(),
  }, { correlationId: row.orderId });
}

/**
 * The outbox insert that follows the admitting update in the same batch: it fires only if that
 * very update changed the row (`changes()` is the previous statement's count; two scans by one
 * scanner in the same millisecond would otherwise both match the stamp of time and scanner).
 */
function checkedInOutboxInsert(d1: D1Database, event: Envelope<"TicketCheckedIn">, opts: { at: number; by: string }): D1PreparedStatement {
  return d1
    .prepare(
      `INSERT INTO outbox (id, type, envelope, created_at)
       SELECT ?1, ?2, ?3, ?4 WHERE changes() = 1 AND EXISTS (SELECT 1 FROM tickets WHERE id = ?5 AND status = 'checked_in' AND checked_in_at = ?6 AND checked_in_by = ?7)`,
    )
    .bind(event.id, event.type, JSON.stringify(event), Date.now(), event.payload.ticketId, opts.at, opts.by);
}

export type SyncScan = { code: string; scannedAt: string };

/** How long a scanner may stay offline: older claimed scan times are moved up to this bound. */
export const MAX_OFFLINE_MS = 24 * 60 * 60_000;

/**
 * The time an offline scan is recorded at: what the scanner claims, but never in the future
 * (its clock may run ahead), never more than MAX_OFFLINE_MS ago, and (in admit) never before
 * the ticket was issued. A scanner cannot back-date an admission to any moment it likes. (The
 * event's start is not a bound: the tickets worker only keeps a best-effort snapshot of it.)
 */
export function clampScanTime(claimed: string, now: number): number {
  const at = Date.parse(claimed);
  if (!Number.isFinite(at)) return now;
  return Math.min(Math.max(at, now - MAX_OFFLINE_MS), now);
}
export type SyncResult = {
  index: number;
  ticketId: string | null;
  result: "admitted" | "already_checked_in" | "void" | "invalid" | "not_found";
  checkedInAt?: string;
  reason?: string;
};

/**
 * Scans a scanner made offline, applied in the order they happened (earliest first) with the
 * same exactly-once rule as live check-in; the answer keeps the request's order.
 */
export async function syncScans(
  db: Db,
  ring: KeyRing,
  eventId: string,
  scans: SyncScan[],
  opts: { by: string; now: number },
): Promise<SyncResult[]> {
  const when = (s: SyncScan) => clampScanTime(s.scannedAt, opts.now);
  const ordered = scans.map((s, index) => ({ ...s, index, at: when(s) })).sort((a, b) => a.at - b.at);
  const results: SyncResult[] = [];
  for (const scan of ordered) {
    const verified = await verifyTicketCode(ring, scan.code, opts.now);
    if (!verified.ok) {
      results.push({ index: scan.index, ticketId: null, result: "invalid", reason: verified.reason });
      continue;
    }
    const { claims } = verified;
    if (claims.eid !== eventId) {
      results.push({ index: scan.index, ticketId: claims.tid, result: "invalid", reason: "other_event" });
      continue;
    }
    const outcome = await admit(db, claims, { at: scan.at, by: opts.by });
    const base = { index: scan.index, ticketId: claims.tid };
    switch (outcome.result) {
      case "admitted":
        results.push({ ...base, result: "admitted", checkedInAt: new Date(outcome.ticket.checkedInAt ?? scan.at).toISOString() });
        break;
      case "already_checked_in":
        results.push({ ...base, result: "already_checked_in", checkedInAt: new Date(outcome.checkedInAt).toISOString() });
        break;
      case "void":
        results.push({ ...base, result: "void" });
        break;
      case "superseded":
        results.push({ ...base, result: "invalid", reason: "superseded" });
        break;
      case "not_found":
        results.push({ ...base, result: "not_found" });
        break;
    }
  }
  return results.sort((a, b) => a.index - b.index);
}

export type TypeStats = { ticketTypeId: string; ticketTypeName: string | null; issued: number; valid: number; checkedIn: number; void: number };

export async function eventStats(db: Db, eventId: string) {
  const count = (status: string) => sql<number>`coalesce(sum(case when ${tickets.status} = ${status} then 1 else 0 end), 0)`;
  const rows: TypeStats[] = await db
    .select({
      ticketTypeId: tickets.ticketTypeId,
      ticketTypeName: sql<string | null>`max(${tickets.ticketTypeName})`,
      issued: sql<number>`count(*)`,
      valid: count("valid"),
      checkedIn: count("checked_in"),
      void: count("void"),
    })
    .from(tickets)
    .where(eq(tickets.eventId, eventId))
    .groupBy(tickets.ticketTypeId)
    .orderBy(tickets.ticketTypeId)
    .all();
  const totals = { issued: 0, valid: 0, checkedIn: 0, void: 0 };
  for (const r of rows) {
    totals.issued += r.issued;
    totals.valid += r.valid;
    totals.checkedIn += r.checkedIn;
    totals.void += r.void;
  }
  return { eventId, totals, byTicketType: rows };
}

/** Everything a scanner needs to work offline for one event. */
export async function scannerBundle(db: Db, eventId: string, jwks: { keys: PublicJwk[] }, now: number) {
  const rows = await db
    .select({ id: tickets.id, ticketTypeId: tickets.ticketTypeId, status: tickets.status, version: tickets.version, checkedInAt: tickets.checkedInAt })
    .from(tickets)
    .where(eq(tickets.eventId, eventId))
    .orderBy(tickets.id)
    .all();
  return {
    eventId,
    generatedAt: new Date(now).toISOString(),
    jwks,
    tickets: rows.map((r) => ({ ...r, checkedInAt: r.checkedInAt === null ? null : new Date(r.checkedInAt).toISOString() })),
  };
}
