// A crash in the middle of the checkout saga, driven over the public API: boot the stack on a
// throwaway state directory, sell N orders and pay them at the VNPAY sandbox, SIGKILL the whole
// `wrangler dev` process group (workerd included) at a chosen point, boot again on the same
// state and watch until every paid order is confirmed with its tickets and one notice.
// Used by `npm run test:faults` (scripts/faults.mjs) and e2e/crash-recovery.test.ts.
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startStack, freePort, ROOT, WORKERS } from "./stack.mjs";
import { startCronTicker, workerCrons } from "./cron.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let ipSeq = 0;
/** One JSON call; each caller gets its own client address (the gateway rate-limits per address). */
async function call(baseUrl, method, path, { token, body, headers = {}, ip } = {}) {
  const h = { "cf-connecting-ip": ip ?? `10.77.${(ipSeq >> 8) & 255}.${ipSeq++ & 255}`, ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  if (body !== undefined) h["content-type"] = "application/json";
  const res = await fetch(baseUrl + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), redirect: "manual" });
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  return { status: res.status, json, text };
}

async function expectStatus(promise, status, what) {
  const res = await promise;
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${res.text.slice(0, 300)}`);
  return res.json;
}

async function register(baseUrl, role) {
  const email = `crash-${role}-${Date.now()}-${Math.floor(Math.random() * 1e9)}@example.test`;
  const json = await expectStatus(call(baseUrl, "POST", "/api/auth/register", { body: { email, password: "crash-recovery-pass", name: `Crash ${role}`, role } }), 201, `register ${role}`);
  return json.accessToken;
}

/** A published event with one ticket type, and `orders` buyers each holding one unpaid order. */
export async function sellOrders(baseUrl, { orders, ticketsPerOrder = 2, spare = 3 }) {
  const organizer = await register(baseUrl, "organizer");
  const startsAt = new Date(Date.now() + 30 * 86_400_000);
  const event = await expectStatus(call(baseUrl, "POST", "/api/events", {
    token: organizer,
    body: { title: "Crash night", venue: "Nha hat Lon", city: "Ha Noi", startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString() },
  }), 201, "create event");
  const eventId = event.event.id;
  const quantity = orders * ticketsPerOrder + spare;
  const tt = await expectStatus(call(baseUrl, "POST", `/api/events/${eventId}/ticket-types`, {
    token: organizer,
    body: { name: "Standard", priceVnd: 250_000, quantity, maxPerOrder: ticketsPerOrder },
  }), 201, "create ticket type");
  await expectStatus(call(baseUrl, "POST", `/api/events/${eventId}/publish`, { token: organizer }), 200, "publish");
  const ticketTypeId = tt.ticketType.id;
  const placed = await Promise.all(
    Array.from({ length: orders }, async (_, i) => {
      const token = await register(baseUrl, "buyer");
      const json = await expectStatus(call(baseUrl, "POST", "/api/orders", {
        token,
        headers: { "idempotency-key": `crash-${Date.now()}-${i}-${Math.random()}` },
        body: { eventId, items: [{ ticketTypeId, quantity: ticketsPerOrder }] },
      }), 201, `order ${i}`);
      return { id: json.order.id, token, quantity: ticketsPerOrder, paymentUrl: json.paymentUrl, paid: false };
    }),
  );
  return { eventId, ticketTypeId, quantity, orders: placed };
}

/** Pays one order at the sandbox (the emulator calls the IPN before answering 302). */
export async function pay(order) {
  const res = await fetch(order.paymentUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ outcome: "success" }),
    redirect: "manual",
  });
  order.paid = res.status === 302;
  return order.paid;
}

/**
 * What the platform shows now: each order's status, tickets and `order_confirmed` notices, the
 * stock, and the list of broken promises (empty when all is well). An order whose payment never
 * got an answer (the kill cut it) may be either paid or not, but must be consistent.
 */
export async function observe(baseUrl, sale) {
  const problems = [];
  const seen = await Promise.all(
    sale.orders.map(async (o) => {
      const order = (await call(baseUrl, "GET", `/api/orders/${o.id}`, { token: o.token })).json?.order;
      const notes = (await call(baseUrl, "GET", "/api/notifications?limit=50", { token: o.token })).json?.items ?? [];
      // Successful payments VNPAY (the sandbox) took for this order: more than one is money taken twice.
      const txns = (await call(baseUrl, "GET", `/paymentv2/emulator/transactions?txnRef=${encodeURIComponent(o.id)}`)).json?.items ?? [];
      const payments = txns.filter((t) => t.responseCode === "00" && t.transactionStatus === "00").length;
      return { ...o, status: order?.status ?? "unknown", tickets: order?.tickets ?? [], notices: notes.filter((n) => n.template === "order_confirmed").length, payments };
    }),
  );
  const event = (await call(baseUrl, "GET", `/api/events/${sale.eventId}`)).json?.event;
  const available = event?.ticketTypes?.find((t) => t.id === sale.ticketTypeId)?.available;
  const sold = seen.filter((o) => o.status === "confirmed").reduce((n, o) => n + o.quantity, 0);
  const held = seen.filter((o) => o.status === "pending_payment").reduce((n, o) => n + o.quantity, 0);
  for (const o of seen) {
    const expected = o.paid ? ["confirmed"] : ["confirmed", "pending_payment"];
    if (!expected.includes(o.status)) problems.push(`${o.id}: ${o.status}, expected ${expected.join("/")}`);
    if (o.payments > 1) problems.push(`${o.id}: paid ${o.payments} times`);
    if (o.status === "confirmed") {
      if (o.tickets.length !== o.quantity) problems.push(`${o.id}: ${o.tickets.length} tickets, expected ${o.quantity}`);
      if (new Set(o.tickets.map((t) => t.id)).size !== o.tickets.length) problems.push(`${o.id}: a ticket listed twice`);
      if (o.notices !== 1) problems.push(`${o.id}: ${o.notices} order_confirmed notices, expected 1`);
    } else if (o.tickets.length || o.notices) problems.push(`${o.id}: ${o.status} but ${o.tickets.length} tickets, ${o.notices} notices`);
  }
  if (sold + held + available !== sale.quantity) problems.push(`stock: sold ${sold} + held ${held} + available ${available} != ${sale.quantity}`);
  return { orders: seen, stock: { quantity: sale.quantity, sold, held, available }, problems };
}

async function portFree(port) {
  for (let i = 0; i < 100; i++) {
    const busy = await new Promise((r) => {
      const s = connect(port, "127.0.0.1", () => { s.destroy(); r(true); });
      s.on("error", () => r(false));
    });
    if (!busy) return;
    await sleep(100);
  }
}

/**
 * One run: boot, sell, pay, kill at `killPoint`, reboot on the same state, watch up to `boundMs`
 * once it is healthy again.
 * killPoint: {after: "payments", delayMs} kills `delayMs` after the last payment answered;
 * {after: "half-payments", delayMs} pays one order after the other and kills `delayMs` (100) after
 * half of them were answered, with the next payment in flight.
 * Crons run as `npm run dev` runs them (every minute), or every `cronEveryMs` if given.
 */
export async function crashAndRecover({ orders = 8, killPoint = { after: "payments", delayMs: 0 }, boundMs = 150_000, cronEveryMs, vars = {}, log = () => {} } = {}) {
  const persistTo = mkdtempSync(join(tmpdir(), "tickets-crash-"));
  const port = await freePort();
  const crons = workerCrons(ROOT, WORKERS);
  const tickerOpts = cronEveryMs ? { everyMs: cronEveryMs, log } : { log };
  let stack = await startStack({ port, persistTo, quiet: true, vars });
  let stopTicker = startCronTicker(stack.baseUrl, crons, tickerOpts);
  try {
    const sale = await sellOrders(stack.baseUrl, { orders });
    log(`sold ${orders} orders on ${sale.eventId}; paying`);
    let payments;
    if (killPoint.after === "half-payments") {
      // One payer after the other; the kill lands while the next payment (and its IPN) is in flight.
      const half = Math.ceil(orders / 2);
      payments = [(async () => { for (const o of sale.orders) await pay(o).catch(() => false); })()];
      while (sale.orders.filter((o) => o.paid).length < half) await sleep(20);
      await sleep(killPoint.delayMs || 100);
    } else {
      payments = sale.orders.map((o) => pay(o).catch(() => false));
      await Promise.all(payments);
      if (killPoint.delayMs) await sleep(killPoint.delayMs);
    }
    stopTicker();
    await stack.kill("SIGKILL");
    const paidBeforeKill = sale.orders.filter((o) => o.paid).length;
    log(`killed with ${paidBeforeKill}/${orders} payments answered`);
    await Promise.allSettled(payments);
    await portFree(port);
    const restartedAt = Date.now();
    stack = await startStack({ port, persistTo, quiet: true, vars });
    const bootMs = Date.now() - restartedAt;
    stopTicker = startCronTicker(stack.baseUrl, crons, tickerOpts);
    const atRestart = await observe(stack.baseUrl, sale);
    let last = atRestart;
    const healthyAt = Date.now(); // the bound counts from here: boot time varies with the machine's load
    while (last.problems.length && Date.now() - healthyAt < boundMs) {
      await sleep(1000);
      last = await observe(stack.baseUrl, sale);
    }
    return {
      ok: last.problems.length === 0,
      paidBeforeKill,
      bootMs,
      recoveryMs: last.problems.length ? null : Date.now() - restartedAt,
      atRestart,
      final: last,
    };
  } finally {
    stopTicker();
    await stack.stop();
    rmSync(persistTo, { recursive: true, force: true });
  }
}
