import { and, asc, desc, eq, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import { stampedOutboxInsert, type Envelope } from "@tickets/common";
import type { Db } from "../db/client";
import { orderItems, orders, type OrderItemRow, type OrderRow } from "../db/schema";
import { sourcesOf, type OrderStatus } from "./status";

export type LoadedOrder = { row: OrderRow; items: OrderItemRow[] };

export async function loadOrder(db: Db, orderId: string): Promise<LoadedOrder | null> {
  const [rows, items] = await db.batch([
    db.select().from(orders).where(eq(orders.id, orderId)).limit(1),
    db.select().from(orderItems).where(eq(orderItems.orderId, orderId)).orderBy(asc(orderItems.ticketTypeId)),
  ]);
  return rows[0] ? { row: rows[0], items } : null;
}

/** Which orders a list shows: one buyer's, or one event's (its organizer); optionally one status and a search. */
export type OrderFilter = { buyerId?: string; eventId?: string; status?: OrderStatus; q?: string };

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * One page of orders, newest first. Order ids are derived from idempotency keys (not
 * time-ordered), so pages go by creation time with the id as tie-break; the cursor is
 * `<createdAt>.<id>` of the page's last order. `q` is an order id or part of the buyer's email.
 */
export async function listOrders(db: Db, filter: OrderFilter, limit: number, cursor?: string) {
  const after = parseListCursor(cursor);
  const conds: SQL[] = [];
  if (filter.buyerId !== undefined) conds.push(eq(orders.buyerId, filter.buyerId));
  if (filter.eventId !== undefined) conds.push(eq(orders.eventId, filter.eventId));
  if (filter.status) conds.push(eq(orders.status, filter.status));
  if (filter.q) conds.push(or(eq(orders.id, filter.q), sql`${orders.buyerEmail} like ${`%${escapeLike(filter.q)}%`} escape '\\'`)!);
  if (after) conds.push(or(lt(orders.createdAt, after.createdAt), and(eq(orders.createdAt, after.createdAt), lt(orders.id, after.id)))!);
  const rows = await db
    .select()
    .from(orders)
    .where(and(...conds))
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const items = page.length
    ? await db.select().from(orderItems).where(inArray(orderItems.orderId, page.map((r) => r.id))).orderBy(asc(orderItems.ticketTypeId))
    : [];
  const last = page[page.length - 1];
  return {
    orders: page.map((row) => ({ row, items: items.filter((i) => i.orderId === row.id) })),
    nextCursor: rows.length > limit && last ? `${last.createdAt}.${last.id}` : null,
  };
}

function parseListCursor(cursor: string | undefined) {
  const m = cursor ? /^(\d+)\.(.+)$/.exec(cursor) : null;
  return m ? { createdAt: Number(m[1]), id: m[2] } : null;
}

type OrderPatch = Partial<Pick<OrderRow, "paymentId" | "paidAmountVnd" | "transactionNo" | "paidAt" | "note" | "confirmedAt">>;

/**
 * A guarded state change: `UPDATE orders … WHERE status IN (allowed sources of to)`, and, in the
 * same batch, the saga event into the outbox only if that update changed the row (it stamps
 * the row with the event's id; the insert selects on that stamp). A redelivered message whose
 * update finds the order already moved therefore writes nothing at all. Returns whether the
 * order changed.
 */
export async function transition(
  db: Db,
  orderId: string,
  to: OrderStatus,
  opts: { from?: OrderStatus[]; event?: Envelope; patch?: OrderPatch } = {},
): Promise<boolean> {
  const from = opts.from ?? sourcesOf(to);
  const now = Date.now();
  const stamp = opts.event?.id ?? null;
  const update = db
    .update(orders)
    .set({ ...opts.patch, status: to, lastEventId: stamp, updatedAt: now })
    .where(and(eq(orders.id, orderId), inArray(orders.status, from)));
  if (!opts.event) {
    const res = await update.run();
    return res.meta.changes > 0;
  }
  const event = opts.event;
  // Raw D1 batch: drizzle cannot batch the parameterised INSERT … SELECT.
  const d1 = db.$client as D1Database;
  const built = update.toSQL();
  const [res] = await d1.batch([d1.prepare(built.sql).bind(...built.params), stampedOutboxInsert(d1, event, "orders", orderId)]);
  return res.meta.changes > 0;
}

/** Pending orders whose hold ran out more than `graceMs` ago (the DO alarm should have said so). */
export function stalePendingOrders(db: Db, now: number, graceMs: number, limit = 50) {
  return db
    .select({ id: orders.id, eventId: orders.eventId, buyerId: orders.buyerId })
    .from(orders)
    .where(and(eq(orders.status, "pending_payment"), lt(orders.holdExpiresAt, now - graceMs)))
    .orderBy(asc(orders.holdExpiresAt))
    .limit(limit);
}
