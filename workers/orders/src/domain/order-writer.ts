import { groupCommitPer, stampedOutboxInsert, type Envelope } from "@tickets/common";
import { drizzle } from "drizzle-orm/d1";
import { orders, type OrderItemRow, type OrderRow } from "../db/schema";

/** A new order as checkout writes it; `created` (OrderCreated) only while someone subscribes. */
export type NewOrder = { row: OrderRow; items: OrderItemRow[]; created: Envelope | null };

/** Orders whose writes share one D1 round trip: how long the first waits for others, and at most how many. */
const WINDOW_MS = 10;
const MAX_ORDERS = 40;
/** D1 binds at most 100 parameters per statement: 5 per item row, 2 for the guard. */
const ITEMS_PER_INSERT = 19;

/**
 * The statements of one order, none of which fails on a duplicate (so one order's conflict never
 * fails the others in its batch): the order `ON CONFLICT DO NOTHING RETURNING id` (a row back:
 * this write created it); its items only into an order with this id AND this body hash (a key
 * reused for another request must not gain items); OrderCreated only if this write stamped the row.
 */
function statements(d1: D1Database, { row, items, created }: NewOrder): D1PreparedStatement[] {
  const insert = drizzle(d1)
    .insert(orders)
    .values({ ...row, lastEventId: created?.id ?? null })
    .onConflictDoNothing()
    .returning({ id: orders.id })
    .toSQL();
  const out = [d1.prepare(insert.sql).bind(...insert.params)];
  for (let i = 0; i < items.length; i += ITEMS_PER_INSERT) {
    const chunk = items.slice(i, i + ITEMS_PER_INSERT);
    out.push(
      d1
        .prepare(
          `INSERT OR IGNORE INTO order_items (order_id, ticket_type_id, name, unit_price_vnd, quantity)
           SELECT * FROM (VALUES ${chunk.map(() => "(?, ?, ?, ?, ?)").join(", ")})
           WHERE EXISTS (SELECT 1 FROM orders WHERE id = ? AND body_hash = ?)`,
        )
        .bind(...chunk.flatMap((it) => [it.orderId, it.ticketTypeId, it.name, it.unitPriceVnd, it.quantity]), row.id, row.bodyHash),
    );
  }
  if (created) out.push(stampedOutboxInsert(d1, created, "orders", row.id));
  return out;
}

/** One atomic D1 batch for many orders; per order, whether this write created it. */
async function writeOrders(d1: D1Database, batch: NewOrder[]): Promise<boolean[]> {
  const stmts: D1PreparedStatement[] = [];
  const firsts = batch.map((order) => {
    const at = stmts.length;
    stmts.push(...statements(d1, order));
    return at;
  });
  const results = await d1.batch<{ id: string }>(stmts);
  return firsts.map((at) => results[at].results.length > 0);
}

const commitOrders = groupCommitPer<D1Database, NewOrder, boolean>(writeOrders, { windowMs: WINDOW_MS, maxItems: MAX_ORDERS });

/**
 * Writes a new order by group commit (concurrent checkouts in this isolate share one D1 round
 * trip; each answers only once its own order is written). Resolves true if this write created
 * the order, false if one with its id already existed (a concurrent or earlier retry of the same
 * key, or the key reused for another request): the caller loads that one.
 */
export function writeOrder(d1: D1Database, order: NewOrder, waitUntil: (p: Promise<unknown>) => void): Promise<boolean> {
  return commitOrders(d1, order, waitUntil);
}
