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
      const { id, totalVnd, holdExpiresAt } = json.order;
      return { id, token, quantity: ticketsPerOrder, totalVnd, holdExpiresAt, paymentUrl: json.paymentUrl, paid: false };
    }),
  );
  return { eventId, ticketTypeId, quantity, organizer, orders: placed };
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

const TICKETS_HELD = new Set(["confirmed", "partially_refunded"]); // the buyer keeps valid tickets
const NO_TICKETS = new Set(["pending_payment", "expired", "cancelled"]);

/** One order as its buyer and the VNPAY sandbox see it. */
async function orderView(baseUrl, o) {
  const order = (await call(baseUrl, "GET", `/api/orders/${o.id}`, { token: o.token })).json?.order;
  const notes = (await call(baseUrl, "GET", "/api/notifications?limit=50", { token: o.token })).json?.items ?? [];
  const noticesBy = {};
  for (const n of notes) if (n.channel === "email") noticesBy[n.template] = (noticesBy[n.template] ?? 0) + 1;
  const txns = (await call(baseUrl, "GET", `/paymentv2/emulator/transactions?txnRef=${encodeURIComponent(o.id)}`)).json?.items ?? [];
  const paidTxns = txns.filter((t) => t.responseCode === "00" && t.transactionStatus === "00");
  // What VNPAY actually gave back (its amounts are VND × 100).
  const vnpayRefunds = paidTxns.flatMap((t) => t.refunds ?? []).map((r) => Number(r.amount) / 100);
  const refunds = await Promise.all(
    (o.refundIds ?? []).map(async (id) => (await call(baseUrl, "GET", `/api/refunds/${id}`, { token: o.token })).json?.refund?.status ?? "unknown"),
  );
  return {
    ...o,
    status: order?.status ?? "unknown",
    tickets: order?.tickets ?? [],
    notices: noticesBy.order_confirmed ?? 0,
    noticesBy,
    payments: paidTxns.length,
    vnpayRefunds,
    refunds,
  };
}

/**
 * The broken promises about one order (empty when all is well). `expect(o)` says what the kill
 * point allows for it: `statuses`, `notices(status)`: the exact count of email notices of given
 * templates once it ended in that status (any other template: at most once), and `refundVnd` (what VNPAY must have given back in total, in `refundCount` refunds,
 * by default one per id in `o.refundIds`, each of those `succeeded`).
 */
export function orderProblems(o, expected) {
  const problems = [];
  const notices = expected.notices(o.status);
  if (!expected.statuses.includes(o.status)) problems.push(`${o.id}: ${o.status}, expected ${expected.statuses.join("/")}`);
  if (o.payments > 1) problems.push(`${o.id}: paid ${o.payments} times`);
  if (new Set(o.tickets.map((t) => t.id)).size !== o.tickets.length) problems.push(`${o.id}: a ticket listed twice`);
  if (TICKETS_HELD.has(o.status) || o.status === "refunded") {
    if (o.tickets.length !== o.quantity) problems.push(`${o.id}: ${o.status} with ${o.tickets.length} tickets, expected ${o.quantity}`);
    const wantVoid = o.status === "refunded";
    if (o.tickets.some((t) => (t.status === "void") !== wantVoid)) problems.push(`${o.id}: ${o.status} with tickets ${o.tickets.map((t) => t.status).join(",")}`);
  } else if (NO_TICKETS.has(o.status) && o.tickets.length) problems.push(`${o.id}: ${o.status} but ${o.tickets.length} tickets`);
  for (const [template, want] of Object.entries(notices)) {
    if ((o.noticesBy[template] ?? 0) !== want) problems.push(`${o.id}: ${o.noticesBy[template] ?? 0} ${template} notices, expected ${want}`);
  }
  // Others (payment_link, order_cancelled…) are not the point here, but none is sent twice.
  for (const [template, n] of Object.entries(o.noticesBy)) if (!(template in notices) && n > 1) problems.push(`${o.id}: ${n} ${template} notices`);
  const refundVnd = expected.refundVnd ?? 0;
  const givenBack = o.vnpayRefunds.reduce((n, a) => n + a, 0);
  const refundCount = expectedRefunds(o, expected);
  if (o.vnpayRefunds.length !== refundCount || givenBack !== refundVnd) {
    problems.push(`${o.id}: VNPAY refunded ${o.vnpayRefunds.length} times (${givenBack} VND), expected ${refundCount} (${refundVnd} VND)`);
  }
  if (o.refunds.some((s) => s !== "succeeded")) problems.push(`${o.id}: refunds ${o.refunds.join(",")}, expected all succeeded`);
  return problems;
}

const expectedRefunds = (o, expected) => expected.refundCount ?? (o.refundIds ?? []).length;

/** Templates the buyer may have got for an order that ended in `status`, from a checkout (no refunds, no cancellation). */
export const checkoutNotices = (status) =>
  status === "confirmed" ? { order_confirmed: 1 } : status === "expired" ? { order_expired: 1, order_confirmed: 0 } : { order_confirmed: 0 };

/**
 * What the platform shows now: each order's status, tickets, notices and what VNPAY took and gave
 * back, the stock, and the list of broken promises (empty when all is well). `expect(o)` is the
 * kill point's rule for each order (see orderProblems); `extraProblems(baseUrl, sale)` checks
 * beyond orders (e.g. the cancellation's progress). Without `expect`: the checkout's rule, where
 * an order whose payment never got an answer (the kill cut it) may be either paid or not.
 */
export async function observe(baseUrl, sale, { expect = paidOrNot, extraProblems } = {}) {
  const seen = await Promise.all(sale.orders.map((o) => orderView(baseUrl, o)));
  const problems = [];
  for (const o of seen) {
    const expected = expect(o);
    o.expected = expected.statuses;
    o.lost = !expected.statuses.includes(o.status);
    o.refundsDuplicated = Math.max(0, o.vnpayRefunds.length - expectedRefunds(o, expected));
    problems.push(...orderProblems(o, expected));
  }
  const event = (await call(baseUrl, "GET", `/api/events/${sale.eventId}`)).json?.event;
  const available = event?.ticketTypes?.find((t) => t.id === sale.ticketTypeId)?.available;
  const sold = seen.filter((o) => TICKETS_HELD.has(o.status)).reduce((n, o) => n + o.quantity, 0);
  const held = seen.filter((o) => o.status === "pending_payment").reduce((n, o) => n + o.quantity, 0);
  if (sold + held + available !== sale.quantity) problems.push(`stock: sold ${sold} + held ${held} + available ${available} != ${sale.quantity}`);
  if (extraProblems) problems.push(...(await extraProblems(baseUrl, sale)));
  return { orders: seen, stock: { quantity: sale.quantity, sold, held, available }, problems };
}

function paidOrNot(o) {
  return { statuses: o.paid ? ["confirmed"] : ["confirmed", "pending_payment"], notices: checkoutNotices };
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

/** Waits until each order is confirmed with its tickets (the saga done before the next step). */
async function allConfirmed(baseUrl, orders, timeoutMs = 180_000) {
  const until = Date.now() + timeoutMs;
  for (const o of orders) {
    for (;;) {
      const order = (await call(baseUrl, "GET", `/api/orders/${o.id}`, { token: o.token })).json?.order;
      if (order?.status === "confirmed" && order.tickets?.length === o.quantity) break;
      if (Date.now() > until) throw new Error(`${o.id} not confirmed with tickets before the kill (${order?.status})`);
      await sleep(500);
    }
  }
}

const payAll = (orders) => Promise.all(orders.map((o) => pay(o).catch(() => false)));

/**
 * The kill points. `beforeKill` drives the platform up to the kill and returns what is still in
 * flight; `afterRestart` (optional) is what buyers do once it is back; `expect(o)` and
 * `extraProblems` are the end state it must reach (see observe); `atRestart(o)` (optional) what
 * must already hold on each order as soon as it is healthy; `vars` go to the workers.
 */
const KILL_POINTS = {
  // As the last payment answers (delayMs later): confirmations, tickets and notices in flight.
  payments: {
    async beforeKill({ sale, killPoint }) {
      await payAll(sale.orders);
      if (killPoint.delayMs) await sleep(killPoint.delayMs);
      return [];
    },
  },
  // One payer after the other; the kill lands while the next payment (and its IPN) is in flight.
  "half-payments": {
    async beforeKill({ sale, killPoint }) {
      const half = Math.ceil(sale.orders.length / 2);
      const payments = (async () => { for (const o of sale.orders) await pay(o).catch(() => false); })();
      while (sale.orders.filter((o) => o.paid).length < half) await sleep(20);
      await sleep(killPoint.delayMs || 100);
      return [payments];
    },
  },
  // Right after the holds (all orders placed, none paid). After the restart each hold must still be
  // there until it runs out; half the buyers then pay, one cancels, the rest let their hold expire.
  holds: {
    vars: { HOLD_TTL_SECONDS: process.env.FAULTS_HOLD_TTL_S ?? "240" },
    async beforeKill({ killPoint }) {
      if (killPoint.delayMs) await sleep(killPoint.delayMs);
      return [];
    },
    atRestart: (o) => (Date.parse(o.holdExpiresAt) > Date.now() + 5_000 ? ["pending_payment"] : null),
    async afterRestart({ baseUrl, sale, log }) {
      const open = sale.orders.filter((o) => Date.parse(o.holdExpiresAt) > Date.now() + 10_000);
      const [canceller, ...rest] = open;
      if (canceller) {
        const res = await call(baseUrl, "POST", `/api/orders/${canceller.id}/cancel`, { token: canceller.token });
        canceller.cancelled = res.status === 200;
      }
      await payAll(rest.slice(0, Math.floor(sale.orders.length / 2)));
      log(`after restart: ${sale.orders.filter((o) => o.paid).length} paid, ${canceller?.cancelled ? 1 : 0} cancelled, the rest left to expire`);
    },
    expect: (o) => ({ statuses: [o.paid ? "confirmed" : o.cancelled ? "cancelled" : "expired"], notices: checkoutNotices }),
    watchUntil: (sale) => Math.max(...sale.orders.map((o) => Date.parse(o.holdExpiresAt))),
  },
  // In the middle of organizer refunds: every order paid and ticketed; half refunded in full, half
  // in part (money only); killed as the last 202 answers.
  refunds: {
    async beforeKill({ baseUrl, sale, killPoint }) {
      await payAll(sale.orders);
      await allConfirmed(baseUrl, sale.orders);
      await Promise.all(sale.orders.map(async (o, i) => {
        const amountVnd = i % 2 ? Math.floor(o.totalVnd / 5) : undefined;
        const json = await expectStatus(call(baseUrl, "POST", `/api/orders/${o.id}/refund`, {
          token: sale.organizer,
          body: { reason: "Crash refund", ...(amountVnd ? { amountVnd } : {}) },
        }), 202, `refund ${o.id}`);
        o.refundIds = [json.refund.id];
        o.refundVnd = json.refund.amountVnd;
      }));
      if (killPoint.delayMs) await sleep(killPoint.delayMs);
      return [];
    },
    expect: (o) => ({
      statuses: [o.refundVnd === o.totalVnd ? "refunded" : "partially_refunded"],
      notices: () => ({ order_confirmed: 1, refund_succeeded: 1 }),
      refundVnd: o.refundVnd,
    }),
  },
  // During an event cancellation batch: half the orders paid, the rest held; killed as the
  // cancellation's 202 answers. Paid orders are refunded in full once, held ones cancelled, each
  // buyer told once.
  cancel: {
    async beforeKill({ baseUrl, sale, killPoint }) {
      const paying = sale.orders.slice(0, Math.ceil(sale.orders.length / 2));
      await payAll(paying);
      await allConfirmed(baseUrl, paying.filter((o) => o.paid));
      await expectStatus(call(baseUrl, "POST", `/api/events/${sale.eventId}/cancel`, { token: sale.organizer, body: { reason: "Crash cancellation" } }), 202, "cancel event");
      if (killPoint.delayMs) await sleep(killPoint.delayMs);
      return [];
    },
    expect: (o) =>
      o.paid
        ? { statuses: ["refunded"], notices: () => ({ order_confirmed: 1, refund_succeeded: 1, event_cancelled: 1 }), refundVnd: o.totalVnd, refundCount: 1 }
        : { statuses: ["cancelled"], notices: () => ({ event_cancelled: 1, order_confirmed: 0, refund_succeeded: 0 }) },
    async extraProblems(baseUrl, sale) {
      const progress = (await call(baseUrl, "GET", `/api/events/${sale.eventId}/cancellation`, { token: sale.organizer })).json;
      const paid = sale.orders.filter((o) => o.paid).length;
      const want = { total: paid, succeeded: paid, failed: 0, pending: 0 };
      const off = Object.entries(want).filter(([k, v]) => progress?.[k] !== v);
      return off.length ? [`cancellation ${JSON.stringify(progress)}, expected ${JSON.stringify(want)}`] : [];
    },
  },
};

export const KILL_POINT_NAMES = Object.keys(KILL_POINTS);

/** "refunds+1500" → {after: "refunds", delayMs: 1500}. */
export function parseKillPoint(name) {
  const [after, delay] = name.trim().split("+");
  if (!KILL_POINTS[after]) throw new Error(`unknown kill point ${name} (known: ${KILL_POINT_NAMES.join(", ")})`);
  return { after, delayMs: Number(delay ?? 0) };
}

/**
 * One run: boot, sell, drive the platform to `killPoint` (see KILL_POINTS), SIGKILL, reboot on the
 * same state, watch up to `boundMs` once it is healthy again (or once the last hold ran out, for
 * `holds`) until every promise holds.
 * Crons run as `npm run dev` runs them (every minute), or every `cronEveryMs` if given.
 */
export async function crashAndRecover({ orders = 8, killPoint = { after: "payments", delayMs: 0 }, boundMs = 150_000, cronEveryMs, vars = {}, log = () => {} } = {}) {
  const point = KILL_POINTS[killPoint.after];
  if (!point) throw new Error(`unknown kill point ${killPoint.after}`);
  const stackVars = { ...point.vars, ...vars };
  const rules = { expect: point.expect, extraProblems: point.extraProblems };
  const persistTo = mkdtempSync(join(tmpdir(), "tickets-crash-"));
  const port = await freePort();
  const crons = workerCrons(ROOT, WORKERS);
  const tickerOpts = cronEveryMs ? { everyMs: cronEveryMs, log } : { log };
  let stack = await startStack({ port, persistTo, quiet: true, vars: stackVars });
  let stopTicker = startCronTicker(stack.baseUrl, crons, tickerOpts);
  try {
    const sale = await sellOrders(stack.baseUrl, { orders });
    log(`sold ${orders} orders on ${sale.eventId}; driving to ${killPoint.after}+${killPoint.delayMs}`);
    const inFlight = await point.beforeKill({ baseUrl: stack.baseUrl, sale, killPoint, log });
    stopTicker();
    await stack.kill("SIGKILL");
    const paidBeforeKill = sale.orders.filter((o) => o.paid).length;
    log(`killed with ${paidBeforeKill}/${orders} payments answered`);
    await Promise.allSettled(inFlight);
    await portFree(port);
    const restartedAt = Date.now();
    stack = await startStack({ port, persistTo, quiet: true, vars: stackVars });
    const bootMs = Date.now() - restartedAt;
    stopTicker = startCronTicker(stack.baseUrl, crons, tickerOpts);
    const atRestart = await observe(stack.baseUrl, sale, rules);
    // Promises that must already hold at restart (e.g. the holds are still there) count as problems for good.
    const restartProblems = point.atRestart
      ? atRestart.orders.flatMap((o) => {
          const allowed = point.atRestart(o);
          return allowed && !allowed.includes(o.status) ? [`${o.id}: ${o.status} at restart, expected ${allowed.join("/")}`] : [];
        })
      : [];
    if (point.afterRestart) await point.afterRestart({ baseUrl: stack.baseUrl, sale, log });
    let last = atRestart;
    const healthyAt = Date.now(); // the bound counts from here: boot time varies with the machine's load
    const watchUntil = Math.max(healthyAt, point.watchUntil?.(sale) ?? 0) + boundMs;
    while (last.problems.length || last === atRestart) {
      last = await observe(stack.baseUrl, sale, rules);
      if (!last.problems.length || Date.now() > watchUntil) break;
      await sleep(1000);
    }
    last.problems.unshift(...restartProblems);
    const ok = last.problems.length === 0;
    return { ok, paidBeforeKill, bootMs, recoveryMs: ok ? Date.now() - restartedAt : null, atRestart, final: last };
  } finally {
    stopTicker();
    await stack.stop();
    rmSync(persistTo, { recursive: true, force: true });
  }
}
