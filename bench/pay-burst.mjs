// npm run bench:pay-burst — N orders paid at once through the VNPAY sandbox (BENCH_ORDERS,
// default 400): how every payment page answered, how every first IPN was answered, and which
// orders were still unconfirmed after the IPN retries (what reconciliation must catch).
// BENCH_STACK_LOG=1 also prints the stack's request log.
import { bootStack, createClient, machine, table, publishedSale, placeOrders } from "./lib.mjs";

const SHOW = 10;

const ORDERS = Number(process.env.BENCH_ORDERS ?? 400);
const POOL = Number(process.env.BENCH_POOL ?? 64);
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 30_000);

const stack = await bootStack();
const client = createClient(stack.baseUrl, POOL);
const count = (xs) => xs.reduce((m, x) => ((m[x] = (m[x] ?? 0) + 1), m), {});
try {
  const sale = await publishedSale(client, { title: "Burst bench", priceVnd: 100_000, quantity: ORDERS, maxPerOrder: 1, ip: "127.0.0.52" });
  const placed = await placeOrders(client, sale, ORDERS);

  const t0 = performance.now();
  const pays = await Promise.all(
    placed.map((o) =>
      client.request("POST", o.paymentUrl.pathname + o.paymentUrl.search, {
        body: "outcome=success",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      }),
    ),
  );
  const payMs = performance.now() - t0;
  await new Promise((r) => setTimeout(r, SETTLE_MS));

  const orders = await Promise.all(placed.map((o) => client.request("GET", `/api/orders/${o.orderId}`, { headers: o.auth })));
  const txs = await Promise.all(placed.map((o) => client.request("GET", `/paymentv2/emulator/transactions?txnRef=${o.orderId}`)));
  const firstIpn = txs.map((t) => {
    const d = t.json?.items?.[0]?.ipnDeliveries?.[0];
    return d ? `${d.httpStatus ?? "-"}/${d.rspCode ?? "-"}` : "none";
  });
  console.log(`\nPay burst: ${ORDERS} orders paid at once (pool ${POOL}) in ${Math.round(payMs)} ms; states ${SETTLE_MS} ms later\n`);
  console.log(table([["what", "counts"], ["payment page HTTP", JSON.stringify(count(pays.map((p) => p.status)))], ["first IPN http/RspCode", JSON.stringify(count(firstIpn))], ["order status", JSON.stringify(count(orders.map((r) => r.json?.order?.status ?? r.status)))], ["paid at the sandbox", JSON.stringify(count(txs.map((t) => t.json?.items?.[0]?.responseCode ?? "no transaction")))], ["sandbox ipnStatus", JSON.stringify(count(txs.map((t) => t.json?.items?.[0]?.ipnStatus ?? "no transaction")))]]));
  const badPays = placed.flatMap((o, i) => (pays[i].status === 302 ? [] : [`pay ${o.orderId}: HTTP ${pays[i].status} ${pays[i].error ?? ""} ${pays[i].text.slice(0, 300)}`]));
  const unconfirmed = placed.flatMap((o, i) =>
    orders[i].json?.order?.status === "confirmed" ? [] : [`unconfirmed ${o.orderId}: ${orders[i].json?.order?.status ?? orders[i].status} deliveries ${JSON.stringify(txs[i].json?.items?.[0]?.ipnDeliveries ?? [])}`],
  );
  for (const line of [...badPays.slice(0, SHOW), ...unconfirmed.slice(0, SHOW)]) console.log(line);
  console.log(JSON.stringify(machine()));
} finally {
  client.close();
  await stack.stop();
}
