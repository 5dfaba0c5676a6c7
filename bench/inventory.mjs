// npm run bench:inventory — from inside the runtime: holds per second on one EventInventory
// object, and full hold → commit cycles, each next to a no-op RPC to a Durable Object; then holds
// through the router with the stock split over 1, 2 and 4 shards, and a 4-shard sell-out (refills).
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
    // Through the router, stock split over N shards (one local runtime thread runs them all).
    sharded: r.sharded.map((x) => ({ ...x, ratioToNoop: round(x.perSec / r.noop.perSec, 3), ratioToOneShard: round(x.perSec / r.sharded[0].perSec, 3) })),
    // 4 shards, stock exactly the holds: shards run dry and refill from the coordinator / each other.
    tail: { ...r.tail, ratioToAmple: round(r.tail.perSec / r.sharded.at(-1).perSec, 3) },
    // Per-object soft limit from Cloudflare's Durable Objects limits page.
    perObjectSoftLimitPerSec: 1000,
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
  console.log(`\ncheck: ${r.check.held} held, ${r.check.sold} sold (expected ${N} each)`);
  console.log(`\nSharded stock through the router (${N} holds, ${C} in flight; every shard on this one local runtime thread)\n`);
  console.log(table([
    ["shards", "stock", "holds/s", "vs no-op RPC", "vs 1 shard", "held", "sold_out answers"],
    ...result.sharded.map((x) => [x.shards, x.quantity, x.perSec, x.ratioToNoop.toFixed(2), x.ratioToOneShard.toFixed(2), x.held, x.soldOut]),
    [`${result.tail.shards} (tail)`, result.tail.quantity, result.tail.perSec, round(result.tail.perSec / result.noopRpcPerSec, 3).toFixed(2), round(result.tail.perSec / result.sharded[0].perSec, 3).toFixed(2), result.tail.held, result.tail.soldOut],
  ]));
  console.log(`\ncoordinator overhead (4 shards, selling out vs ample stock): ${result.tail.ratioToAmple.toFixed(2)}× the throughput; ${result.tail.available} left unsold after ${result.tail.soldOut} sold_out answers`);
  const perShard = Math.min(result.perObjectSoftLimitPerSec, result.holdsPerSec);
  console.log(`production estimate (each shard its own object, soft limit 1,000 req/s): N shards ≈ N × ${perShard} holds/s → 2: ${2 * perShard}, 4: ${4 * perShard}, 8: ${8 * perShard}`);
  console.log(`written ${file}`);
  const oversold = [...result.sharded, result.tail].some((x) => x.held > x.quantity || x.held + x.available !== x.quantity);
  if (r.check.held !== N || r.check.sold !== N || oversold) process.exitCode = 1;
} finally {
  try { process.kill(-child.pid, "SIGTERM"); } catch {}
  rmSync(persistTo, { recursive: true, force: true });
}
