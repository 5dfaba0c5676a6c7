import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { d1Query, domain, restoreDatabase, type Target } from "../scripts/ops/d1-backup.ts";
import { ORDER_COLUMNS, ordersDump, syntheticOrder } from "../scripts/ops/orders-dump.ts";
import { ROOT, wrangler } from "../scripts/ops/workers.ts";

// 10,000 orders (20,000 rows) here; `npm run bench:restore` restores 100,000 (README: Operations).
const ORDERS = 10_000;
const SMALL = 300;
const dir = mkdtempSync(join(tmpdir(), "ops-restore-"));
const big: Target = { local: true, persistTo: join(dir, "big") };
const small: Target = { local: true, persistTo: join(dir, "small") };
const orders = (t: Target) => domain("orders", t);
const events = (t: Target) => domain("events", t);
const node = (script: string, args: string[]) => spawnSync(process.execPath, [join(ROOT, script), ...args], { cwd: ROOT, encoding: "utf8" });
const exec = (d: ReturnType<typeof domain>, t: Target, sql: string) => d1Query(d, t, sql);

describe("restoring one domain's D1 locally", () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`restores ${ORDERS.toLocaleString("en")} orders from an export-format file`, async () => {
    const file = join(dir, "orders-big.sql");
    writeFileSync(file, ordersDump(ORDERS));
    const started = Date.now();
    await restoreDatabase(orders(big), big, file);
    console.log(`restored ${ORDERS} orders + ${ORDERS} items in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const sample = [0, 1000, ORDERS - 1].map(syntheticOrder);
    const rows = await exec(orders(big), big, `SELECT ${ORDER_COLUMNS.join(", ")} FROM orders WHERE id IN (${sample.map((o) => `'${o.id}'`).join(",")}) ORDER BY id;` +
      " SELECT (SELECT COUNT(*) FROM orders) AS orders, (SELECT COUNT(*) FROM order_items) AS items, (SELECT SUM(quantity) FROM order_items) AS quantity;" +
      " SELECT name FROM d1_migrations ORDER BY id;");
    expect(rows.slice(0, 3)).toEqual(sample);
    expect(rows[3]).toEqual({ orders: ORDERS, items: ORDERS, quantity: ORDERS * 1.5 });
    expect(rows.slice(4).map((r) => (r as { name: string }).name)).toEqual(readdirSync(join(ROOT, "migrations", "orders")).filter((f) => f.endsWith(".sql")).sort());
  });

  it("npm run backup then npm run restore bring back one domain's rows and leave the other domain's later writes", async () => {
    writeFileSync(join(dir, "orders-small.sql"), ordersDump(SMALL));
    await restoreDatabase(orders(small), small, join(dir, "orders-small.sql"));
    await wrangler(["d1", "execute", events(small).database, "--local", "--persist-to", small.persistTo, "-c", events(small).config, "--command",
      "CREATE TABLE restore_marker (id TEXT PRIMARY KEY); INSERT INTO restore_marker VALUES ('before-backup');"]);

    const backups = join(dir, "backups");
    const backup = node("scripts/backup.mjs", ["--persist-to", small.persistTo, "--only", "orders,events", "--out", backups]);
    expect(backup.status, backup.stderr).toBe(0);
    expect(existsSync(join(backups, "orders.sql")) && existsSync(join(backups, "events.sql"))).toBe(true);

    // Damage orders; write to events after the backup.
    const [left] = await exec(orders(small), small, "DELETE FROM orders WHERE status = 'confirmed'; DROP TABLE order_items; SELECT COUNT(*) AS n FROM orders;");
    expect(left).toEqual({ n: SMALL / 10 });
    await exec(events(small), small, "INSERT INTO restore_marker VALUES ('after-backup');");

    const restore = node("scripts/restore.mjs", ["orders", join(backups, "orders.sql"), "--local", "--persist-to", small.persistTo]);
    expect(restore.status, restore.stderr).toBe(0);
    console.log(restore.stdout.trim());
    const [counts] = await exec(orders(small), small, "SELECT (SELECT COUNT(*) FROM orders) AS orders, (SELECT COUNT(*) FROM order_items) AS items;");
    expect(counts).toEqual({ orders: SMALL, items: SMALL });
    const markers = await exec(events(small), small, "SELECT id FROM restore_marker ORDER BY id;");
    expect(markers).toEqual([{ id: "after-backup" }, { id: "before-backup" }]);
  });

  it("refuses a remote restore without --yes and an unknown domain", () => {
    const file = join(dir, "orders-small.sql");
    const remote = node("scripts/restore.mjs", ["orders", file, "--remote", "--env", "production"]);
    expect(remote.status).toBe(2);
    expect(remote.stderr).toMatch(/add --yes/);
    const unknown = node("scripts/restore.mjs", ["inventory", file, "--local"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown domain "inventory"/);
  });
});
