// npm run bench:saga — N orders paid at once through the VNPAY sandbox; time from the payment
// to the order being confirmed and to its tickets being issued (queues, outbox, consumers).
import { bootStack, createClient, percentile, machine, writeResult, table, round, publishedSale, placeOrders } from "./lib.mjs";

const ORDERS = Number(process.env.BENCH_ORDERS ?? 100);
const POOL = Number(process.env.BENCH_POOL ?? 64);
const POLL_MS = 500;
const TIMEOUT_MS = 120_000;

const stack = await bootStack();
const client = createClient(stack.baseUrl, POOL);
try {
  const sale = await publishedSale(client, { title: "Saga bench", priceVnd: 300_000, quantity: ORDERS * 2, maxPerOrder: 2, ip: "127.0.0.51" });
  const placed = await placeOrders(client, sale, ORDERS, (i) => 1 + (i % 2));

  // Pay every order at once, then watch each order until confirmed and ticketed.
  const toConfirmed = [];
  const toTickets = [];
  await Promise.all(
    placed.map(async (o) => {
      const paidAt = performance.now();
      const pay = await client.request("POST", o.paymentUrl.pathname + o.paymentUrl.search, {
        body: "outcome=success",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
      if (pay.status !== 302) throw new Error(`pay ${o.orderId}: ${pay.status} ${pay.text.slice(0, 200)}`);
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
  const result = {
    orders: ORDERS,
    confirmed: c.length,
    ticketed: t.length,
    confirmedP50Ms: round(percentile(c, 50)),
    confirmedP99Ms: round(percentile(c, 99)),
    ticketsP50Ms: round(percentile(t, 50)),
    ticketsP99Ms: round(percentile(t, 99)),
    pollIntervalMs: POLL_MS,
    connectionPool: POOL,
    machine: machine(),
    measuredAt: new Date().toISOString(),
  };
  const file = writeResult("saga.json", result);
  console.log(`\nSaga: ${ORDERS} orders paid at once through the VNPAY sandbox (poll every ${POLL_MS} ms)\n`);
  console.log(table([
    ["payment →", "count", "p50 ms", "p99 ms"],
    ["order confirmed", c.length, result.confirmedP50Ms, result.confirmedP99Ms],
    ["tickets issued", t.length, result.ticketsP50Ms, result.ticketsP99Ms],
  ]));
  console.log(`written ${file}`);
  if (t.length !== ORDERS) process.exitCode = 1;
} finally {
  client.close();
  await stack.stop();
}
