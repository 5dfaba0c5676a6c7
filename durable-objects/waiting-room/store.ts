import { SqlStore } from "../sql-store";
import type { RoomConfig } from "./types";

/**
 * The room's SQLite schema: one row per account that joined, with two indexes so that every hot
 * query is an index range (position = count of waiting rows with a smaller seq; admission = the
 * lowest seqs; pass expiry = the earliest expiries). About 100 bytes per waiter with indexes.
 * state: 'presale' (joined before on-sale, seq assigned by the draw), 'waiting', 'admitted',
 * 'left' (gave up its place), 'expired' (admitted, pass ran out).
 */
const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS room (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    event_id TEXT NOT NULL,
    open INTEGER NOT NULL,
    on_ INTEGER NOT NULL,
    admit_per_minute INTEGER NOT NULL,
    on_sale_at INTEGER,
    drawn_at INTEGER,
    next_seq INTEGER NOT NULL DEFAULT 1,
    credit REAL NOT NULL DEFAULT 0,
    last_tick_at INTEGER,
    effective_per_minute REAL NOT NULL DEFAULT 0,
    held_tickets INTEGER NOT NULL DEFAULT 0,
    admitted_total INTEGER NOT NULL DEFAULT 0
  )`,
  `CREATE TABLE IF NOT EXISTS waiters (
    user_id TEXT PRIMARY KEY,
    seq INTEGER,
    state TEXT NOT NULL CHECK (state IN ('presale', 'waiting', 'admitted', 'left', 'expired')),
    joined_at INTEGER NOT NULL,
    pass_expires_at INTEGER
  ) WITHOUT ROWID`,
  `CREATE INDEX IF NOT EXISTS waiters_state_seq ON waiters(state, seq)`,
  `CREATE INDEX IF NOT EXISTS waiters_state_expiry ON waiters(state, pass_expires_at)`,
];

export type RoomRow = {
  event_id: string;
  open: number;
  on_: number;
  admit_per_minute: number;
  on_sale_at: number | null;
  drawn_at: number | null;
  next_seq: number;
  credit: number;
  last_tick_at: number | null;
  effective_per_minute: number;
  held_tickets: number;
  admitted_total: number;
};
export type WaiterState = "presale" | "waiting" | "admitted" | "left" | "expired";
export type WaiterRow = { user_id: string; seq: number | null; state: WaiterState; joined_at: number; pass_expires_at: number | null };

export class RoomStore extends SqlStore {
  constructor(sql: SqlStorage) {
    super(sql, SCHEMA);
  }

  private count(query: string, ...args: unknown[]): number {
    return this.first<{ n: number }>(query, ...args)?.n ?? 0;
  }
  get databaseSize(): number {
    return this.sql.databaseSize;
  }

  room(): RoomRow | null {
    return this.first<RoomRow>("SELECT * FROM room WHERE id = 1");
  }
  configure(cfg: RoomConfig) {
    this.run(
      `INSERT INTO room (id, event_id, open, on_, admit_per_minute, on_sale_at) VALUES (1, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET open = excluded.open, on_ = excluded.on_, admit_per_minute = excluded.admit_per_minute,
         on_sale_at = excluded.on_sale_at`,
      cfg.eventId, cfg.open ? 1 : 0, cfg.on ? 1 : 0, cfg.admitPerMinute, cfg.onSaleAt,
    );
  }
  switchOn() {
    this.run("UPDATE room SET on_ = 1 WHERE id = 1");
  }
  markDrawn(now: number, nextSeq: number) {
    this.run("UPDATE room SET drawn_at = ?, next_seq = ? WHERE id = 1", now, nextSeq);
  }
  saveTick(t: { at: number; credit: number; effectivePerMinute: number; heldTickets: number; admitted: number }) {
    this.run(
      "UPDATE room SET last_tick_at = ?, credit = ?, effective_per_minute = ?, held_tickets = ?, admitted_total = admitted_total + ? WHERE id = 1",
      t.at, t.credit, t.effectivePerMinute, t.heldTickets, t.admitted,
    );
  }
  takeSeq(): number {
    return this.first<{ seq: number }>("UPDATE room SET next_seq = next_seq + 1 WHERE id = 1 RETURNING next_seq - 1 AS seq")!.seq;
  }

  waiter(userId: string): WaiterRow | null {
    return this.first<WaiterRow>("SELECT * FROM waiters WHERE user_id = ?", userId);
  }
  /** Inserts or re-queues (after leaving or an expired pass) an account. */
  enqueue(userId: string, state: "presale" | "waiting", seq: number | null, now: number) {
    this.run(
      `INSERT INTO waiters (user_id, seq, state, joined_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(user_id) DO UPDATE SET seq = excluded.seq, state = excluded.state, joined_at = excluded.joined_at, pass_expires_at = NULL`,
      userId, seq, state, now,
    );
  }
  setState(userId: string, state: WaiterState) {
    this.run("UPDATE waiters SET state = ? WHERE user_id = ?", state, userId);
  }

  /** Waiting accounts ahead of seq, plus one. */
  positionOf(seq: number): number {
    return this.count("SELECT COUNT(*) AS n FROM waiters WHERE state = 'waiting' AND seq <= ?", seq);
  }
  countIn(state: WaiterState): number {
    return this.count("SELECT COUNT(*) AS n FROM waiters WHERE state = ?", state);
  }
  presaleIds(): string[] {
    return this.all<{ user_id: string }>("SELECT user_id FROM waiters WHERE state = 'presale'").map((r) => r.user_id);
  }
  assignDrawn(userId: string, seq: number) {
    this.run("UPDATE waiters SET state = 'waiting', seq = ? WHERE user_id = ?", seq, userId);
  }
  /** Admits the first n in line; returns their ids. */
  admitNext(n: number, passExpiresAt: number): string[] {
    if (n <= 0) return [];
    return this.all<{ user_id: string }>(
      `UPDATE waiters SET state = 'admitted', pass_expires_at = ? WHERE user_id IN
         (SELECT user_id FROM waiters WHERE state = 'waiting' ORDER BY seq LIMIT ?) RETURNING user_id`,
      passExpiresAt, n,
    ).map((r) => r.user_id);
  }
  admitOne(userId: string, passExpiresAt: number) {
    this.run("UPDATE waiters SET state = 'admitted', pass_expires_at = ? WHERE user_id = ?", passExpiresAt, userId);
    this.run("UPDATE room SET admitted_total = admitted_total + 1 WHERE id = 1");
  }
  expirePasses(now: number): number {
    return this.all("UPDATE waiters SET state = 'expired' WHERE state = 'admitted' AND pass_expires_at <= ? RETURNING 1", now).length;
  }
  earliestPassExpiry(): number | null {
    return this.first<{ t: number | null }>("SELECT MIN(pass_expires_at) AS t FROM waiters WHERE state = 'admitted'")?.t ?? null;
  }
  /** Positions of every waiting account, in one ordered index scan (for broadcasting to many sockets). */
  *waitingInOrder(): Generator<string> {
    for (const r of this.sql.exec<{ user_id: string }>("SELECT user_id FROM waiters WHERE state = 'waiting' ORDER BY seq")) yield r.user_id;
  }
}
