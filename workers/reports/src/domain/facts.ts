import { ulid } from "ulid";
import type { Envelope } from "@tickets/common";
import { allocateRefund } from "./allocate";
import { instant, minuteOf, vnDay } from "./time";

/**
 * Writing the read model. Each event becomes one fact row keyed by its order / refund / ticket
 * id, inserted with a fresh `stamp`; the aggregate bumps in the same atomic D1 batch only apply
 * if the fact row carries that stamp, i.e. if this very insert wrote it. A redelivered or
 * duplicate event (same order id, new envelope id even) therefore changes nothing, and since
 * every bump is an addition the order in which events arrive does not matter. A refund needs its
 * order's items to be spread over ticket types: it waits (applied_stamp NULL) until they exist.
 */

type Guard = { table: "order_facts" | "refund_facts" | "checkin_facts"; keyColumn: string; key: string; stampColumn: string; stamp: string };
type DailyDelta = { eventId: string; ticketTypeId: string; day: string; ticketsSold?: number; grossVnd?: number; refundedVnd?: number; checkIns?: number };

const guardSql = (g: Guard) => `EXISTS (SELECT 1 FROM ${g.table} WHERE ${g.keyColumn} = ? AND ${g.stampColumn} = ?)`;

function bumpDaily(d1: D1Database, d: DailyDelta, g: Guard): D1PreparedStatement {
  return d1
    .prepare(
      `INSERT INTO sales_daily (event_id, ticket_type_id, day, tickets_sold, gross_vnd, refunded_vnd, check_ins)
       SELECT ?, ?, ?, ?, ?, ?, ? WHERE ${guardSql(g)}
       ON CONFLICT (event_id, ticket_type_id, day) DO UPDATE SET
         tickets_sold = tickets_sold + excluded.tickets_sold,
         gross_vnd = gross_vnd + excluded.gross_vnd,
         refunded_vnd = refunded_vnd + excluded.refunded_vnd,
         check_ins = check_ins + excluded.check_ins`,
    )
    .bind(d.eventId, d.ticketTypeId, d.day, d.ticketsSold ?? 0, d.grossVnd ?? 0, d.refundedVnd ?? 0, d.checkIns ?? 0, g.key, g.stamp);
}

function bumpOrdersDaily(d1: D1Database, eventId: string, day: string, g: Guard) {
  return d1
    .prepare(
      `INSERT INTO orders_daily (event_id, day, orders) SELECT ?, ?, 1 WHERE ${guardSql(g)}
       ON CONFLICT (event_id, day) DO UPDATE SET orders = orders + 1`,
    )
    .bind(eventId, day, g.key, g.stamp);
}

function bumpMinutely(d1: D1Database, eventId: string, minute: number, ticketsSold: number, grossVnd: number, g: Guard) {
  return d1
    .prepare(
      `INSERT INTO sales_minutely (event_id, minute, tickets_sold, gross_vnd) SELECT ?, ?, ?, ? WHERE ${guardSql(g)}
       ON CONFLICT (event_id, minute) DO UPDATE SET tickets_sold = tickets_sold + excluded.tickets_sold, gross_vnd = gross_vnd + excluded.gross_vnd`,
    )
    .bind(eventId, minute, ticketsSold, grossVnd, g.key, g.stamp);
}

function upsertName(d1: D1Database, eventId: string, ticketTypeId: string, name: string, overwrite: boolean) {
  return d1
    .prepare(
      `INSERT INTO ticket_type_names (event_id, ticket_type_id, name) VALUES (?, ?, ?)
       ON CONFLICT (event_id, ticket_type_id) DO ${overwrite ? "UPDATE SET name = excluded.name" : "NOTHING"}`,
    )
    .bind(eventId, ticketTypeId, name);
}

/** OrderConfirmed: one sale, at the moment it was confirmed. */
export async function recordSale(d1: D1Database, event: Envelope<"OrderConfirmed">): Promise<void> {
  const p = event.payload;
  const at = instant(event.occurredAt);
  const day = vnDay(at);
  const stamp = ulid();
  const guard: Guard = { table: "order_facts", keyColumn: "order_id", key: p.orderId, stampColumn: "stamp", stamp };
  // Exact figures need the prices paid; guessing would not reconcile. Without them the message
  // fails, and after its retries it is parked in reports-dlq for an operator.
  const unitPrice = (i: (typeof p.items)[number]) => {
    if (i.unitPriceVnd === undefined) throw new Error(`OrderConfirmed ${p.orderId} has an item without unitPriceVnd`);
    return i.unitPriceVnd;
  };
  const statements: D1PreparedStatement[] = [
    d1
      .prepare(`INSERT INTO order_facts (order_id, event_id, confirmed_at, day, total_vnd, stamp) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (order_id) DO NOTHING`)
      .bind(p.orderId, p.eventId, at, day, p.totalVnd, stamp),
  ];
  let tickets = 0;
  let gross = 0;
  for (const item of p.items) {
    const itemGross = unitPrice(item) * item.quantity;
    tickets += item.quantity;
    gross += itemGross;
    statements.push(
      d1
        .prepare(`INSERT INTO order_item_facts (order_id, ticket_type_id, unit_price_vnd, quantity) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`)
        .bind(p.orderId, item.ticketTypeId, unitPrice(item), item.quantity),
      bumpDaily(d1, { eventId: p.eventId, ticketTypeId: item.ticketTypeId, day, ticketsSold: item.quantity, grossVnd: itemGross }, guard),
    );
    if (item.name) statements.push(upsertName(d1, p.eventId, item.ticketTypeId, item.name, true));
  }
  statements.push(bumpOrdersDaily(d1, p.eventId, day, guard), bumpMinutely(d1, p.eventId, minuteOf(at), tickets, gross, guard));
  await d1.batch(statements);
  await applyPendingRefunds(d1, p.orderId);
}

/** RefundSucceeded: kept as a fact at once; counted as soon as its order's sale is known. */
export async function recordRefund(d1: D1Database, event: Envelope<"RefundSucceeded">): Promise<void> {
  const p = event.payload;
  const at = instant(event.occurredAt);
  await d1
    .prepare(
      `INSERT INTO refund_facts (refund_id, order_id, event_id, amount_vnd, succeeded_at, day) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (refund_id) DO NOTHING`,
    )
    .bind(p.refundId, p.orderId, p.eventId, p.amountVnd, at, vnDay(at))
    .run();
  await applyPendingRefunds(d1, p.orderId);
}

type PendingRefund = { refund_id: string; event_id: string; amount_vnd: number; day: string };
type OrderItem = { ticket_type_id: string; unit_price_vnd: number; quantity: number };

/**
 * Counts the order's refunds not counted yet, each spread over the order's ticket types on the
 * day it succeeded. Called after either fact is written: whichever of the two arrives last sees
 * both. Two callers racing both compute the same spread; only the one whose stamp lands counts.
 */
export async function applyPendingRefunds(d1: D1Database, orderId: string): Promise<number> {
  const [items, pending] = await d1.batch<OrderItem | PendingRefund>([
    d1.prepare(`SELECT ticket_type_id, unit_price_vnd, quantity FROM order_item_facts WHERE order_id = ? ORDER BY ticket_type_id`).bind(orderId),
    d1.prepare(`SELECT refund_id, event_id, amount_vnd, day FROM refund_facts WHERE order_id = ? AND applied_stamp IS NULL`).bind(orderId),
  ]);
  const orderItems = items.results as OrderItem[];
  if (orderItems.length === 0 || pending.results.length === 0) return 0;
  const gross = orderItems.map((i) => ({ ticketTypeId: i.ticket_type_id, grossVnd: i.unit_price_vnd * i.quantity }));
  for (const refund of pending.results as PendingRefund[]) {
    const stamp = ulid();
    const guard: Guard = { table: "refund_facts", keyColumn: "refund_id", key: refund.refund_id, stampColumn: "applied_stamp", stamp };
    await d1.batch([
      d1.prepare(`UPDATE refund_facts SET applied_stamp = ? WHERE refund_id = ? AND applied_stamp IS NULL`).bind(stamp, refund.refund_id),
      ...allocateRefund(refund.amount_vnd, gross).map((part) =>
        bumpDaily(d1, { eventId: refund.event_id, ticketTypeId: part.ticketTypeId, day: refund.day, refundedVnd: part.amountVnd }, guard),
      ),
    ]);
  }
  return pending.results.length;
}

/** TicketCheckedIn: one admission per ticket, counted on the day it happened. */
export async function recordCheckIn(d1: D1Database, event: Envelope<"TicketCheckedIn">): Promise<void> {
  const p = event.payload;
  const at = instant(p.checkedInAt);
  const day = vnDay(at);
  const stamp = ulid();
  const guard: Guard = { table: "checkin_facts", keyColumn: "ticket_id", key: p.ticketId, stampColumn: "stamp", stamp };
  await d1.batch([
    d1
      .prepare(
        `INSERT INTO checkin_facts (ticket_id, order_id, event_id, ticket_type_id, checked_in_at, day, stamp) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (ticket_id) DO NOTHING`,
      )
      .bind(p.ticketId, p.orderId, p.eventId, p.ticketTypeId, at, day, stamp),
    bumpDaily(d1, { eventId: p.eventId, ticketTypeId: p.ticketTypeId, day, checkIns: 1 }, guard),
    ...(p.ticketTypeName ? [upsertName(d1, p.eventId, p.ticketTypeId, p.ticketTypeName, false)] : []),
  ]);
}
