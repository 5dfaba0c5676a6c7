// A synthetic orders backup in `wrangler d1 export`'s format (schema from migrations/orders, then
// one INSERT per row), for the restore test and `npm run bench:restore`.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./workers.ts";

export const ORDER_COLUMNS = ["id", "event_id", "buyer_id", "buyer_email", "status", "total_vnd", "hold_expires_at", "payment_url", "payment_id", "paid_amount_vnd", "transaction_no", "paid_at", "note", "last_event_id", "created_at", "updated_at", "body_hash"] as const;

const BASE_MS = 1_795_000_000_000;

/** The n-th synthetic order, as restored rows must read back. */
export function syntheticOrder(i: number) {
  const price = 200_000 + (i % 7) * 50_000;
  return {
    id: `ord_${String(i).padStart(7, "0")}`,
    event_id: `evt_${i % 50}`,
    buyer_id: `usr_${i % 9973}`,
    buyer_email: `buyer${i % 9973}@example.com`,
    status: i % 10 === 0 ? "refunded" : "confirmed",
    total_vnd: price * (1 + (i % 2)),
    hold_expires_at: BASE_MS + i * 1000 + 900_000,
    payment_url: null,
    payment_id: `pay_${i}`,
    paid_amount_vnd: price * (1 + (i % 2)),
    transaction_no: String(14_000_000 + i),
    paid_at: BASE_MS + i * 1000 + 60_000,
    note: i % 1000 === 0 ? "it's a note with a quote" : null,
    last_event_id: null,
    created_at: BASE_MS + i * 1000,
    updated_at: BASE_MS + i * 1000 + 60_000,
    body_hash: `h${i}`,
  };
}

const sqlValue = (v: unknown) => (v === null ? "NULL" : typeof v === "number" ? String(v) : `'${String(v).replace(/'/g, "''")}'`);

/** `n` orders with one item each, preceded by the schema and d1_migrations rows. */
export function ordersDump(n: number): string {
  const dir = join(ROOT, "migrations", "orders");
  const files = readdirSync(dir).filter((f) => f.endsWith(".sql")).sort();
  const out: string[] = [
    "PRAGMA defer_foreign_keys=TRUE;",
    "CREATE TABLE d1_migrations(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL);",
    ...files.map((f, i) => `INSERT INTO "d1_migrations" VALUES(${i + 1},'${f}','2026-11-01 00:00:00');`),
    ...files.map((f) => readFileSync(join(dir, f), "utf8").split("\n").filter((l) => !l.trim().startsWith("--")).join("\n")),
  ];
  const columns = ORDER_COLUMNS.join(",");
  for (let i = 0; i < n; i++) {
    const o = syntheticOrder(i);
    out.push(`INSERT INTO "orders" (${columns}) VALUES(${ORDER_COLUMNS.map((c) => sqlValue(o[c])).join(",")});`);
    out.push(`INSERT INTO "order_items" VALUES(${sqlValue(o.id)},'tt_${i % 3}','General admission',${o.total_vnd / (1 + (i % 2))},${1 + (i % 2)});`);
  }
  return out.join("\n") + "\n";
}
