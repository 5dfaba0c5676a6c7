// npm run bench:flash — 5,000 buyers released at once on one event with 1,000 tickets, against
// the real stack; compared with the platform's own floor (an authenticated one-hop route)
// measured in the same run with the same client and concurrency.
import { bootStack, createClient, tokenMinter, releaseAll, machine, writeResult, table, round } from "./lib.mjs";

const BUYERS = Number(process.env.BENCH_BUYERS ?? 5000);
const POOL = Number(process.env.BENCH_POOL ?? 256);
const TYPES = [
  { name: "Early bird", priceVnd: 400_000, quantity: 600, maxPerOrder: 2 },
  { name: "Standard", priceVnd: 650_000, quantity: 400, maxPerOrder: 2 },
];
const TICKETS = TYPES.reduce((n, t) => n + t.quantity, 0);

const stack = await bootStack();
const client = createClient(stack.baseUrl, POOL);
try {
  // --- preparation (not measured) ---
  const org = await client.request("POST", "/api/auth/register", {
    body: { email: `bench-organizer-${Date.now()}@example.test`, password: "bench-organizer-pass", name: "Bench Org", role: "organizer" },
    headers: { "cf-connecting-ip": "127.0.0.50" },
  });
  if (org.status !== 201) throw new Error(`organizer register: ${org.status} ${org.text}`);
  const orgAuth = { authorization: `Bearer ${org.json.accessToken}` };
  const now = Date.now();
  const ev = await client.request("POST", "/api/events", {
    headers: orgAuth,
    body: { title: "Flash sale bench", venue: "Bench Arena", city: "Ho Chi Minh City", startsAt: new Date(now + 30 * 864e5).toISOString(), endsAt: new Date(now + 30 * 864e5 + 4 * 36e5).toISOString() },
  });
  if (ev.status !== 201) throw new Error(`create event: ${ev.status} ${ev.text}`);
  const eventId = ev.json.event.id;
  const typeIds = [];
  for (const t of TYPES) {
    const tt = await client.request("POST", `/api/events/${eventId}/ticket-types`, { headers: orgAuth, body: t });
    if (tt.status !== 201) throw new Error(`ticket type: ${tt.status} ${tt.text}`);
    typeIds.push(tt.json.ticketType.id);
  }
  const pub = await client.request("POST", `/api/events/${eventId}/publish`, { headers: orgAuth });
  if (pub.status !== 200) throw new Error(`publish: ${pub.status} ${pub.text}`);

  const mint = await tokenMinter();
  const buyers = [];
  for (let i = 0; i < BUYERS; i++) buyers.push(await mint());
  const orders = buyers.map((_, i) => ({
    typeIndex: i % TYPES.length,
    quantity: 1 + (i % 3 === 0 ? 1 : 0),
    key: `bench-${i}-${Date.now()}`,
  }));
  // Warm-up of both paths (isolates, JIT, DO, D1) with throwaway users; the orders go to a
  // separate warm-up event, so the measured sale starts with all its stock.
  const warm = await client.request("POST", "/api/events", {
    headers: orgAuth,
    body: { title: "Flash sale bench warm-up", venue: "Bench Arena", city: "Ho Chi Minh City", startsAt: new Date(now + 30 * 864e5).toISOString(), endsAt: new Date(now + 30 * 864e5 + 4 * 36e5).toISOString() },
  });
  const warmType = await client.request("POST", `/api/events/${warm.json.event.id}/ticket-types`, { headers: orgAuth, body: { name: "Warm-up", priceVnd: 100_000, quantity: 100, maxPerOrder: 2 } });
  await client.request("POST", `/api/events/${warm.json.event.id}/publish`, { headers: orgAuth });
  for (let i = 0; i < 20; i++) {
    const w = await mint();
    const auth = { authorization: `Bearer ${w.token}` };
    await client.request("GET", "/api/ping", { headers: auth });
    const o = await client.request("POST", "/api/orders", {
      headers: { ...auth, "idempotency-key": `bench-warmup-${i}-${Date.now()}` },
      body: { eventId: warm.json.event.id, items: [{ ticketTypeId: warmType.json.ticketType.id, quantity: 1 }] },
    });
    if (o.status !== 201) throw new Error(`warm-up order: ${o.status} ${o.text}`);
  }

  // --- baseline: JWT verify + one service-binding hop ---
  const baseline = await releaseAll(BUYERS, (i) =>
    client.request("GET", "/api/ping", { headers: { authorization: `Bearer ${buyers[i].token}` } }),
  );

  // --- the flash sale ---
  const sale = await releaseAll(BUYERS, (i) =>
    client.request("POST", "/api/orders", {
      headers: { authorization: `Bearer ${buyers[i].token}`, "idempotency-key": orders[i].key },
      body: { eventId, items: [{ ticketTypeId: typeIds[orders[i].typeIndex], quantity: orders[i].quantity }] },
    }),
  );

  // --- the truth in the system ---
  const answered = (r) => r.status === 201 || r.status === 200 || (r.status === 409 && ["sold_out", "limit_exceeded"].includes(r.json?.error?.code));
  const errors = sale.results.filter((r) => r.status === 0 || r.status >= 500).length;
  const unanswered = sale.results.filter((r) => !answered(r)).length;
  const heldByType = new Map(typeIds.map((id) => [id, 0]));
  for (const r of sale.results) {
    if (r.status !== 201) continue;
    for (const item of r.json.order.items) heldByType.set(item.ticketTypeId, heldByType.get(item.ticketTypeId) + item.quantity);
  }
  const soldFromAnswers = [...heldByType.values()].reduce((a, b) => a + b, 0);
  await new Promise((r) => setTimeout(r, 3000)); // listings lag the inventory by ≤ 1–2 s
  const detail = await client.request("GET", `/api/events/${eventId}`);
  const inventory = detail.json.event.ticketTypes.map((t) => ({ id: t.id, name: t.name, quantity: t.quantity, available: t.available, taken: t.quantity - t.available }));
  const takenInSystem = inventory.reduce((n, t) => n + t.taken, 0);
  const oversold = inventory.reduce((n, t) => n + Math.max(0, t.taken - t.quantity) + Math.max(0, (heldByType.get(t.id) ?? 0) - t.quantity), 0);

  const result = {
    buyers: BUYERS,
    tickets: TICKETS,
    sold: takenInSystem,
    soldPerAnswers: soldFromAnswers,
    oversold,
    errorRate: round((errors + (unanswered - errors)) / BUYERS, 5),
    ordersPerSec: round(sale.perSec),
    baselinePerSec: round(baseline.perSec),
    ratio: round(sale.perSec / baseline.perSec, 3),
    p50Ms: round(sale.p50Ms),
    p95Ms: round(sale.p95Ms),
    p99Ms: round(sale.p99Ms),
    baselineP50Ms: round(baseline.p50Ms),
    baselineP95Ms: round(baseline.p95Ms),
    baselineP99Ms: round(baseline.p99Ms),
    statuses: sale.statuses,
    errorCodes: sale.results.reduce((acc, r) => { const c = r.json?.error?.code; if (c) acc[c] = (acc[c] ?? 0) + 1; return acc; }, {}),
    baselineStatuses: baseline.statuses,
    inventory,
    connectionPool: POOL,
    machine: machine(),
    measuredAt: new Date().toISOString(),
  };
  const file = writeResult("flash-sale.json", result);
  console.log(`\nFlash sale: ${BUYERS} buyers released at once, ${TICKETS} tickets, ${POOL} keep-alive connections\n`);
  console.log(table([
    ["", "requests/s", "p50 ms", "p95 ms", "p99 ms", "statuses"],
    ["baseline GET /api/ping", result.baselinePerSec, result.baselineP50Ms, result.baselineP95Ms, result.baselineP99Ms, JSON.stringify(baseline.statuses)],
    ["POST /api/orders", result.ordersPerSec, result.p50Ms, result.p95Ms, result.p99Ms, JSON.stringify(sale.statuses)],
  ]));
  console.log(`\nratio ${result.ratio}  sold ${result.sold}/${TICKETS} (answers say ${soldFromAnswers})  oversold ${oversold}  error rate ${(result.errorRate * 100).toFixed(3)} %`);
  console.log(`written ${file}`);
  if (oversold > 0 || result.sold !== TICKETS || soldFromAnswers !== TICKETS) process.exitCode = 1;
} finally {
  client.close();
  await stack.stop();
}
