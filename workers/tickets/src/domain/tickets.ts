import { and, asc, desc, eq, lt } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { tickets, type TicketRow, type TicketStatus } from "../db/schema";
import { qrUrl } from "./qr";

export type Db = DrizzleD1Database<Record<string, unknown>>;

/** A ticket as the API shows it. */
export type TicketView = {
  id: string;
  orderId: string;
  eventId: string;
  ticketTypeId: string;
  ticketTypeName: string | null;
  status: TicketStatus;
  code: string;
  qrUrl: string;
  issuedAt: string;
  checkedInAt: string | null;
};

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function toView(row: TicketRow): TicketView {
  return {
    id: row.id,
    orderId: row.orderId,
    eventId: row.eventId,
    ticketTypeId: row.ticketTypeId,
    ticketTypeName: row.ticketTypeName,
    status: row.status,
    code: row.code,
    qrUrl: qrUrl(row.id),
    issuedAt: iso(row.issuedAt)!,
    checkedInAt: iso(row.checkedInAt),
  };
}

export const getTicket = (db: Db, id: string) => db.select().from(tickets).where(eq(tickets.id, id)).get();

export const ticketsOfOrder = (db: Db, orderId: string) =>
  db.select().from(tickets).where(eq(tickets.orderId, orderId)).orderBy(asc(tickets.ticketTypeId), asc(tickets.seatIndex)).all();

/** The caller's tickets, newest first; the cursor is the last id of the previous page. */
export async function ticketsOfOwner(db: Db, ownerId: string, limit: number, cursor?: string) {
  const rows = await db
    .select()
    .from(tickets)
    .where(cursor ? and(eq(tickets.ownerId, ownerId), lt(tickets.id, cursor)) : eq(tickets.ownerId, ownerId))
    .orderBy(desc(tickets.id))
    .limit(limit + 1)
    .all();
  const page = rows.slice(0, limit);
  return { items: page.map(toView), nextCursor: rows.length > limit ? page[page.length - 1].id : null };
}
