// npm run bench:inventory — from inside the runtime: holds per second on one EventInventory
// object, and full hold → commit cycles, each next to a no-op RPC to a Durable Object.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, ROOT } from "../scripts/stack.mjs";
import { machine, writeResult, table, round } from "./lib.mjs";

const N = Number(process.env.BENCH_N ?? 3000);
const C = Number(process.env.BENCH_CONCURRENCY ?? 50);
const WRANGLER = join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
const CONFIG = "bench/inventory/wrangler.toml";

const persistTo = mkdtempSync(join(tmpdir(), "tickets-bench-inv-"));
execFileSync(process.execPath, [WRANGLER, "d1", "migrations", "apply", "bench-events", "--local", "--persist-to", persistTo, "-c", CONFIG], { cwd: ROOT, stdio: "ignore", env: { ...process.env, CI: "true" } });
const port = await freePort();
const child = spawn(process.execPath, [WRANGLER, "dev", "-c", CONFIG, "--port", String(port), "--ip", "127.0.0.1", "--persist-to", persistTo, "--show-interactive-dev-session=false", "--log-level", "error"], { cwd: ROOT, stdio: "ignore", detached: true });
try {
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try { await fetch(`${base}/?n=10&c=2`); break; } catch { if (i > 120) throw new Error("bench worker did not start"); await new Promise((r) => setTimeout(r, 500)); }
  }
  const res = await fetch(`${base}/?n=${N}&c=${C}`);
  if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
  const r = await res.json();
  const result = {
    calls: N,
    concurrency: C,
    noopRpcPerSec: r.noop.perSec,
    holdsPerSec: r.hold.perSec,
    holdRatio: round(r.hold.perSec / r.noop.perSec, 3),
    holdCommitCyclesPerSec: r.cycle.perSec,
    cycleRatio: round(r.cycle.perSec / r.noop.perSec, 3),
    check: r.check,
    machine: machine(),
    measuredAt: new Date().toISOString(),
  };
  const file = writeResult("inventory.json", result);
  console.log(`\nEventInventory from inside the runtime: ${N} calls, ${C} in flight, one object\n`);
  console.log(table([
    ["", "per second", "vs no-op DO RPC"],
    ["no-op DO RPC", result.noopRpcPerSec, "1.00"],
    ["hold", result.holdsPerSec, result.holdRatio.toFixed(2)],
    ["hold → commit cycle", result.holdCommitCyclesPerSec, result.cycleRatio.toFixed(2)],
  ]));
  console.log(`\ncheck: ${r.check.held} held, ${r.check.sold} sold (expected ${N} each)\nwritten ${file}`);
  if (r.check.held !== N || r.check.sold !== N) process.exitCode = 1;
} finally {
  try { process.kill(-child.pid, "SIGTERM"); } catch {}
  rmSync(persistTo, { recursive: true, force: true });
}
