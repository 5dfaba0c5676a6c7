// `npm run bench:restore`: restores a synthetic orders backup of BENCH_RESTORE_ORDERS (100,000)
// orders, one item each, into a throwaway local D1 with scripts/restore.mjs's code, beside a
// baseline restore of 100 orders measured in the same run (wrangler + workerd start-up).
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { count, domain, d1Query, restoreDatabase } from "../scripts/ops/d1-backup.ts";
import { ordersDump, syntheticOrder } from "../scripts/ops/orders-dump.ts";

const N = Number(process.env.BENCH_RESTORE_ORDERS ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), "bench-restore-"));
const results = [];
try {
  for (const n of [100, N]) {
    const target = { local: true, persistTo: join(dir, `state-${n}`) };
    const d = domain("orders", target);
    const file = join(dir, `orders-${n}.sql`);
    let t0 = Date.now();
    writeFileSync(file, ordersDump(n));
    const genMs = Date.now() - t0;
    t0 = Date.now();
    await restoreDatabase(d, target, file);
    const restoreMs = Date.now() - t0;
    const restored = await count(d, target, "orders");
    const last = syntheticOrder(n - 1);
    const [row] = await d1Query(d, target, `SELECT total_vnd, buyer_email FROM orders WHERE id = '${last.id}'`);
    if (restored !== n || row?.total_vnd !== last.total_vnd) throw new Error(`restored ${restored} of ${n} orders, last row ${JSON.stringify(row)}`);
    results.push({ orders: n, rows: 2 * n, fileMB: +(statSync(file).size / 1e6).toFixed(1), genMs, restoreMs, rowsPerSecond: Math.round((2 * n) / (restoreMs / 1000)) });
    console.log(`${String(n).padStart(7)} orders (${2 * n} rows, ${(statSync(file).size / 1e6).toFixed(1)} MB SQL): restored in ${(restoreMs / 1000).toFixed(1)} s (generated in ${genMs} ms)`);
  }
  const [base, big] = results;
  console.log(`\nbaseline (100 orders, mostly start-up): ${(base.restoreMs / 1000).toFixed(1)} s; ${N} orders: ${(big.restoreMs / 1000).toFixed(1)} s,` +
    ` ${big.rowsPerSecond} rows/s; target 2 h: ${((100 * big.restoreMs) / 7_200_000).toFixed(2)} % of it`);
  mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
  writeFileSync(new URL("./results/restore.json", import.meta.url), JSON.stringify({ at: new Date().toISOString(), results }, null, 2) + "\n");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
