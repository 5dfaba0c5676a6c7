import type { Availability } from "./types";

/**
 * Tables of a sharded event (durable-objects/README.md, "sharded stock"). The event's own object
 * (idFromName(eventId)) becomes the coordinator: it keeps the unassigned stock (`pool`), the
 * shards' last reported counts and the stock transfers. A shard object keeps the role and the
 * transfers it already applied (a transfer is applied once whatever is retried).
 *
 * Stock identity per ticket type, at every moment:
 *   total quantity = pool + Σ shard quantity + Σ grants debited but not yet credited
 * and each shard keeps held + sold <= its quantity, so the sum over shards never oversells.
 */
const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS sharding (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    role TEXT NOT NULL CHECK (role IN ('coordinator', 'shard')),
    shard_index INTEGER NOT NULL,
    shard_count INTEGER NOT NULL CHECK (shard_count > 1),
    pushed_revision INTEGER NOT NULL DEFAULT -1
  )`,
  `CREATE TABLE IF NOT EXISTS pool (
    ticket_type_id TEXT PRIMARY KEY,
    quantity INTEGER NOT NULL CHECK (quantity >= 0)
  )`,
  // Coordinator: 'grant' = pool debited, shard not yet credited; 'pull' = shard asked, pool not yet credited.
  `CREATE TABLE IF NOT EXISTS transfers (
    id TEXT PRIMARY KEY,
    shard_index INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('grant', 'pull')),
    status TEXT NOT NULL CHECK (status IN ('sent', 'done')),
    amounts TEXT NOT NULL,
    created_at INTEGER NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS shard_counts (
    shard_index INTEGER NOT NULL,
    ticket_type_id TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    held INTEGER NOT NULL,
    sold INTEGER NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (shard_index, ticket_type_id)
  )`,
  // Shard: transfers it applied, with what they moved (a retried pull answers the same amounts).
  `CREATE TABLE IF NOT EXISTS applied_transfers (
    id TEXT PRIMARY KEY,
    amounts TEXT NOT NULL
  )`,
];

export type Amounts = Record<string, number>;
export type ShardingRow = { role: "coordinator" | "shard"; shard_index: number; shard_count: number; pushed_revision: number };
export type TransferRow = { id: string; shard_index: number; kind: "grant" | "pull"; status: "sent" | "done"; amounts: string; created_at: number };

export class ShardStore {
  constructor(private readonly sql: SqlStorage) {}

  migrate() {
    for (const stmt of SCHEMA) this.sql.exec(stmt);
  }

  private all<T>(query: string, ...args: unknown[]): T[] {
    return this.sql.exec(query, ...args).toArray() as unknown as T[];
  }

  sharding(): ShardingRow | null {
    return this.all<ShardingRow>("SELECT * FROM sharding WHERE id = 1")[0] ?? null;
  }
  setSharding(role: ShardingRow["role"], index: number, count: number) {
    this.sql.exec(
      "INSERT INTO sharding (id, role, shard_index, shard_count) VALUES (1, ?, ?, ?) ON CONFLICT(id) DO NOTHING",
      role, index, count,
    );
  }
  markPushed(revision: number) {
    this.sql.exec("UPDATE sharding SET pushed_revision = MAX(pushed_revision, ?) WHERE id = 1", revision);
  }

  pool(): Amounts {
    return Object.fromEntries(this.all<{ ticket_type_id: string; quantity: number }>("SELECT * FROM pool").map((r) => [r.ticket_type_id, r.quantity]));
  }
  addPool(ticketTypeId: string, delta: number) {
    // The CHECK applies to an upsert's insert candidate too, so a debit is a plain UPDATE.
    if (delta < 0) {
      if (this.sql.exec("UPDATE pool SET quantity = quantity + ? WHERE ticket_type_id = ?", delta, ticketTypeId).rowsWritten === 0) throw new Error(`pool has no ${ticketTypeId}`);
      return;
    }
    this.sql.exec(
      "INSERT INTO pool (ticket_type_id, quantity) VALUES (?, ?) ON CONFLICT(ticket_type_id) DO UPDATE SET quantity = quantity + excluded.quantity",
      ticketTypeId, delta,
    );
  }

  insertTransfer(t: { id: string; shardIndex: number; kind: TransferRow["kind"]; amounts: Amounts; now: number }) {
    this.sql.exec(
      "INSERT INTO transfers (id, shard_index, kind, status, amounts, created_at) VALUES (?, ?, ?, 'sent', ?, ?)",
      t.id, t.shardIndex, t.kind, JSON.stringify(t.amounts), t.now,
    );
  }
  transfer(id: string): TransferRow | null {
    return this.all<TransferRow>("SELECT * FROM transfers WHERE id = ?", id)[0] ?? null;
  }
  markTransferDone(id: string) {
    this.sql.exec("UPDATE transfers SET status = 'done' WHERE id = ?", id);
  }
  /** Transfers left half-done (a failed call, a crash between the two steps), oldest first. */
  openTransfers(olderThan: number): TransferRow[] {
    return this.all<TransferRow>("SELECT * FROM transfers WHERE status = 'sent' AND created_at <= ? ORDER BY created_at", olderThan);
  }
  /** Stock debited from the pool and not yet credited to a shard, per ticket type. */
  inTransit(): Amounts {
    const out: Amounts = {};
    for (const t of this.all<TransferRow>("SELECT * FROM transfers WHERE status = 'sent' AND kind = 'grant'")) {
      for (const [tt, n] of Object.entries(JSON.parse(t.amounts) as Amounts)) out[tt] = (out[tt] ?? 0) + n;
    }
    return out;
  }

  appliedTransfer(id: string): Amounts | null {
    const row = this.all<{ amounts: string }>("SELECT amounts FROM applied_transfers WHERE id = ?", id)[0];
    return row ? (JSON.parse(row.amounts) as Amounts) : null;
  }
  recordApplied(id: string, amounts: Amounts) {
    this.sql.exec("INSERT INTO applied_transfers (id, amounts) VALUES (?, ?)", id, JSON.stringify(amounts));
  }

  saveShardCounts(index: number, rows: Availability[], version: number) {
    for (const r of rows) {
      this.sql.exec(
        `INSERT INTO shard_counts (shard_index, ticket_type_id, quantity, held, sold, version) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(shard_index, ticket_type_id) DO UPDATE SET quantity = excluded.quantity, held = excluded.held, sold = excluded.sold, version = excluded.version
         WHERE excluded.version > shard_counts.version`,
        index, r.ticketTypeId, r.quantity, r.held, r.sold, version,
      );
    }
  }
  /** Held and sold summed over the shards' last reports, per ticket type. */
  reportedTotals(): Map<string, { held: number; sold: number }> {
    const rows = this.all<{ tt: string; held: number; sold: number }>(
      "SELECT ticket_type_id AS tt, SUM(held) AS held, SUM(sold) AS sold FROM shard_counts GROUP BY ticket_type_id",
    );
    return new Map(rows.map((r) => [r.tt, { held: r.held, sold: r.sold }]));
  }
}
