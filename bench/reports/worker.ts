// Benchmark worker for `npm run bench:reports`: POST /seed fills the reports D1 with one event's
// generated facts (and the aggregates they add up to), GET /measure times the report and its CSV
// against a plain count(*) over the same order rows, and against the report computed straight
// from the facts (what the aggregate tables save).
import { getDb } from "../../workers/reports/src/db/client";
import { eventSales } from "../../workers/reports/src/domain/sales";
import { salesCsv } from "../../workers/reports/src/domain/csv";
import { vnDay } from "../../workers/reports/src/domain/time";

type Env = { DB: D1Database };

const TYPES = [
  { id: "tt-ga", name: "Vé phổ thông", price: 350_000 },
  { id: "tt-vip", name: "Vé VIP – Hàng đầu", price: 1_250_000 },
  { id: "tt-svip", name: "Vé SVIP, \"Khu đặc biệt\"", price: 3_000_000 },
];
const CHUNK = 2_000;

/** Deterministic pseudo-random numbers (same data every run). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1_664_525 + 1_013_904_223) >>> 0) / 2 ** 32);
}

/** Inserts rows given as arrays through json_each: one bound parameter per chunk. */
async function bulk(d1: D1Database, table: string, columns: string[], rows: unknown[][]) {
  const select = columns.map((_, i) => `value ->> '$[${i}]'`).join(", ");
  const statements = [];
  for (let i = 0; i < rows.length; i += CHUNK) {
    statements.push(d1.prepare(`INSERT INTO ${table} (${columns.join(", ")}) SELECT ${select} FROM json_each(?)`).bind(JSON.stringify(rows.slice(i, i + CHUNK))));
  }
  for (let i = 0; i < statements.length; i += 20) await d1.batch(statements.slice(i, i + 20));
}

async function seed(env: Env, eventId: string, orders: number) {
  const rand = rng(42);
  const start = Date.parse("2026-10-01T00:00:00.000Z");
  const span = 30 * 86_400_000;
  const orderRows: unknown[][] = [];
  const itemRows: unknown[][] = [];
  const refundRows: unknown[][] = [];
  const checkinRows: unknown[][] = [];
  const daily = new Map<string, { t: number; g: number; r: number; c: number }>();
  const ordersDaily = new Map<string, number>();
  const bump = (tt: string, day: string, d: Partial<{ t: number; g: number; r: number; c: number }>) => {
    const k = `${tt}\u0000${day}`;
    const cur = daily.get(k) ?? { t: 0, g: 0, r: 0, c: 0 };
    daily.set(k, { t: cur.t + (d.t ?? 0), g: cur.g + (d.g ?? 0), r: cur.r + (d.r ?? 0), c: cur.c + (d.c ?? 0) });
  };
  const totals = { ticketsSold: 0, grossVnd: 0, refundedVnd: 0, orders, checkIns: 0 };
  for (let n = 0; n < orders; n++) {
    const orderId = `${eventId}-o${n}`;
    const at = start + Math.floor(rand() * span);
    const day = vnDay(at);
    const types = TYPES.filter(() => rand() < 0.5);
    if (types.length === 0) types.push(TYPES[n % TYPES.length]);
    let total = 0;
    const mine: Array<{ id: string; gross: number }> = [];
    for (const t of types) {
      const q = 1 + Math.floor(rand() * 3);
      itemRows.push([orderId, t.id, t.price, q]);
      mine.push({ id: t.id, gross: q * t.price });
      bump(t.id, day, { t: q, g: q * t.price });
      total += q * t.price;
      totals.ticketsSold += q;
      totals.grossVnd += q * t.price;
      if (rand() < 0.3) {
        const cat = at + 86_400_000;
        checkinRows.push([`${orderId}-${t.id}`, orderId, eventId, t.id, cat, vnDay(cat), "seed"]);
        bump(t.id, vnDay(cat), { c: 1 });
        totals.checkIns++;
      }
    }
    orderRows.push([orderId, eventId, at, day, total, "seed"]);
    ordersDaily.set(day, (ordersDaily.get(day) ?? 0) + 1);
    if (rand() < 0.05) {
      // A full refund: each type gives back its own gross.
      const rat = at + 3_600_000;
      refundRows.push([`${orderId}-r`, orderId, eventId, total, rat, vnDay(rat), "seed"]);
      for (const item of mine) bump(item.id, vnDay(rat), { r: item.gross });
      totals.refundedVnd += total;
    }
  }
  const d1 = env.DB;
  await d1.prepare(`INSERT INTO event_info (event_id, organizer_id, title, refreshed_at) VALUES (?, 'bench-organizer', 'Đại nhạc hội 100.000 đơn', 0)`).bind(eventId).run();
  await bulk(d1, "ticket_type_names", ["event_id", "ticket_type_id", "name"], TYPES.map((t) => [eventId, t.id, t.name]));
  await bulk(d1, "order_facts", ["order_id", "event_id", "confirmed_at", "day", "total_vnd", "stamp"], orderRows);
  await bulk(d1, "order_item_facts", ["order_id", "ticket_type_id", "unit_price_vnd", "quantity"], itemRows);
  await bulk(d1, "refund_facts", ["refund_id", "order_id", "event_id", "amount_vnd", "succeeded_at", "day", "applied_stamp"], refundRows);
  await bulk(d1, "checkin_facts", ["ticket_id", "order_id", "event_id", "ticket_type_id", "checked_in_at", "day", "stamp"], checkinRows);
  await bulk(
    d1,
    "sales_daily",
    ["event_id", "ticket_type_id", "day", "tickets_sold", "gross_vnd", "refunded_vnd", "check_ins"],
    [...daily].map(([k, v]) => [eventId, ...k.split("\u0000"), v.t, v.g, v.r, v.c]),
  );
  await bulk(d1, "orders_daily", ["event_id", "day", "orders"], [...ordersDaily].map(([day, o]) => [eventId, day, o]));
  return { orders: orderRows.length, items: itemRows.length, refunds: refundRows.length, checkIns: checkinRows.length, aggregateRows: daily.size, expected: totals };
}

/**
 * Times several candidates interleaved (a, b, c, a, b, c, …) so none profits from caches warmed by
 * another's earlier runs; median and minimum per candidate, with the last result of each.
 */
async function timeInterleaved<K extends string>(runs: number, candidates: Record<K, () => Promise<unknown>>) {
  const names = Object.keys(candidates) as K[];
  const ms = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  const last = {} as Record<K, unknown>;
  for (let i = 0; i < runs; i++) {
    for (const name of names) {
      const t0 = performance.now();
      last[name] = await candidates[name]();
      ms[name].push(performance.now() - t0);
    }
  }
  const round = (x: number) => Math.round(x * 100) / 100;
  return Object.fromEntries(
    names.map((n) => {
      const sorted = ms[n].sort((a, b) => a - b);
      return [n, { medianMs: round(sorted[Math.floor(sorted.length / 2)]), minMs: round(sorted[0]), last: last[n] }];
    }),
  ) as Record<K, { medianMs: number; minMs: number; last: unknown }>;
}

/** The report computed straight from the facts (no aggregate tables): the path the aggregates avoid. */
async function reportFromFacts(d1: D1Database, eventId: string) {
  const [byType, refunds] = await d1.batch<Record<string, number | string>>([
    d1
      .prepare(
        `SELECT i.ticket_type_id, sum(i.quantity) AS tickets, sum(i.quantity * i.unit_price_vnd) AS gross, count(DISTINCT o.order_id) AS orders
         FROM order_facts o JOIN order_item_facts i ON i.order_id = o.order_id WHERE o.event_id = ? GROUP BY i.ticket_type_id`,
      )
      .bind(eventId),
    d1.prepare(`SELECT sum(amount_vnd) AS refunded FROM refund_facts WHERE event_id = ? AND applied_stamp IS NOT NULL`).bind(eventId),
  ]);
  return { byType: byType.results, refunded: refunds.results[0]?.refunded };
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    const eventId = url.searchParams.get("event") ?? "bench-event";
    if (request.method === "POST" && url.pathname === "/seed") {
      const t0 = Date.now();
      const seeded = await seed(env, eventId, Number(url.searchParams.get("orders") ?? 100_000));
      return Response.json({ ...seeded, seedMs: Date.now() - t0 });
    }
    if (url.pathname === "/measure") {
      const runs = Number(url.searchParams.get("runs") ?? 20);
      const db = getDb(env.DB);
      const t = await timeInterleaved(runs, {
        count: () => env.DB.prepare(`SELECT count(*) AS n FROM order_facts WHERE event_id = ?`).bind(eventId).first<{ n: number }>(),
        report: () => eventSales(db, eventId),
        csv: async () => salesCsv(await eventSales(db, eventId)),
      });
      const facts = await timeInterleaved(Math.max(3, Math.floor(runs / 4)), { facts: () => reportFromFacts(env.DB, eventId) });
      const count = t.count as { medianMs: number; minMs: number; last: { n: number } | null };
      const report = t.report as { medianMs: number; minMs: number; last: Awaited<ReturnType<typeof eventSales>> };
      const csv = t.csv as { medianMs: number; minMs: number; last: string };
      const r = report.last;
      return Response.json({
        countStar: { medianMs: count.medianMs, minMs: count.minMs, rows: count.last?.n },
        report: { medianMs: report.medianMs, minMs: report.minMs },
        reportAndCsv: { medianMs: csv.medianMs, minMs: csv.minMs, csvBytes: csv.last.length },
        reportFromFacts: { medianMs: facts.facts.medianMs, minMs: facts.facts.minMs },
        figures: { ticketsSold: r.ticketsSold, grossVnd: r.grossVnd, refundedVnd: r.refundedVnd, netVnd: r.netVnd, orders: r.orders, checkIns: r.checkIns, days: r.byDay.length },
        fromFacts: facts.facts.last,
      });
    }
    return new Response("POST /seed?orders=N, GET /measure?runs=N", { status: 404 });
  },
} satisfies ExportedHandler<Env>;
