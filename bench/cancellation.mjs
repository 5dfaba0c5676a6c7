// npm run bench:cancel — cancels an event with N paid orders and measures the time until every
// refund succeeded (BENCH_ORDERS, default 1000). The paid orders are written straight into the
// local D1s before the stack boots (orders, the payments worker's successful payment, the VNPAY
// sandbox's transaction: what a real checkout leaves behind), so the bench measures the
// cancellation, not N checkouts. Baseline in the same run: an event with BENCH_BASELINE_ORDERS
// (default 10) paid orders cancelled first, on the same stack.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ulid } from "ulid";
import { applyMigrations, ensureDevVars, freePort, ROOT, startStack } from "../scripts/stack.mjs";
import { createClient, machine, round, table, tokenMinter, writeResult } from "./lib.mjs";

const ORDERS = Number(process.env.BENCH_ORDERS ?? 1000);
const BASELINE_ORDERS = Number(process.env.BENCH_BASELINE_ORDERS ?? 10);
const PRICE_VND = 300_000;
const POLL_MS = 1_000;
/** D1 refuses statements over 100 KB. */
const ROWS_PER_INSERT = 100;
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 30 * 60_000);
const run = promisify(execFile);

const devVar = (file, name) => new RegExp(`^${name}\\s*=\\s*"?([^"\\n]*)"?`, "m").exec(readFileSync(join(ROOT, file), "utf8"))?.[1];
const TMN_CODE = devVar("workers/payments/.dev.vars.example", "VNPAY_TMN_CODE");
const q = (v) => (v === null ? "NULL" : typeof v === "number" ? String(v) : `'${String(v).replace(/'/g, "''")}'`);
const values = (rows) => rows.map((r) => `(${r.map(q).join(", ")})`).join(",\n");
/** yyyyMMddHHmmss in GMT+7, as VNPAY writes dates. */
const vnpDate = (ms) => new Date(ms + 7 * 3_600_000).toISOString().replace(/[-:T]/g, "").slice(0, 14);

/** One event with `n` paid orders, as SQL per database. */
function paidEvent(organizerId, n, label) {
  const now = Date.now();
  const eventId = ulid();
  const ttId = ulid();
  const startsAt = now + 30 * 86_400_000;
  const sql = { events: [], orders: [], payments: [], "vnpay-sandbox": [] };
  sql.events.push(
    `INSERT INTO events (id, organizer_id, title, description, venue, city, starts_at, ends_at, status, created_at, updated_at, published_at, category_id)
     VALUES (${[eventId, organizerId, `Cancellation bench ${label}`, "", "Bench Hall", "Ha Noi", startsAt, startsAt + 3_600_000, "published", now, now, now, "music"].map(q).join(", ")});`,
    `INSERT INTO ticket_types (id, event_id, name, price_vnd, quantity, max_per_order, created_at, updated_at)
     VALUES (${[ttId, eventId, "GA", PRICE_VND, n + 10, 1, now, now].map(q).join(", ")});`,
  );
  for (let i = 0; i < n; i += ROWS_PER_INSERT) {
    const chunk = Array.from({ length: Math.min(ROWS_PER_INSERT, n - i) }, (_, k) => {
      const orderId = `bench-${label}-${String(i + k).padStart(6, "0")}-${ulid()}`;
      const paymentId = ulid();
      const transactionNo = String(20_000_000 + i + k) + label.length;
      return { orderId, paymentId, transactionNo, buyerId: ulid() };
    });
    sql.orders.push(
      `INSERT INTO orders (id, event_id, buyer_id, buyer_email, status, total_vnd, hold_expires_at, payment_id, paid_amount_vnd, transaction_no, paid_at, created_at, updated_at) VALUES\n${values(
        chunk.map((o) => [o.orderId, eventId, o.buyerId, `bench-${o.buyerId.toLowerCase()}@example.test`, "confirmed", PRICE_VND, now, o.paymentId, PRICE_VND, o.transactionNo, now, now, now]),
      )};`,
      `INSERT INTO order_items (order_id, ticket_type_id, name, unit_price_vnd, quantity) VALUES\n${values(chunk.map((o) => [o.orderId, ttId, "GA", PRICE_VND, 1]))};`,
    );
    sql.payments.push(
      `INSERT INTO payment_results (id, order_id, outcome, amount_vnd, response_code, transaction_status, transaction_no, bank_code, card_type, pay_date, transaction_date, created_at) VALUES\n${values(
        chunk.map((o) => [o.paymentId, o.orderId, "succeeded", PRICE_VND, "00", "00", o.transactionNo, "NCB", "ATM", vnpDate(now), vnpDate(now), now]),
      )};`,
    );
    sql["vnpay-sandbox"].push(
      `INSERT INTO transactions (tmn_code, txn_ref, amount, order_info, create_date, return_url, response_code, transaction_status, transaction_no, bank_code, card_type, pay_date, result_query, ipn_status, created_at) VALUES\n${values(
        chunk.map((o) => [TMN_CODE, o.orderId, String(PRICE_VND * 100), `Thanh toan don hang ${o.orderId}`, vnpDate(now), "http://127.0.0.1/return", "00", "00", o.transactionNo, "NCB", "ATM", vnpDate(now), "{}", "confirmed", now]),
      )};`,
    );
  }
  return { eventId, sql };
}

async function seed(persistTo, events) {
  const dir = mkdtempSync(join(tmpdir(), "cancel-bench-sql-"));
  try {
    for (const [worker, db] of [["events", "events"], ["orders", "orders"], ["payments", "payments"], ["vnpay-sandbox", "vnpay_sandbox"]]) {
      const file = join(dir, `${db}.sql`);
      writeFileSync(file, events.flatMap((e) => e.sql[worker]).join("\n"));
      await run(process.execPath, [join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js"), "d1", "execute", db, "--local", "--persist-to", persistTo, "-c", `workers/${worker}/wrangler.toml`, "--file", file], {
        cwd: ROOT,
        env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" },
        maxBuffer: 1 << 26,
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Cancels the event and polls GET …/cancellation until every refund succeeded (or failed). */
async function cancelAndWait(client, auth, eventId, n) {
  const t0 = performance.now();
  const res = await client.request("POST", `/api/events/${eventId}/cancel`, { headers: auth, body: { reason: "Bench: venue unavailable" } });
  if (res.status !== 202) throw new Error(`cancel: ${res.status} ${res.text}`);
  const acceptedMs = performance.now() - t0;
  let last = null;
  while (performance.now() - t0 < TIMEOUT_MS) {
    const p = await client.request("GET", `/api/events/${eventId}/cancellation`, { headers: auth });
    last = p.json;
    if (last && last.total === n && last.succeeded + last.failed === n) break;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  const doneMs = performance.now() - t0;
  return { orders: n, acceptedMs: round(acceptedMs), allRefundedMs: round(doneMs), refundsPerSec: round(n / (doneMs / 1000)), progress: last };
}

ensureDevVars();
const persistTo = mkdtempSync(join(tmpdir(), "tickets-bench-cancel-"));
const mint = await tokenMinter();
const organizer = await mint(["organizer"]);
const baseline = paidEvent(organizer.userId, BASELINE_ORDERS, "base");
const big = paidEvent(organizer.userId, ORDERS, "big");
const seedStart = performance.now();
await applyMigrations(persistTo);
await seed(persistTo, [baseline, big]);
const seedMs = performance.now() - seedStart;

const stack = await startStack({ port: await freePort(), persistTo, quiet: true });
const client = createClient(stack.baseUrl, 16);
const auth = { authorization: `Bearer ${organizer.token}` };
try {
  const base = await cancelAndWait(client, auth, baseline.eventId, BASELINE_ORDERS);
  const main = await cancelAndWait(client, auth, big.eventId, ORDERS);
  const result = { baseline: base, main, seedMs: round(seedMs), machine: machine(), measuredAt: new Date().toISOString() };
  const file = writeResult(`cancellation-${ORDERS}.json`, result);
  console.log(`\nEvent cancellation: every paid order refunded in full through the VNPAY sandbox (seeded in ${round(seedMs / 1000)} s)\n`);
  console.log(
    table([
      ["run", "paid orders", "202 after ms", "all refunded after s", "refunds/s", "succeeded", "failed"],
      ...[["baseline", base], ["main", main]].map(([name, r]) => [name, r.orders, r.acceptedMs, round(r.allRefundedMs / 1000), r.refundsPerSec, r.progress?.succeeded, r.progress?.failed]),
    ]),
  );
  console.log(`written ${file}`);
  if (main.progress?.succeeded !== ORDERS) {
    console.log(`--- stack output (last lines) ---\n${stack.output().slice(-6000)}`);
    process.exitCode = 1;
  }
} finally {
  client.close();
  await stack.stop();
  rmSync(persistTo, { recursive: true, force: true });
}
