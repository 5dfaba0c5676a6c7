// npm run test:faults — crash the whole local platform (SIGKILL of the `wrangler dev` process
// group, workerd included) at several points of the checkout saga, restart it on the same
// persisted state and measure how long until every paid order is confirmed with its tickets
// and exactly one `order_confirmed` notice, with the stock adding up (watching up to FAULTS_BOUND_S
// once the restarted stack is healthy). Prints a table.
//
//   FAULTS_ORDERS=8 FAULTS_BOUND_S=150 FAULTS_POINTS=payments+0,payments+1500,half-payments npm run test:faults
//   FAULTS_CRON_EVERY_MS=10000   tick the crons every 10 s instead of every minute like `npm run dev`
//   FAULTS_INPUTS=0              skip the input suites (authorization matrix, fuzzing, hostile strings)
// Ends with one summary table (scripts/reliability-summary.mjs).
import { crashAndRecover } from "./crash-scenario.mjs";
import { allHeld, runInputSuites, summaryRows } from "./reliability-summary.mjs";

const ORDERS = Number(process.env.FAULTS_ORDERS ?? 8);
const BOUND_MS = Number(process.env.FAULTS_BOUND_S ?? 150) * 1000;
const CRON_EVERY_MS = process.env.FAULTS_CRON_EVERY_MS ? Number(process.env.FAULTS_CRON_EVERY_MS) : undefined;
const POINTS = (process.env.FAULTS_POINTS ?? "payments+0,payments+1500,half-payments").split(",").map((p) => {
  const [after, delay] = p.trim().split("+");
  return { name: p.trim(), killPoint: { after, delayMs: Number(delay ?? 0) } };
});

const rows = [];
const runs = [];
for (const { name, killPoint } of POINTS) {
  const started = Date.now();
  console.log(`\n== kill point ${name}: ${ORDERS} orders`);
  try {
    const r = await crashAndRecover({ orders: ORDERS, killPoint, boundMs: BOUND_MS, cronEveryMs: CRON_EVERY_MS, log: (m) => console.log(`   ${m}`) });
    runs.push(r);
    const s = r.atRestart.orders;
    const count = (f) => s.filter(f).length;
    rows.push({
      "kill point": name,
      "paid (answered)": `${r.paidBeforeKill}/${ORDERS}`,
      "at restart: confirmed/ticketed/noticed": `${count((o) => o.status === "confirmed")}/${count((o) => o.tickets.length > 0)}/${count((o) => o.notices > 0)}`,
      outcome: r.ok ? "recovered" : `STUCK: ${r.final.problems.length} problems`,
      "restart → all done (s)": r.ok ? (r.recoveryMs / 1000).toFixed(1) : "-",
      "boot (s)": (r.bootMs / 1000).toFixed(1),
      "healthy → all done (s)": r.ok ? ((r.recoveryMs - r.bootMs) / 1000).toFixed(1) : `> ${BOUND_MS / 1000}`,
      "final stock sold/held/avail/qty": `${r.final.stock.sold}/${r.final.stock.held}/${r.final.stock.available}/${r.final.stock.quantity}`,
    });
    if (!r.ok) for (const p of r.final.problems.slice(0, 10)) console.log(`   problem: ${p}`);
  } catch (err) {
    runs.push(null);
    rows.push({ "kill point": name, outcome: `ERROR: ${err.message.split("\n")[0]}` });
  }
  console.log(`   (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

console.log(`\nCrash recovery, ${ORDERS} orders per run, bound ${BOUND_MS / 1000} s, crons ${CRON_EVERY_MS ? `every ${CRON_EVERY_MS} ms` : "every minute (as npm run dev)"}`);
console.table(rows);

const inputs = process.env.FAULTS_INPUTS !== "0";
const inputsPassed = inputs ? runInputSuites() : true;
const summary = { injected: POINTS.length, runs };
console.log("\nReliability summary");
console.table(summaryRows(summary));
process.exit(inputsPassed && allHeld(summary, { inputs }) ? 0 : 1);
