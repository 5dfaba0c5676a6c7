// npm run bench:reports — one event with 100,000 orders in the reports D1 (facts and the
// aggregates they add up to, inserted directly), then, from inside the runtime: the sales report
// and its CSV, next to a plain SELECT count(*) over the same order rows (same run, same database),
// and next to the same figures computed straight from the facts without the aggregate tables.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, ROOT } from "../scripts/stack.mjs";
import { machine, writeResult, table } from "./lib.mjs";

const ORDERS = Number(process.env.BENCH_ORDERS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const WRANGLER = join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
const CONFIG = "bench/reports/wrangler.toml";

const persistTo = mkdtempSync(join(tmpdir(), "tickets-bench-reports-"));
execFileSync(process.execPath, [WRANGLER, "d1", "migrations", "apply", "bench-reports", "--local", "--persist-to", persistTo, "-c", CONFIG], { cwd: ROOT, stdio: "ignore", env: { ...process.env, CI: "true" } });
const port = await freePort();
const child = spawn(process.execPath, [WRANGLER, "dev", "-c", CONFIG, "--port", String(port), "--ip", "127.0.0.1", "--persist-to", persistTo, "--show-interactive-dev-session=false", "--log-level", "error"], { cwd: ROOT, stdio: "ignore", detached: true });
try {
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try { await fetch(`${base}/`); break; } catch { if (i > 120) throw new Error("bench worker did not start"); await new Promise((r) => setTimeout(r, 500)); }
  }
  const seeded = await fetch(`${base}/seed?orders=${ORDERS}`, { method: "POST" });
  if (!seeded.ok) throw new Error(`seed: ${seeded.status} ${await seeded.text()}`);
  const seed = await seeded.json();
  const res = await fetch(`${base}/measure?runs=${RUNS}`);
  if (!res.ok) throw new Error(`measure: ${res.status} ${await res.text()}`);
  const m = await res.json();
  const exact = ["ticketsSold", "grossVnd", "refundedVnd", "orders", "checkIns"].every((k) => m.figures[k] === seed.expected[k]);
  const result = {
    orders: seed.orders,
    orderItems: seed.items,
    refunds: seed.refunds,
    checkIns: seed.checkIns,
    aggregateRows: seed.aggregateRows,
    runs: RUNS,
    countStarMs: m.countStar.medianMs,
    reportMs: m.report.medianMs,
    reportAndCsvMs: m.reportAndCsv.medianMs,
    reportFromFactsMs: m.reportFromFacts.medianMs,
    csvBytes: m.reportAndCsv.csvBytes,
    figures: m.figures,
    figuresMatchGenerated: exact,
    machine: machine(),
    measuredAt: new Date().toISOString(),
  };
  const file = writeResult("reports.json", result);
  console.log(`\nSales report of one event: ${seed.orders} orders, ${seed.items} order lines, ${seed.refunds} refunds, ${seed.checkIns} check-ins (${seed.aggregateRows} aggregate rows)\nmedian of ${RUNS} runs, inside the runtime, local D1\n`);
  console.log(table([
    ["", "median ms", "vs count(*)"],
    ["SELECT count(*) over the event's orders", m.countStar.medianMs, "1.00"],
    ["report (JSON figures)", m.report.medianMs, (m.report.medianMs / m.countStar.medianMs).toFixed(2)],
    ["report + CSV", m.reportAndCsv.medianMs, (m.reportAndCsv.medianMs / m.countStar.medianMs).toFixed(2)],
    ["same figures straight from the facts", m.reportFromFacts.medianMs, (m.reportFromFacts.medianMs / m.countStar.medianMs).toFixed(2)],
  ]));
  console.log(`\nfigures ${exact ? "equal" : "DIFFER FROM"} the generated data: ${JSON.stringify(m.figures)}\nwritten ${file}`);
  if (!exact) process.exitCode = 1;
} finally {
  try { process.kill(-child.pid, "SIGTERM"); } catch {}
  rmSync(persistTo, { recursive: true, force: true });
}
