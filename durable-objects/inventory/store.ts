import { SqlStore } from "../sql-store";
import type { Availability, AuditRow, InventoryConfig, PricedItem } from "./types";

/**
 * The object's own SQLite schema. held/sold are counters on the ticket type (the hot path reads
 * one row per item instead of summing holds); the CHECK makes SQLite itself refuse any write
 * that would break the invariant, on top of the assertion after every mutation.
 */
const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS event (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    event_id TEXT NOT NULL,
    status TEXT NOT NULL,
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    revision INTEGER NOT NULL,
    configured_at INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 0,
    flushed_version INTEGER NOT NULL DEFAULT 0,
    flushed_at INTEGER NOT NULL DEFAULT 0
  )`,
  `CREATE TABLE IF NOT EXISTS ticket_types (
    id TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    price_vnd INTEGER NOT NULL,
    quantity INTEGER NOT NULL,
    max_per_order INTEGER NOT NULL,
    sales_start_at INTEGER,
    sales_end_at INTEGER,
    held INTEGER NOT NULL DEFAULT 0,
    sold INTEGER NOT NULL DEFAULT 0,
    CHECK (held >= 0 AND sold >= 0 AND held + sold <= quantity)
  )`,
  `CREATE TABLE IF NOT EXISTS holds (
    order_id TEXT PRIMARY KEY,
    buyer_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'sold', 'released', 'expired')),
    expires_at INTEGER NOT NULL,
    total_vnd INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    restocked_at INTEGER
  )`,
  `CREATE INDEX IF NOT EXISTS holds_status_expiry ON holds(status, expires_at)`,
  `CREATE INDEX IF NOT EXISTS holds_buyer ON holds(buyer_id)`,
  `CREATE TABLE IF NOT EXISTS hold_items (
    order_id TEXT NOT NULL,
    ticket_type_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_vnd INTEGER NOT NULL,
    name TEXT NOT NULL,
    restocked INTEGER NOT NULL DEFAULT 0 CHECK (restocked >= 0 AND restocked <= quantity),
    PRIMARY KEY (order_id, ticket_type_id)
  )`,
  // Hoarding defence: the client address a checkout's hold came from; cooldown = 0 when its end
  // must not make its buyer wait (released because payments was unavailable).
  `CREATE TABLE IF NOT EXISTS hold_guards (
    order_id TEXT PRIMARY KEY,
    client_key TEXT,
    cooldown INTEGER NOT NULL DEFAULT 1
  )`,
  `CREATE INDEX IF NOT EXISTS hold_guards_client ON hold_guards(client_key)`,
  `CREATE INDEX IF NOT EXISTS holds_created ON holds(created_at)`,
  // HoldExpired events not yet accepted by the orders inbox (the 'expired but unnotified' state).
  `CREATE TABLE IF NOT EXISTS notices (
    id TEXT PRIMARY KEY,
    order_id TEXT NOT NULL,
    envelope TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL
  )`,
  // The waiting room as checkout sees it: on by configuration, or since auto_on_at by demand.
  `CREATE TABLE IF NOT EXISTS queue (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    configured_on INTEGER NOT NULL DEFAULT 0,
    auto_threshold INTEGER,
    auto_on_at INTEGER
  )`,
];

export type QueueRow = { configured_on: number; auto_threshold: number | null; auto_on_at: number | null };

export type EventRow = {
  event_id: string;
  status: string;
  starts_at: number;
  ends_at: number;
  revision: number;
  configured_at: number;
  version: number;
  flushed_version: number;
  flushed_at: number;
};
export type TicketTypeRow = {
  id: string;
  name: string;
  price_vnd: number;
  quantity: number;
  max_per_order: number;
  sales_start_at: number | null;
  sales_end_at: number | null;
  held: number;
  sold: number;
};
export type HoldRow = {
  order_id: string;
  buyer_id: string;
  status: "active" | "sold" | "released" | "expired";
  expires_at: number;
  total_vnd: number;
  restocked_at: number | null;
};
export type HoldItemRow = { ticket_type_id: string; quantity: number; unit_price_vnd: number; name: string; restocked: number };
export type NoticeRow = { id: string; order_id: string; envelope: string; attempts: number; next_attempt_at: number };

/** Typed, synchronous access to the object's SQLite storage. */
export class InventoryStore extends SqlStore {
  constructor(sql: SqlStorage) {
    super(sql, SCHEMA);
  }

  event(): EventRow | null {
    return this.first<EventRow>("SELECT * FROM event WHERE id = 1");
  }

  /** Upserts the event and its ticket types, keeping held/sold (the caller checked quantities). */
  applyConfig(cfg: InventoryConfig, now: number) {
    this.run(
      `INSERT INTO event (id, event_id, status, starts_at, ends_at, revision, configured_at) VALUES (1, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET status = CASE WHEN event.status = 'cancelled' THEN 'cancelled' ELSE excluded.status END,
         starts_at = excluded.starts_at, ends_at = excluded.ends_at,
         revision = excluded.revision, configured_at = excluded.configured_at`,
      cfg.eventId, cfg.status, cfg.startsAt, cfg.endsAt, cfg.revision, now,
    );
    if (cfg.queue) this.applyQueue(cfg.queue);
    cfg.ticketTypes.forEach((tt, position) =>
      this.run(
        `INSERT INTO ticket_types (id, position, name, price_vnd, quantity, max_per_order, sales_start_at, sales_end_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET position = excluded.position, name = excluded.name, price_vnd = excluded.price_vnd, quantity = excluded.quantity,
           max_per_order = excluded.max_per_order, sales_start_at = excluded.sales_start_at, sales_end_at = excluded.sales_end_at`,
        tt.id, position, tt.name, tt.priceVnd, tt.quantity, tt.maxPerOrder, tt.salesStartAt, tt.salesEndAt,
      ),
    );
  }

  queue(): QueueRow | null {
    return this.first<QueueRow>("SELECT configured_on, auto_threshold, auto_on_at FROM queue WHERE id = 1");
  }
  /** Turning the room off by configuration also forgets an automatic switch-on. */
  applyQueue(q: NonNullable<InventoryConfig["queue"]>) {
    this.run(
      `INSERT INTO queue (id, configured_on, auto_threshold) VALUES (1, ?, ?)
       ON CONFLICT(id) DO UPDATE SET auto_on_at = CASE WHEN queue.configured_on = 1 AND excluded.configured_on = 0 THEN NULL ELSE queue.auto_on_at END,
         configured_on = excluded.configured_on, auto_threshold = excluded.auto_threshold`,
      q.on ? 1 : 0, q.autoThresholdPerMinute,
    );
  }
  markQueueAutoOn(now: number) {
    this.run("UPDATE queue SET auto_on_at = ? WHERE id = 1 AND auto_on_at IS NULL", now);
  }

  /** Final: applyConfig never moves a cancelled event back on sale. */
  markCancelled() {
    this.run("UPDATE event SET status = 'cancelled' WHERE id = 1");
  }
  activeHolds(): string[] {
    return this.all<{ order_id: string }>("SELECT order_id FROM holds WHERE status = 'active'").map((r) => r.order_id);
  }

  ticketType(id: string): TicketTypeRow | null {
    return this.first<TicketTypeRow>("SELECT * FROM ticket_types WHERE id = ?", id);
  }
  ticketTypes(): TicketTypeRow[] {
    return this.all<TicketTypeRow>("SELECT * FROM ticket_types ORDER BY position, id");
  }
  addHeld(ticketTypeId: string, delta: number) {
    this.run("UPDATE ticket_types SET held = held + ? WHERE id = ?", delta, ticketTypeId);
  }
  /** Stock moved in or out of a shard (the CHECK refuses taking more than is unheld and unsold). */
  addQuantity(ticketTypeId: string, delta: number): boolean {
    return this.sql.exec("UPDATE ticket_types SET quantity = quantity + ? WHERE id = ?", delta, ticketTypeId).rowsWritten > 0;
  }
  hasAnyHold(): boolean {
    return this.all("SELECT 1 FROM holds LIMIT 1").length > 0;
  }
  moveHeldToSold(ticketTypeId: string, quantity: number) {
    this.run("UPDATE ticket_types SET held = held - ?, sold = sold + ? WHERE id = ?", quantity, quantity, ticketTypeId);
  }
  addSold(ticketTypeId: string, delta: number) {
    this.run("UPDATE ticket_types SET sold = sold + ? WHERE id = ?", delta, ticketTypeId);
  }

  hold(orderId: string): HoldRow | null {
    return this.first<HoldRow>("SELECT * FROM holds WHERE order_id = ?", orderId);
  }
  holdItems(orderId: string): HoldItemRow[] {
    return this.all<HoldItemRow>("SELECT * FROM hold_items WHERE order_id = ? ORDER BY position", orderId);
  }
  dueHolds(now: number): string[] {
    return this.all<{ order_id: string }>("SELECT order_id FROM holds WHERE status = 'active' AND expires_at <= ?", now).map((r) => r.order_id);
  }
  earliestExpiry(): number | null {
    return this.first<{ t: number | null }>("SELECT MIN(expires_at) AS t FROM holds WHERE status = 'active'")?.t ?? null;
  }

  /** What the buyer already has per ticket type: unexpired holds plus purchases not given back. */
  buyerCounts(buyerId: string): Map<string, number> {
    const rows = this.all<{ tt: string; n: number }>(
      `SELECT i.ticket_type_id AS tt, SUM(i.quantity - i.restocked) AS n FROM holds h JOIN hold_items i ON i.order_id = h.order_id
       WHERE h.buyer_id = ? AND h.status IN ('active', 'sold') GROUP BY i.ticket_type_id`,
      buyerId,
    );
    return new Map(rows.map((r) => [r.tt, r.n]));
  }

  /** Active holds of this event made from this client address (any account). */
  activeHoldsOfClient(clientKey: string): number {
    return (
      this.first<{ n: number }>(
        "SELECT COUNT(*) AS n FROM holds h JOIN hold_guards g ON g.order_id = h.order_id WHERE g.client_key = ? AND h.status = 'active'",
        clientKey,
      )?.n ?? 0
    );
  }
  /**
   * When this buyer's latest unpaid hold that counts for the cooldown ended (after `since`), else
   * null; `orderId`'s own earlier hold does not count (holding it again is a retry, not a new hold).
   */
  lastUnpaidEnd(buyerId: string, orderId: string, since: number): number | null {
    return (
      this.first<{ t: number | null }>(
        `SELECT MAX(h.updated_at) AS t FROM holds h LEFT JOIN hold_guards g ON g.order_id = h.order_id
         WHERE h.buyer_id = ? AND h.order_id <> ? AND h.status IN ('released', 'expired') AND h.updated_at > ? AND COALESCE(g.cooldown, 1) = 1`,
        buyerId,
        orderId,
        since,
      )?.t ?? null
    );
  }
  holdsMadeSince(since: number): number {
    return this.first<{ n: number }>("SELECT COUNT(*) AS n FROM holds WHERE created_at >= ?", since)?.n ?? 0;
  }
  setGuard(orderId: string, clientKey: string | null) {
    this.run("INSERT INTO hold_guards (order_id, client_key) VALUES (?, ?) ON CONFLICT(order_id) DO UPDATE SET client_key = excluded.client_key, cooldown = 1", orderId, clientKey);
  }
  exemptFromCooldown(orderId: string) {
    this.run("INSERT INTO hold_guards (order_id, cooldown) VALUES (?, 0) ON CONFLICT(order_id) DO UPDATE SET cooldown = 0", orderId);
  }

  insertHold(h: { orderId: string; buyerId: string; expiresAt: number; totalVnd: number; now: number }, items: PricedItem[]) {
    this.run("DELETE FROM hold_items WHERE order_id = ?", h.orderId);
    this.run(
      `INSERT INTO holds (order_id, buyer_id, status, expires_at, total_vnd, created_at, updated_at) VALUES (?, ?, 'active', ?, ?, ?, ?)
       ON CONFLICT(order_id) DO UPDATE SET buyer_id = excluded.buyer_id, status = 'active', expires_at = excluded.expires_at,
         total_vnd = excluded.total_vnd, updated_at = excluded.updated_at, restocked_at = NULL`,
      h.orderId, h.buyerId, h.expiresAt, h.totalVnd, h.now, h.now,
    );
    items.forEach((it, position) =>
      this.run(
        "INSERT INTO hold_items (order_id, ticket_type_id, position, quantity, unit_price_vnd, name) VALUES (?, ?, ?, ?, ?, ?)",
        h.orderId, it.ticketTypeId, position, it.quantity, it.unitPriceVnd, it.name,
      ),
    );
  }
  setHoldStatus(orderId: string, status: HoldRow["status"], now: number) {
    this.run("UPDATE holds SET status = ?, updated_at = ? WHERE order_id = ?", status, now, orderId);
  }
  markRestocked(orderId: string, now: number, perType: Map<string, number>) {
    for (const [tt, n] of perType) this.run("UPDATE hold_items SET restocked = restocked + ? WHERE order_id = ? AND ticket_type_id = ?", n, orderId, tt);
    this.run("UPDATE holds SET restocked_at = ?, updated_at = ? WHERE order_id = ?", now, now, orderId);
  }

  addNotice(n: { id: string; orderId: string; envelope: string; now: number }) {
    this.run("INSERT OR IGNORE INTO notices (id, order_id, envelope, next_attempt_at) VALUES (?, ?, ?, ?)", n.id, n.orderId, n.envelope, n.now);
  }
  dueNotices(now: number, limit = 100): NoticeRow[] {
    return this.all<NoticeRow>("SELECT * FROM notices WHERE next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?", now, limit);
  }
  deleteNotices(ids: string[]) {
    for (const id of ids) this.run("DELETE FROM notices WHERE id = ?", id);
  }
  deferNotices(ids: string[], now: number) {
    for (const id of ids)
      this.run("UPDATE notices SET attempts = attempts + 1, next_attempt_at = ? + 1000 * MIN(60, 1 << MIN(attempts, 6)) WHERE id = ?", now, id);
  }
  nextNoticeAt(): number | null {
    return this.first<{ t: number | null }>("SELECT MIN(next_attempt_at) AS t FROM notices")?.t ?? null;
  }
  pendingNotices(): number {
    return this.first<{ n: number }>("SELECT COUNT(*) AS n FROM notices")?.n ?? 0;
  }

  bumpVersion() {
    this.run("UPDATE event SET version = version + 1 WHERE id = 1");
  }
  markFlushed(version: number, now: number) {
    this.run("UPDATE event SET flushed_version = MAX(flushed_version, ?), flushed_at = ? WHERE id = 1", version, now);
  }
  markFlushAttempt(now: number) {
    this.run("UPDATE event SET flushed_at = ? WHERE id = 1", now);
  }

  availability(): Availability[] {
    return this.ticketTypes().map((t) => ({
      ticketTypeId: t.id,
      quantity: t.quantity,
      held: t.held,
      sold: t.sold,
      available: Math.max(0, t.quantity - t.held - t.sold),
    }));
  }

  /** Ticket types whose counters break the invariant (empty when all is well). */
  violations(): TicketTypeRow[] {
    return this.all<TicketTypeRow>("SELECT * FROM ticket_types WHERE held < 0 OR sold < 0 OR held + sold > quantity");
  }

  audit(): AuditRow[] {
    const held = new Map(
      this.all<{ tt: string; n: number }>(
        "SELECT i.ticket_type_id AS tt, SUM(i.quantity) AS n FROM holds h JOIN hold_items i ON i.order_id = h.order_id WHERE h.status = 'active' GROUP BY tt",
      ).map((r) => [r.tt, r.n]),
    );
    const sold = new Map(
      this.all<{ tt: string; n: number }>(
        "SELECT i.ticket_type_id AS tt, SUM(i.quantity - i.restocked) AS n FROM holds h JOIN hold_items i ON i.order_id = h.order_id WHERE h.status = 'sold' GROUP BY tt",
      ).map((r) => [r.tt, r.n]),
    );
    return this.availability().map((a) => ({ ...a, heldFromHolds: held.get(a.ticketTypeId) ?? 0, soldFromHolds: sold.get(a.ticketTypeId) ?? 0 }));
  }
}
