// npm run bench:saga — N orders paid at once through the VNPAY sandbox; time from the payment
// (the IPN the sandbox sends) to the order being confirmed and to its tickets being issued
// (queues, outbox, consumers). BENCH_ORDERS=1000 for the big variant (bench/results/saga-1000.json);
// BENCH_LABEL tags the result (e.g. which code was measured).
//
// Two clocks. Server side (the figures that count): each order's own timeline
// (GET /api/orders/:id/timeline) says when payments recorded the payment, when orders confirmed
// it and when tickets issued them, read once everything is done, so measuring adds no load to
// the saga. Buyer side: from pressing pay (the sandbox delivers the IPN before it answers) to the
// buyer's poll seeing the order confirmed / ticketed, only as fine as BENCH_POLL_MS; that polling
// (N orders every interval) competes with the saga for the box's cores, hence 2 s by default.
import { bootStack, createClient, placeOrders, percentile, machine, writeResult, table, round } from "./lib.mjs";

const ORDERS = Number(process.env.BENCH_ORDERS ?? 100);
const POOL = Number(process.env.BENCH_POOL ?? 64);
const POLL_MS = Number(process.env.BENCH_POLL_MS ?? 2000);
// A thousand orders take minutes on a loaded 2-core box: the timeout grows with the load.
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? Math.max(120_000, ORDERS * 600));
const LABEL = process.env.BENCH_LABEL;

const stack = await bootStack();
const client = createClient(stack.baseUrl, POOL);
try {
  const org = await client.request("POST", "/api/auth/register", {
    body: { email: `saga-organizer-${Date.now()}@example.test`, password: "bench-organizer-pass", name: "Saga Org", role: "organizer" },
    headers: { "cf-connecting-ip": "127.0.0.51" },
  });
  if (org.status !== 201) throw new Error(`organizer register: ${org.status} ${org.text}`);
  const orgAuth = { authorization: `Bearer ${org.json.accessToken}` };
  const now = Date.now();
  const ev = await client.request("POST", "/api/events", {
    headers: orgAuth,
    body: { title: "Saga bench", venue: "Bench Hall", city: "Ha Noi", startsAt: new Date(now + 20 * 864e5).toISOString(), endsAt: new Date(now + 20 * 864e5 + 36e5).toISOString() },
  });
  const eventId = ev.json.event.id;
  const tt = await client.request("POST", `/api/events/${eventId}/ticket-types`, { headers: orgAuth, body: { name: "GA", priceVnd: 300_000, quantity: ORDERS * 2, maxPerOrder: 2 } });
  const typeId = tt.json.ticketType.id;
  await client.request("POST", `/api/events/${eventId}/publish`, { headers: orgAuth });

  const placed = await placeOrders(client, { eventId, ticketTypeId: typeId }, ORDERS, (i) => 1 + (i % 2));

  // Pay every order at once, then watch each order until confirmed and ticketed.
  const payAnswered = [];
  const toConfirmed = [];
  const toTickets = [];
  const payFailures = [];
  let payRetries = 0;
  await Promise.all(
    placed.map(async (o) => {
      const paidAt = performance.now();
      // Under heavy load wrangler dev sometimes answers 503 "worker restarted mid-request": the
      // buyer presses pay again (the sandbox and the IPN are idempotent); the clock keeps running.
      let pay;
      for (let attempt = 1; attempt <= 3; attempt++) {
        pay = await client.request("POST", o.paymentUrl.pathname + o.paymentUrl.search, {
          body: "outcome=success",
          headers: { "content-type": "application/x-www-form-urlencoded" },
        });
        if (pay.status !== 503) break;
        payRetries++;
      }
      payAnswered.push(performance.now() - paidAt);
      if (pay.status !== 302) {
        payFailures.push(`${o.orderId}: ${pay.status} ${pay.text.slice(0, 120)}`);
        return;
      }
      let confirmed = false;
      while (performance.now() - paidAt < TIMEOUT_MS) {
        const res = await client.request("GET", `/api/orders/${o.orderId}`, { headers: o.auth });
        const order = res.json?.order;
        if (!confirmed && order?.status === "confirmed") {
          confirmed = true;
          toConfirmed.push(performance.now() - paidAt);
        }
        if (order?.tickets?.length) {
          toTickets.push(performance.now() - paidAt);
          return;
        }
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    }),
  );
  const c = [...toConfirmed].sort((a, b) => a - b);
  const t = [...toTickets].sort((a, b) => a - b);
  const p = [...payAnswered].sort((a, b) => a - b);
  const server = await serverSideLags(client, placed);
  const result = {
    orders: ORDERS,
    confirmed: c.length,
    ticketed: t.length,
    payRetries,
    payFailures: payFailures.length,
    ...(LABEL ? { label: LABEL } : {}),
    server: server.summary,
    payAnsweredP50Ms: round(percentile(p, 50)),
    payAnsweredP99Ms: round(percentile(p, 99)),
    confirmedP50Ms: round(percentile(c, 50)),
    confirmedP95Ms: round(percentile(c, 95)),
    confirmedP99Ms: round(percentile(c, 99)),
    ticketsP50Ms: round(percentile(t, 50)),
    ticketsP95Ms: round(percentile(t, 95)),
    ticketsP99Ms: round(percentile(t, 99)),
    pollIntervalMs: POLL_MS,
    connectionPool: POOL,
    machine: machine(),
    measuredAt: new Date().toISOString(),
  };
  const file = writeResult(ORDERS === 100 ? "saga.json" : `saga-${ORDERS}.json`, result);
  console.log(`\nSaga: ${ORDERS} orders paid at once through the VNPAY sandbox (poll every ${POLL_MS} ms)${LABEL ? ` [${LABEL}]` : ""}\n`);
  console.log("server side, from each order's timeline:");
  console.log(table([
    ["", "count", "p50 ms", "p95 ms", "p99 ms", "max ms"],
    ...Object.entries(server.summary).map(([name, s]) => [name, s.count, s.p50Ms, s.p95Ms, s.p99Ms, s.maxMs]),
  ]));
  console.log(`\nbuyer side, pay pressed → seen by a poll every ${POLL_MS} ms:`);
  console.log(table([
    ["pay →", "count", "p50 ms", "p95 ms", "p99 ms"],
    ["pay answered (sandbox + IPN)", p.length, result.payAnsweredP50Ms, round(percentile(p, 95)), result.payAnsweredP99Ms],
    ["order confirmed", c.length, result.confirmedP50Ms, result.confirmedP95Ms, result.confirmedP99Ms],
    ["tickets issued", t.length, result.ticketsP50Ms, result.ticketsP95Ms, result.ticketsP99Ms],
  ]));
  if (payRetries || payFailures.length) console.log(`pay retried ${payRetries}× after 503; failed: ${payFailures.length} ${payFailures.slice(0, 3).join(" | ")}`);
  console.log(`written ${file}`);
  if (t.length !== ORDERS) process.exitCode = 1;
} finally {
  client.close();
  await stack.stop();
}

/** Per order, from its timeline: payment recorded → confirmed → tickets issued (server clocks). */
async function serverSideLags(client, placed) {
  const lags = { "payment → confirmed": [], "confirmed → tickets": [], "payment → tickets": [] };
  for (const o of placed) {
    const res = await client.request("GET", `/api/orders/${o.orderId}/timeline`, { headers: o.auth });
    const at = (step) => {
      const item = res.json?.items?.find((i) => i.step === step);
      return item ? Date.parse(item.at) : null;
    };
    const paid = at("payment_succeeded");
    const confirmed = at("confirmed");
    const issued = at("tickets_issued");
    if (paid !== null && confirmed !== null) lags["payment → confirmed"].push(confirmed - paid);
    if (confirmed !== null && issued !== null) lags["confirmed → tickets"].push(issued - confirmed);
    if (paid !== null && issued !== null) lags["payment → tickets"].push(issued - paid);
  }
  const summary = {};
  for (const [name, values] of Object.entries(lags)) {
    const sorted = values.sort((a, b) => a - b);
    summary[name] = {
      count: sorted.length,
      p50Ms: round(percentile(sorted, 50)),
      p95Ms: round(percentile(sorted, 95)),
      p99Ms: round(percentile(sorted, 99)),
      maxMs: round(sorted.at(-1) ?? 0),
    };
  }
  return { summary };
}
