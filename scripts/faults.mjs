// npm run test:faults — crash the whole local platform (SIGKILL of the `wrangler dev` process
// group, workerd included) at several points of the saga, restart it on the same persisted state
// and measure how long until every order ends in the state its kill point requires (see
// KILL_POINTS in scripts/crash-scenario.mjs): no payment or refund taken twice, no ticket issued
// twice, one notice of each kind, the stock adding up (watching up to FAULTS_BOUND_S once the
// restarted stack is healthy). Prints a table.
//
//   FAULTS_POINTS=payments+0,payments+1500,half-payments,refunds+0,cancel+0   the default
//   FAULTS_POINTS=all            also `holds` (about 5 more minutes)
//   FAULTS_POINTS=holds,refunds+0,cancel+0   any list of <point>[+<ms after it>]
//   FAULTS_ORDERS=8 FAULTS_BOUND_S=150 FAULTS_HOLD_TTL_S=240 (the hold TTL of the `holds` point)
//   FAULTS_CRON_EVERY_MS=10000   tick the crons every 10 s instead of every minute like `npm run dev`
//   FAULTS_INPUTS=0              skip the input suites (authorization matrix, fuzzing, hostile strings)
// Ends with one summary table (scripts/reliability-summary.mjs).
import { crashAndRecover, parseKillPoint } from "./crash-scenario.mjs";
import { allHeld, runInputSuites, summaryRows } from "./reliability-summary.mjs";

const ORDERS = Number(process.env.FAULTS_ORDERS ?? 8);
const BOUND_MS = Number(process.env.FAULTS_BOUND_S ?? 150) * 1000;
const CRON_EVERY_MS = process.env.FAULTS_CRON_EVERY_MS ? Number(process.env.FAULTS_CRON_EVERY_MS) : undefined;
// `holds` waits for its holds to run out (FAULTS_HOLD_TTL_S after they were placed, ~5 min a run):
// only in `all`.
const DEFAULT_POINTS = "payments+0,payments+1500,half-payments,refunds+0,cancel+0";
const ALL_POINTS = `${DEFAULT_POINTS},holds`;
const POINTS = (process.env.FAULTS_POINTS === "all" ? ALL_POINTS : (process.env.FAULTS_POINTS ?? DEFAULT_POINTS))
  .split(",")
  .map((name) => ({ name: name.trim(), killPoint: parseKillPoint(name) }));

const rows = [];
const runs = [];
for (const { name, killPoint } of POINTS) {
  const started = Date.now();
  console.log(`\n== kill point ${name}: ${ORDERS} orders`);
  try {
    const r = await crashAndRecover({ orders: ORDERS, killPoint, boundMs: BOUND_MS, cronEveryMs: CRON_EVERY_MS, log: (m) => console.log(`   ${m}`) });
    runs.push(r);
    const s = r.atRestart.orders;
    const statuses = Object.entries(Object.groupBy(s, (o) => o.status)).map(([status, os]) => `${os.length} ${status}`).join(", ");
    rows.push({
      "kill point": name,
      "paid (answered)": `${r.paidBeforeKill}/${ORDERS}`,
      "at restart (ticketed/noticed)": `${statuses} (${s.filter((o) => o.tickets.length > 0).length}/${s.filter((o) => o.notices > 0).length})`,
      outcome: r.ok ? "recovered" : `STUCK: ${r.final.problems.length} problems`,
      "restart → all done (s)": r.ok ? (r.recoveryMs / 1000).toFixed(1) : "-",
      "boot (s)": (r.bootMs / 1000).toFixed(1),
      "healthy → all done (s)": r.ok ? ((r.recoveryMs - r.bootMs) / 1000).toFixed(1) : `> ${BOUND_MS / 1000}`,
      "final stock sold/held/avail/qty": `${r.final.stock.sold}/${r.final.stock.held}/${r.final.stock.available}/${r.final.stock.quantity}`,
    });
    if (!r.ok) for (const p of r.final.problems.slice(0, 10)) console.log(`   problem: ${p}`);
  } catch (err) {
    runs.push(null);
    console.log(`   error: ${err.message.slice(-3000)}`);
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
