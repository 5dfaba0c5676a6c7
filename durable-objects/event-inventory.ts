import { DurableObject } from "cloudflare:workers";
import { ulid } from "ulid";
import { createLogger, makeEvent, publish, withTrace, type Envelope, type Trace } from "@tickets/common";
import { InventoryStore, type HoldRow } from "./inventory/store";
import { ShardStore, type Amounts, type ShardingRow, type TransferRow } from "./inventory/shard-store";
import { coordinatorOf, isEmpty, shardIndexOf, shardOf, type InventoryHandle, type ShardRef } from "./inventory/shards";
import { loadInventoryConfig, markQueueAutoOn, toInventoryTicketType, writeAvailability } from "./inventory/events-db";
import type { WaitingRoom } from "./waiting-room";
import type {
  AuditRow,
  Availability,
  CancelResult,
  CensusRow,
  CommitResult,
  ConfigureResult,
  HoldFailureCode,
  HoldGuard,
  HoldItem,
  HoldRequest,
  HoldResult,
  InventoryConfig,
  PricedItem,
  QuantityConflict,
  RouteInfo,
} from "./inventory/types";

export type * from "./inventory/types";

export interface InventoryEnv {
  DB: D1Database;
  ORDERS_INBOX: Queue;
  /** The event's waiting room, told when demand switches it on (absent where no room is hosted). */
  WAITING_ROOM?: DurableObjectNamespace<WaitingRoom>;
  /** This class's own namespace: a sharded event's coordinator and shards call each other. */
  INVENTORY?: DurableObjectNamespace<EventInventory>;
  /** An event with at least this many tickets in total is sharded when published (unset: 20,000). */
  INVENTORY_HOT_TICKETS?: string;
  /** How many shards a hot event gets (unset: 4). */
  INVENTORY_HOT_SHARDS?: string;
}

/** At most one availability write to the events D1 per object per this interval. */
export const FLUSH_INTERVAL_MS = 1_000;
const MAX_TTL_SECONDS = 24 * 60 * 60;
/** A transfer half-done this long ago (failed call, crash between its two steps) is completed by the alarm. */
const TRANSFER_RETRY_MS = 5_000;
const MAX_SHARDS = 64;
const REFILL_ATTEMPTS = 4;
const TRANSIT_WAIT_ROUNDS = 5;
const TRANSIT_WAIT_MS = 20;

type Step<T> = { result: T; changed: boolean };
/** What an operation's log line says of its result (not the items or messages). */
const OUTCOME_FIELDS = ["ok", "code", "alreadyHeld", "alreadyCommitted", "released", "restocked"];

/**
 * One object per event (idFromName(eventId)) serialises every hold, release, commit, restock and
 * expiry of that event's stock. Each operation is one synchronous SQLite transaction: it first
 * lets due holds expire (so a late alarm never blocks a sale), then mutates, then asserts the
 * invariant (sold + held <= quantity, nothing negative) before committing. Nothing outbound runs
 * before an answer: queue sends and the D1 availability write happen in the alarm.
 */
export class EventInventory extends DurableObject<InventoryEnv> {
  private readonly store: InventoryStore;
  private readonly shardStore: ShardStore;
  private readonly log = createLogger({ service: "events", component: "EventInventory" });
  private configured = false;
  /** null: an unsharded event's object (today's behaviour); else this object's part in a sharded one. */
  private sharding: ShardingRow | null = null;
  /** The alarm time we know is set (null = none); lets the hot path skip redundant setAlarm calls. */
  private alarmAt: number | null = null;
  /** While alarm() runs it re-arms from the stored state at its end, so others need not. */
  private inAlarm = false;
  /** Checkout attempts per second over the last minute (the waiting room's automatic switch-on). */
  private readonly demand = new MinuteCounter();
  /** Coordinator: the refill running now (they run one after another). */
  private refills: Promise<unknown> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: InventoryEnv) {
    super(ctx, env);
    this.store = new InventoryStore(ctx.storage.sql);
    this.shardStore = new ShardStore(ctx.storage.sql);
    ctx.blockConcurrencyWhile(async () => {
      this.store.migrate();
      this.shardStore.migrate();
      this.sharding = this.shardStore.sharding();
      this.configured = this.store.event() !== null;
      this.alarmAt = await ctx.storage.getAlarm();
    });
  }

  // ---- RPC ---------------------------------------------------------------------------------

  /**
   * The events worker pushes the event's status, times and ticket types on every change, before
   * writing them to D1. With `expect` it is a compare-and-set on the revision (two concurrent
   * edits cannot both pass) and a quantity below what is sold or held is refused. Without, it
   * re-syncs from D1 and such a quantity is raised to sold + held instead (nothing more sells).
   * Either way it is atomic with respect to holds.
   */
  async configure(cfg: InventoryConfig, expect?: { baseRevision: number }): Promise<ConfigureResult> {
    assertConfig(cfg);
    if (this.sharding?.role === "shard") throw new Error("configure reached a shard; configure the event's coordinator");
    if (this.sharding?.role === "coordinator") return this.configureCoordinator(cfg, expect);
    const out = this.mutate<ConfigureResult>((now) => {
      const current = this.store.event();
      if (current && current.event_id !== cfg.eventId) throw new Error(`inventory object of ${current.event_id} got ${cfg.eventId}`);
      if (current && expect && current.revision > expect.baseRevision) {
        const message = "The event changed meanwhile";
        return { result: { ok: false, code: "revision_conflict", message, revision: current.revision, configuredAt: current.configured_at }, changed: false };
      }
      const conflicts: QuantityConflict[] = [];
      for (const tt of cfg.ticketTypes) {
        const row = this.store.ticketType(tt.id);
        if (row && row.held + row.sold > tt.quantity) conflicts.push({ ticketTypeId: tt.id, quantity: tt.quantity, held: row.held, sold: row.sold });
      }
      if (conflicts.length && expect) {
        const message = "A quantity cannot go below what is already sold or held";
        return { result: { ok: false, code: "quantity_below_sold_or_held", message, details: conflicts }, changed: false };
      }
      if (conflicts.length) this.log.warn("inventory_quantity_raised_on_resync", { eventId: cfg.eventId, conflicts });
      const floor = new Map(conflicts.map((c) => [c.ticketTypeId, c.held + c.sold]));
      const ticketTypes = cfg.ticketTypes.map((tt) => ({ ...tt, quantity: Math.max(tt.quantity, floor.get(tt.id) ?? 0) }));
      this.store.applyConfig({ ...cfg, ticketTypes }, now);
      this.maybeBecomeCoordinator(cfg);
      return { result: { ok: true, availability: this.currentAvailability() }, changed: true };
    });
    this.configured ||= this.store.event() !== null;
    if (this.sharding?.role === "coordinator") await this.pushToShards();
    return out;
  }

  /**
   * Runs one order's operation in the caller's trace (request id, the order as correlation id)
   * and leaves one log line with its outcome. A refused hold leaves none: in a flash sale most
   * holds are refused (sold out), no order comes of them, and the caller answers the refusal.
   */
  private traced<T extends object>(op: string, orderId: string, trace: Trace | undefined, fn: () => Promise<T>): Promise<T> {
    return withTrace({ ...trace, correlationId: orderId }, async () => {
      const result = await fn();
      if (op === "hold" && "ok" in result && !result.ok) return result;
      const outcome = Object.fromEntries(Object.entries(result).filter(([k]) => OUTCOME_FIELDS.includes(k)));
      this.log.info(`inventory_${op}`, { orderId, ...outcome });
      return result;
    });
  }

  async hold(req: HoldRequest): Promise<HoldResult> {
    return this.traced("hold", req.orderId, req.trace, async () => {
      const items = normaliseItems(req);
      const ttl = Math.min(Math.max(1, Math.floor(req.ttlSeconds)), MAX_TTL_SECONDS);
      if (req.shard) return this.shardHold(req, req.shard, items, ttl);
      await this.ensureConfigured(req.eventId);
      if (this.sharding?.role === "coordinator") {
        // A router that looked before the event was sharded: send it where the buyer's stock is.
        const shard = { index: shardIndexOf(req.buyerId, this.sharding.shard_count), count: this.sharding.shard_count };
        return this.shard(req.eventId, shard.index).hold({ ...req, shard });
      }
      return this.mutate((now) => this.holdStep(req, items, ttl, now));
    });
  }

  /**
   * `cooldown: false`: the hold ends through no doing of its buyer (checkout could not start the
   * payment), so it does not start the buyer's cooldown for this event (HoldRequest.guard).
   */
  async release(orderId: string, opts: { cooldown?: boolean; trace?: Trace } = {}): Promise<{ released: boolean }> {
    return this.traced("release", orderId, opts.trace, async () => {
      if (this.sharding?.role === "coordinator") {
        const answers = await this.everyShard((s) => s.release(orderId, opts));
        return { released: answers.some((a) => a.released) };
      }
      return this.mutate<{ released: boolean }>((now) => {
        const released = this.releaseStep(orderId, now);
        if (released && opts.cooldown === false) this.store.exemptFromCooldown(orderId);
        return { result: { released }, changed: released };
      });
    });
  }

  /**
   * The event is cancelled: from now on every hold is refused (not_on_sale) and every active
   * hold is released, in one transaction. Idempotent: a second call releases nothing. Sold
   * stock stays sold (the orders worker refunds it). An object that never learnt its event
   * has nothing to freeze.
   */
  async cancel(eventId: string, opts: { asShard?: boolean } = {}): Promise<CancelResult> {
    if (!opts.asShard) await this.ensureConfigured(eventId);
    const own = this.mutate<CancelResult>((now) => {
      const ev = this.store.event();
      if (!ev) return { result: { cancelled: false, releasedOrderIds: [] }, changed: false };
      if (ev.event_id !== eventId) throw new Error(`inventory object of ${ev.event_id} got a cancel for ${eventId}`);
      const releasedOrderIds = this.store.activeHolds().filter((orderId) => this.releaseStep(orderId, now));
      const changed = ev.status !== "cancelled" || releasedOrderIds.length > 0;
      this.store.markCancelled();
      if (releasedOrderIds.length) this.log.info("inventory_cancel_released", { eventId, released: releasedOrderIds.length });
      return { result: { cancelled: true, releasedOrderIds }, changed };
    });
    if (this.sharding?.role !== "coordinator") return own;
    const answers = await this.everyShard((s) => s.cancel(eventId, { asShard: true }));
    return { cancelled: own.cancelled, releasedOrderIds: [...own.releasedOrderIds, ...answers.flatMap((a) => a.releasedOrderIds)] };
  }

  async commit(orderId: string, trace?: Trace): Promise<CommitResult> {
    return this.traced("commit", orderId, trace, async () => this.commitNow(orderId, trace));
  }

  private async commitNow(orderId: string, trace?: Trace): Promise<CommitResult> {
    if (this.sharding?.role === "coordinator") {
      const answers = await this.everyShard((s) => s.commit(orderId, trace));
      return answers.find((a) => a.ok) ?? answers.find((a) => !a.ok && a.code === "hold_expired") ?? { ok: false, code: "hold_not_found" };
    }
    return this.mutate<CommitResult>((now) => {
      const hold = this.store.hold(orderId);
      if (!hold || hold.status === "released") return { result: { ok: false, code: "hold_not_found" }, changed: false };
      if (hold.status === "expired") return { result: { ok: false, code: "hold_expired" }, changed: false };
      if (hold.status === "sold") return { result: { ok: true, alreadyCommitted: true }, changed: false };
      for (const it of this.store.holdItems(orderId)) this.store.moveHeldToSold(it.ticket_type_id, it.quantity);
      this.store.setHoldStatus(orderId, "sold", now);
      return { result: { ok: true, alreadyCommitted: false }, changed: true };
    });
  }

  /**
   * Sold tickets of a refunded order go back on sale: all of them, or at most `items`.
   * Idempotent per order: only the first call for an order restocks anything.
   */
  async restock(orderId: string, items?: HoldItem[], trace?: Trace): Promise<{ restocked: number }> {
    return this.traced("restock", orderId, trace, async () => this.restockNow(orderId, items, trace));
  }

  private async restockNow(orderId: string, items?: HoldItem[], trace?: Trace): Promise<{ restocked: number }> {
    if (this.sharding?.role === "coordinator") {
      const answers = await this.everyShard((s) => s.restock(orderId, items, trace));
      return { restocked: answers.reduce((sum, a) => sum + a.restocked, 0) };
    }
    return this.mutate<{ restocked: number }>((now) => {
      const hold = this.store.hold(orderId);
      if (hold?.status !== "sold" || hold.restocked_at !== null) return { result: { restocked: 0 }, changed: false };
      const limit = items ? sumByType(items) : null;
      const perType = new Map<string, number>();
      for (const it of this.store.holdItems(orderId)) {
        const left = it.quantity - it.restocked;
        const n = limit ? Math.min(left, limit.get(it.ticket_type_id) ?? 0) : left;
        if (n <= 0) continue;
        this.store.addSold(it.ticket_type_id, -n);
        perType.set(it.ticket_type_id, n);
      }
      this.store.markRestocked(orderId, now, perType);
      const restocked = [...perType.values()].reduce((a, b) => a + b, 0);
      return { result: { restocked }, changed: true };
    });
  }

  /** This object's counts; a sharded event's coordinator answers the shards' last reported totals. */
  async availability(): Promise<Availability[]> {
    return this.mutate(() => ({ result: this.currentAvailability(), changed: false }));
  }

  /** Counters beside what the hold rows imply; any difference is a bug. */
  async audit(): Promise<AuditRow[]> {
    return this.store.audit();
  }

  // ---- alarm: expiry, HoldExpired delivery, availability publishing --------------------------

  override async alarm(): Promise<void> {
    this.inAlarm = true;
    this.alarmAt = null;
    try {
      this.mutate(() => ({ result: null, changed: false }));
      await this.sendNotices();
      if (this.sharding?.role === "coordinator") await this.repairShards();
      await this.flushAvailability();
    } catch (err) {
      this.log.error("inventory_alarm_failed", { error: (err as Error).message });
    } finally {
      this.inAlarm = false;
      await this.armNext();
    }
  }

  private async sendNotices() {
    const due = this.store.dueNotices(Date.now());
    if (due.length === 0) return;
    const ids = due.map((n) => n.id);
    try {
      await publish(this.env, due.map((n) => JSON.parse(n.envelope) as Envelope));
      this.store.deleteNotices(ids);
    } catch (err) {
      this.log.error("hold_expired_publish_failed", { error: (err as Error).message, count: ids.length });
      this.store.deferNotices(ids, Date.now());
    }
  }

  private async flushAvailability() {
    const ev = this.store.event();
    const now = Date.now();
    if (!ev || ev.version <= ev.flushed_version || now < ev.flushed_at + FLUSH_INTERVAL_MS) return;
    try {
      // A shard reports to its coordinator, the only writer of the event's availability in D1.
      if (this.sharding?.role === "shard") await this.coordinator(ev.event_id).report(this.sharding.shard_index, this.store.availability(), ev.version);
      else await writeAvailability(this.env.DB, ev.event_id, this.currentAvailability(), ev.version, now);
      this.store.markFlushed(ev.version, now);
    } catch (err) {
      this.log.error("availability_flush_failed", { eventId: ev.event_id, error: (err as Error).message });
      this.store.markFlushAttempt(now);
    }
  }

  /** One alarm for everything: the earliest of the next expiry, a due notice retry, a due flush. */
  private async armNext() {
    const ev = this.store.event();
    const times = [this.store.earliestExpiry(), this.store.nextNoticeAt()];
    if (ev && ev.version > ev.flushed_version) times.push(ev.flushed_at + FLUSH_INTERVAL_MS);
    if (this.sharding?.role === "coordinator") {
      const open = this.shardStore.openTransfers(Infinity)[0];
      if (open) times.push(open.created_at + TRANSFER_RETRY_MS);
      if (ev && this.sharding.pushed_revision < ev.revision) times.push(Date.now() + TRANSFER_RETRY_MS);
    }
    const next = times.filter((t): t is number => t !== null).reduce((a, b) => Math.min(a, b), Infinity);
    if (next === Infinity) {
      this.alarmAt = null;
      await this.ctx.storage.deleteAlarm();
    } else {
      this.alarmAt = Math.max(next, Date.now());
      await this.ctx.storage.setAlarm(this.alarmAt);
    }
  }

  // ---- sharded stock (durable-objects/README.md) -------------------------------------------------

  /** How the router reaches this event's stock. Fixed once sharded, or once anything was held. */
  async route(eventId: string): Promise<RouteInfo> {
    await this.ensureConfigured(eventId);
    if (this.sharding) return { shards: this.sharding.shard_count, fixed: true };
    return { shards: 1, fixed: this.store.hasAnyHold() || this.store.event()?.status === "cancelled" };
  }

  /** Coordinator → shard: the event's configuration with this shard's own slice of the stock kept. */
  async configureShard(cfg: InventoryConfig, shard: ShardRef): Promise<void> {
    this.mutate((now) => {
      this.shardStore.setSharding("shard", shard.index, shard.count);
      const ticketTypes = cfg.ticketTypes.map((tt) => ({ ...tt, quantity: this.store.ticketType(tt.id)?.quantity ?? 0 }));
      this.store.applyConfig({ ...cfg, ticketTypes }, now);
      return { result: null, changed: true };
    });
    this.sharding = this.shardStore.sharding();
    this.configured = true;
  }

  /** Coordinator → shard: add stock. Applied once per transfer id, however often it is retried. */
  async credit(transferId: string, amounts: Amounts): Promise<void> {
    this.mutate(() => ({ result: null, changed: this.creditStep(transferId, amounts) }));
  }

  private creditStep(transferId: string, amounts: Amounts): boolean {
    if (this.shardStore.appliedTransfer(transferId)) return false;
    for (const [tt, n] of Object.entries(amounts)) {
      if (!this.store.addQuantity(tt, n)) throw new Error(`credit ${transferId}: shard has no ticket type ${tt} yet`);
    }
    this.shardStore.recordApplied(transferId, amounts);
    return true;
  }

  /**
   * Coordinator → shard: give back every ticket neither held nor sold (due holds expire first).
   * A retried transfer id answers what the first call gave, and gives nothing more.
   */
  async surrender(transferId: string): Promise<Amounts> {
    return this.mutate<Amounts>(() => {
      const done = this.shardStore.appliedTransfer(transferId);
      if (done) return { result: done, changed: false };
      const taken: Amounts = {};
      for (const t of this.store.ticketTypes()) {
        const idle = t.quantity - t.held - t.sold;
        if (idle > 0) this.store.addQuantity(t.id, -idle);
        taken[t.id] = Math.max(0, idle);
      }
      this.shardStore.recordApplied(transferId, taken);
      return { result: taken, changed: !isEmpty(taken) };
    });
  }

  /**
   * Shard → coordinator: a hold needs `need` more than the shard has. The pool pays first; if it
   * is short, idle stock is pulled back from the other shards. Grants a chunk (half the pool's
   * share per shard, at least `need`) so the next holds need not ask. null: nothing is left.
   * The shard credits the grant in the same transaction as the hold that asked for it (so no
   * other refill can pull it back first), then settles it; the alarm credits it otherwise.
   */
  async refill(shardIndex: number, need: Amounts): Promise<{ transferId: string; amounts: Amounts } | null> {
    // One refill at a time: concurrent ones would pull each other's fresh grants back and thrash.
    const run = this.refills.then(() => this.refillNow(shardIndex, need));
    this.refills = run.catch(() => undefined);
    return run;
  }

  private async refillNow(shardIndex: number, need: Amounts): Promise<{ transferId: string; amounts: Amounts } | null> {
    const s = this.requireRole("coordinator");
    const short = () => Object.entries(need).some(([tt, n]) => (this.shardStore.pool()[tt] ?? 0) < n);
    // Only as many other shards as it takes, starting after the asking one (spreads the pulls).
    // Stock granted but not yet credited (in transit) may leave a surplus on its shard: at the
    // very end of a sale, wait for it briefly rather than answer sold_out while it exists.
    for (let round = 0; short(); round++) {
      for (let k = 1; k < s.shard_count && short(); k++) await this.pullIdle([(shardIndex + k) % s.shard_count]);
      const transit = this.shardStore.inTransit();
      if (!short() || round >= TRANSIT_WAIT_ROUNDS || !Object.keys(need).some((tt) => (transit[tt] ?? 0) > 0)) break;
      await new Promise((r) => setTimeout(r, TRANSIT_WAIT_MS));
    }
    const grant = this.ctx.storage.transactionSync(() => {
      const pool = this.shardStore.pool();
      if (Object.entries(need).some(([tt, n]) => (pool[tt] ?? 0) < n)) return null;
      const amounts: Amounts = {};
      for (const [tt, n] of Object.entries(need)) amounts[tt] = Math.min(pool[tt], Math.max(n, Math.ceil(pool[tt] / (2 * s.shard_count))));
      return this.debitGrant(shardIndex, amounts);
    });
    return grant && { transferId: grant.id, amounts: JSON.parse(grant.amounts) as Amounts };
  }

  /** Shard → coordinator: the grant was credited (step two done by the shard itself). */
  async settle(transferId: string): Promise<void> {
    this.requireRole("coordinator");
    this.ctx.storage.transactionSync(() => {
      if (this.shardStore.transfer(transferId)?.status === "sent") this.shardStore.markTransferDone(transferId);
    });
  }

  /** Moves every shard's idle stock back to the pool, then hands half of it out evenly again. */
  async rebalance(): Promise<Amounts> {
    const s = this.requireRole("coordinator");
    await this.pullIdle([...Array(s.shard_count).keys()]);
    await this.distribute();
    return this.shardStore.pool();
  }

  /** Shard → coordinator (alarm, at most once a second): its counts for the event's availability. */
  async report(shardIndex: number, rows: Availability[], version: number): Promise<void> {
    this.requireRole("coordinator");
    this.mutate(() => {
      this.shardStore.saveShardCounts(shardIndex, rows, version);
      return { result: null, changed: true };
    });
  }

  /** Exact stock of a sharded event, read from every shard now (tests, benchmarks, operators). */
  async census(): Promise<CensusRow[]> {
    this.requireRole("coordinator");
    const shards = await this.everyShard((stub) => stub.availability());
    const pool = this.shardStore.pool();
    const transit = this.shardStore.inTransit();
    return this.store.ticketTypes().map((t) => {
      const parts = shards.map((rows) => rows.find((r) => r.ticketTypeId === t.id));
      const held = parts.reduce((sum, r) => sum + (r?.held ?? 0), 0);
      const sold = parts.reduce((sum, r) => sum + (r?.sold ?? 0), 0);
      const shardAvailable = parts.reduce((sum, r) => sum + (r?.available ?? 0), 0);
      const row: CensusRow = {
        ticketTypeId: t.id,
        quantity: t.quantity,
        held,
        sold,
        available: (pool[t.id] ?? 0) + (transit[t.id] ?? 0) + shardAvailable,
        pool: pool[t.id] ?? 0,
        inTransit: transit[t.id] ?? 0,
        shardQuantity: parts.map((r) => r?.quantity ?? 0),
      };
      return row;
    });
  }

  /** A shard's hold: its own slice first; when short, ask the coordinator for more and try again. */
  private async shardHold(req: HoldRequest, shard: ShardRef, items: HoldItem[], ttl: number): Promise<HoldResult> {
    if (!this.sharding) await this.coordinator(req.eventId).attachShard(shard.index);
    const s = this.requireRole("shard");
    if (s.shard_index !== shard.index || s.shard_count !== shard.count) throw new Error(`hold for shard ${shard.index}/${shard.count} reached ${s.shard_index}/${s.shard_count}`);
    let res = this.mutate((now) => this.holdStep(req, items, ttl, now));
    // Another shard's refill may pull a fresh grant back before this retry runs: a few rounds, then sold_out.
    for (let attempt = 0; attempt < REFILL_ATTEMPTS && !res.ok && res.code === "sold_out"; attempt++) {
      const need: Amounts = {};
      for (const it of (res.details as { items: Array<{ ticketTypeId: string; requested: number; available: number }> }).items) need[it.ticketTypeId] = it.requested - it.available;
      const grant = await this.coordinator(req.eventId).refill(shard.index, need);
      if (!grant) {
        // Nothing left elsewhere; but while this hold waited, a grant for another hold here may have left a surplus.
        res = this.mutate((now) => this.holdStep(req, items, ttl, now));
        break;
      }
      res = this.mutate((now) => {
        this.creditStep(grant.transferId, grant.amounts);
        return { result: this.holdStep(req, items, ttl, now).result, changed: true };
      });
      await this.coordinator(req.eventId).settle(grant.transferId);
    }
    return res;
  }

  /** Coordinator: (re)sends the configuration to a shard that has none (its storage is new). */
  async attachShard(index: number): Promise<void> {
    const s = this.requireRole("coordinator");
    await this.shard(this.store.event()!.event_id, index).configureShard(this.shardConfig(), { index, count: s.shard_count });
  }

  /** In the configure transaction: a published event past the hot threshold, never held from, gets shards. */
  private maybeBecomeCoordinator(cfg: InventoryConfig) {
    if (this.sharding || cfg.status !== "published" || this.store.hasAnyHold() || !this.env.INVENTORY) return;
    const total = cfg.ticketTypes.reduce((sum, tt) => sum + tt.quantity, 0);
    const threshold = Number(this.env.INVENTORY_HOT_TICKETS ?? 20_000);
    const count = Math.min(MAX_SHARDS, Math.floor(cfg.shards ?? (total >= threshold ? Number(this.env.INVENTORY_HOT_SHARDS ?? 4) : 1)));
    if (!(count > 1)) return;
    this.shardStore.setSharding("coordinator", 0, count);
    for (const tt of this.store.ticketTypes()) this.shardStore.addPool(tt.id, tt.quantity);
    this.sharding = this.shardStore.sharding();
    this.log.info("inventory_sharded", { eventId: cfg.eventId, shards: count });
  }

  /**
   * A sharded event's configure: the coordinator's ticket types carry the totals, and a change of
   * quantity moves the pool. Lowering a quantity needs that much idle stock, pulled back from the
   * shards first if the pool is short; otherwise it is refused (with `expect`) or raised (resync).
   */
  private async configureCoordinator(cfg: InventoryConfig, expect?: { baseRevision: number }): Promise<ConfigureResult> {
    const s = this.sharding!;
    const shortOf = () =>
      cfg.ticketTypes.some((tt) => {
        const row = this.store.ticketType(tt.id);
        return row !== null && row.quantity - tt.quantity > (this.shardStore.pool()[tt.id] ?? 0);
      });
    if (shortOf()) await this.pullIdle([...Array(s.shard_count).keys()]);
    const out = this.mutate<ConfigureResult>((now) => {
      const current = this.store.event()!;
      if (current.event_id !== cfg.eventId) throw new Error(`inventory object of ${current.event_id} got ${cfg.eventId}`);
      if (expect && current.revision > expect.baseRevision) {
        const message = "The event changed meanwhile";
        return { result: { ok: false, code: "revision_conflict", message, revision: current.revision, configuredAt: current.configured_at }, changed: false };
      }
      const pool = this.shardStore.pool();
      const reported = this.shardStore.reportedTotals();
      const conflicts: QuantityConflict[] = [];
      const ticketTypes = cfg.ticketTypes.map((tt) => {
        const before = this.store.ticketType(tt.id)?.quantity ?? 0;
        const floor = before - (pool[tt.id] ?? 0);
        if (tt.quantity >= floor) return tt;
        const r = reported.get(tt.id) ?? { held: 0, sold: 0 };
        conflicts.push({ ticketTypeId: tt.id, quantity: tt.quantity, held: r.held, sold: r.sold });
        return { ...tt, quantity: floor };
      });
      if (conflicts.length && expect) {
        const message = "A quantity cannot go below what is already sold or held";
        return { result: { ok: false, code: "quantity_below_sold_or_held", message, details: conflicts }, changed: false };
      }
      for (const tt of ticketTypes) this.shardStore.addPool(tt.id, tt.quantity - (this.store.ticketType(tt.id)?.quantity ?? 0));
      this.store.applyConfig({ ...cfg, ticketTypes }, now);
      return { result: { ok: true, availability: this.currentAvailability() }, changed: true };
    });
    if (out.ok) await this.pushToShards();
    return out;
  }

  /** The configuration every shard gets (status as stored: a cancelled event stays cancelled). */
  private shardConfig(): InventoryConfig {
    const ev = this.store.event()!;
    const q = this.store.queue();
    const shards = this.sharding?.shard_count ?? 1;
    return {
      eventId: ev.event_id,
      revision: ev.revision,
      status: ev.status as InventoryConfig["status"],
      startsAt: ev.starts_at,
      endsAt: ev.ends_at,
      ticketTypes: this.store.ticketTypes().map(toInventoryTicketType),
      // Each shard enforces the waiting room on its own holds; demand is counted per shard, so
      // each gets its share of the automatic switch-on threshold.
      queue: q
        ? {
            on: !!(q.configured_on || q.auto_on_at !== null),
            autoThresholdPerMinute: q.auto_threshold === null ? null : Math.max(1, Math.ceil(q.auto_threshold / shards)),
          }
        : undefined,
    };
  }

  /** Sends the configuration to every shard; the first time, also hands out their first slices. */
  private async pushToShards() {
    const s = this.sharding!;
    const cfg = this.shardConfig();
    if (s.pushed_revision >= cfg.revision) return;
    const first = s.pushed_revision < 0;
    try {
      await this.everyShard((stub, index) => stub.configureShard(cfg, { index, count: s.shard_count }));
      this.shardStore.markPushed(cfg.revision);
      this.sharding = this.shardStore.sharding();
      if (first) await this.distribute();
    } catch (err) {
      // The alarm pushes again; until then a shard without configuration asks for it (attachShard).
      this.log.error("inventory_shard_push_failed", { eventId: cfg.eventId, error: (err as Error).message });
      await this.armNext();
    }
  }

  /** Hands half the pool out evenly over the shards (the other half answers refills). */
  private async distribute() {
    const s = this.sharding!;
    const grants = this.ctx.storage.transactionSync(() => {
      const pool = this.shardStore.pool();
      return [...Array(s.shard_count).keys()].flatMap((index) => {
        const amounts: Amounts = {};
        for (const [tt, n] of Object.entries(pool)) amounts[tt] = Math.floor(n / (2 * s.shard_count));
        return isEmpty(amounts) ? [] : [this.debitGrant(index, amounts)];
      });
    });
    await Promise.all(grants.map((g) => this.completeGrant(g)));
  }

  /** Step one of a grant, inside the caller's transaction: debit the pool, record the transfer. */
  private debitGrant(shardIndex: number, amounts: Amounts): TransferRow {
    const id = ulid();
    for (const [tt, n] of Object.entries(amounts)) this.shardStore.addPool(tt, -n);
    this.shardStore.insertTransfer({ id, shardIndex, kind: "grant", amounts, now: Date.now() });
    return this.shardStore.transfer(id)!;
  }

  /** Step two: credit the shard (idempotent there), then close the transfer. A failure leaves it to the alarm. */
  private async completeGrant(t: TransferRow) {
    try {
      await this.shard(this.store.event()!.event_id, t.shard_index).credit(t.id, JSON.parse(t.amounts) as Amounts);
      this.ctx.storage.transactionSync(() => this.shardStore.markTransferDone(t.id));
    } catch (err) {
      this.log.error("inventory_grant_failed", { transferId: t.id, error: (err as Error).message });
      await this.armNext();
    }
  }

  /** Pulls every idle ticket of the given shards back into the pool (two steps, idempotent by transfer id). */
  private async pullIdle(indices: number[]) {
    await Promise.all(
      indices.map(async (index) => {
        const id = ulid();
        this.ctx.storage.transactionSync(() => this.shardStore.insertTransfer({ id, shardIndex: index, kind: "pull", amounts: {}, now: Date.now() }));
        await this.completePull(this.shardStore.transfer(id)!);
      }),
    );
  }

  private async completePull(t: TransferRow) {
    try {
      const taken = await this.shard(this.store.event()!.event_id, t.shard_index).surrender(t.id);
      this.ctx.storage.transactionSync(() => {
        if (this.shardStore.transfer(t.id)?.status !== "sent") return;
        for (const [tt, n] of Object.entries(taken)) if (n) this.shardStore.addPool(tt, n);
        this.shardStore.markTransferDone(t.id);
      });
    } catch (err) {
      this.log.error("inventory_pull_failed", { transferId: t.id, error: (err as Error).message });
      await this.armNext();
    }
  }

  /** Alarm: finish transfers left half-done and configurations not yet pushed. */
  private async repairShards() {
    for (const t of this.shardStore.openTransfers(Date.now() - TRANSFER_RETRY_MS)) {
      if (t.kind === "grant") await this.completeGrant(t);
      else await this.completePull(t);
    }
    await this.pushToShards();
  }

  /** What the event's availability is: this object's counts, or for a coordinator the shards' reported totals. */
  private currentAvailability(): Availability[] {
    if (this.sharding?.role !== "coordinator") return this.store.availability();
    const reported = this.shardStore.reportedTotals();
    return this.store.ticketTypes().map((t) => {
      const r = reported.get(t.id) ?? { held: 0, sold: 0 };
      return { ticketTypeId: t.id, quantity: t.quantity, held: r.held, sold: r.sold, available: Math.max(0, t.quantity - r.held - r.sold) };
    });
  }

  private requireRole(role: ShardingRow["role"]): ShardingRow {
    if (this.sharding?.role !== role) throw new Error(`this inventory object is not a ${role}`);
    return this.sharding;
  }

  private namespace(): DurableObjectNamespace<EventInventory> {
    if (!this.env.INVENTORY) throw new Error("a sharded event needs the INVENTORY binding");
    return this.env.INVENTORY;
  }
  private coordinator(eventId: string) {
    return coordinatorOf(this.namespace(), eventId);
  }
  private shard(eventId: string, index: number) {
    return shardOf(this.namespace(), eventId, index);
  }
  private everyShard<T>(call: (stub: InventoryHandle, index: number) => Promise<T>): Promise<T[]> {
    const eventId = this.store.event()!.event_id;
    return Promise.all([...Array(this.sharding!.shard_count).keys()].map((i) => call(this.shard(eventId, i), i)));
  }

  // ---- internals -----------------------------------------------------------------------------

  /**
   * Runs `step` in one transaction after letting due holds expire. If anything changed, the
   * version moves (availability is then republished) and the invariant is asserted: a throw
   * rolls the whole transaction back.
   */
  private mutate<T>(step: (now: number) => Step<T>): T {
    const now = Date.now();
    const { result, changed } = this.ctx.storage.transactionSync(() => {
      const expired = this.expireDue(now);
      const out = step(now);
      const changed = out.changed || expired > 0;
      if (changed) {
        this.store.bumpVersion();
        this.assertInvariant();
      }
      return { result: out.result, changed };
    });
    if (changed) this.scheduleFlush(now);
    return result;
  }

  private releaseStep(orderId: string, now: number): boolean {
    const hold = this.store.hold(orderId);
    if (hold?.status !== "active") return false;
    for (const it of this.store.holdItems(orderId)) this.store.addHeld(it.ticket_type_id, -it.quantity);
    this.store.setHoldStatus(orderId, "released", now);
    return true;
  }

  private expireDue(now: number): number {
    const due = this.store.dueHolds(now);
    const ev = due.length ? this.store.event() : null;
    for (const orderId of due) {
      for (const it of this.store.holdItems(orderId)) this.store.addHeld(it.ticket_type_id, -it.quantity);
      this.store.setHoldStatus(orderId, "expired", now);
      const event = makeEvent("HoldExpired", { orderId, eventId: ev!.event_id }, { correlationId: orderId });
      this.store.addNotice({ id: event.id, orderId, envelope: JSON.stringify(event), now });
    }
    return due.length;
  }

  private assertInvariant() {
    const bad = this.store.violations();
    if (bad.length) {
      this.log.error("inventory_invariant_violated", { rows: bad });
      throw new Error(`inventory invariant violated for ${bad.map((b) => b.id).join(", ")}`);
    }
  }

  /** Something changed: make sure an alarm comes by the next allowed flush (≤ 1 s away). */
  private scheduleFlush(now: number) {
    if (this.inAlarm || (this.alarmAt !== null && this.alarmAt <= now)) return;
    const ev = this.store.event();
    const at = Math.max(now, (ev?.flushed_at ?? 0) + FLUSH_INTERVAL_MS);
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    this.alarmAt = at;
    void this.ctx.storage.setAlarm(at);
  }

  private async ensureConfigured(eventId: string) {
    if (this.configured) return;
    // Rare path (a push was lost, or storage is new): read the event from D1 once, alone.
    await this.ctx.blockConcurrencyWhile(async () => {
      if (this.store.event()) {
        this.configured = true;
        return;
      }
      const cfg = await loadInventoryConfig(this.env.DB, eventId);
      if (!cfg) return;
      this.ctx.storage.transactionSync(() => this.store.applyConfig(cfg, Date.now()));
      this.configured = true;
    });
  }

  private holdStep(req: HoldRequest, items: HoldItem[], ttlSeconds: number, now: number): Step<HoldResult> {
    const fail = (code: Exclude<HoldResult, { ok: true }>["code"], message: string, details?: unknown): Step<HoldResult> => ({
      result: details === undefined ? { ok: false, code, message } : { ok: false, code, message, details },
      changed: false,
    });
    const existing = this.store.hold(req.orderId);
    if (existing && (existing.status === "active" || existing.status === "sold")) {
      return { result: this.answer(existing, true), changed: false };
    }
    if (existing && req.rehold === false) return fail("hold_ended", "This order's hold has ended (expired or released); nothing was held");
    const ev = this.store.event();
    if (!ev || ev.status !== "published") return fail("not_on_sale", "This event is not on sale");
    if (ev.event_id !== req.eventId) throw new Error(`inventory object of ${ev.event_id} got a hold for ${req.eventId}`);
    if (req.queueAdmitted !== undefined && this.queueOn(ev.event_id, now) && !req.queueAdmitted) {
      return fail("queue_required", "This on-sale has a waiting room: join it (POST /api/events/{id}/queue) and send your pass as Queue-Pass");
    }

    const types = items.map((it) => this.store.ticketType(it.ticketTypeId));
    const unknown = items.filter((_, i) => !types[i]).map((it) => it.ticketTypeId);
    if (unknown.length) return fail("unknown_ticket_type", "No such ticket type for this event", { ticketTypeIds: unknown });

    for (const tt of types) {
      const start = tt!.sales_start_at ?? -Infinity;
      const end = tt!.sales_end_at ?? ev.ends_at;
      if (now < start || now >= end) {
        const when = now < start ? "have not started" : "have ended";
        return fail("sales_closed", `Sales for ${tt!.name} ${when}`, {
          ticketTypeId: tt!.id,
          salesStartAt: tt!.sales_start_at === null ? null : new Date(tt!.sales_start_at).toISOString(),
          salesEndAt: new Date(end).toISOString(),
        });
      }
    }

    if (req.guard) {
      const refused = this.guardStep(req, req.guard, now);
      if (refused) return fail(refused.code, refused.message, refused.details);
    }

    const owned = this.store.buyerCounts(req.buyerId);
    for (let i = 0; i < items.length; i++) {
      const tt = types[i]!;
      const already = owned.get(tt.id) ?? 0;
      if (items[i].quantity + already > tt.max_per_order) {
        const message =
          already === 0
            ? `At most ${tt.max_per_order} ${tt.name} tickets per order`
            : `At most ${tt.max_per_order} ${tt.name} tickets per buyer; you already hold or bought ${already}`;
        return fail("limit_exceeded", message, { ticketTypeId: tt.id, limit: tt.max_per_order, requested: items[i].quantity, alreadyHeldOrBought: already });
      }
    }

    const short = items
      .map((it, i) => ({ ticketTypeId: it.ticketTypeId, requested: it.quantity, available: Math.max(0, types[i]!.quantity - types[i]!.held - types[i]!.sold) }))
      .filter((s) => s.requested > s.available);
    if (short.length) return fail("sold_out", "Not enough tickets left; nothing was held", { items: short });

    const priced: PricedItem[] = items.map((it, i) => ({ ...it, name: types[i]!.name, unitPriceVnd: types[i]!.price_vnd }));
    const totalVnd = priced.reduce((sum, it) => sum + it.quantity * it.unitPriceVnd, 0);
    const expiresAt = now + ttlSeconds * 1000;
    this.store.insertHold({ orderId: req.orderId, buyerId: req.buyerId, expiresAt, totalVnd, now }, priced);
    if (req.guard) this.store.setGuard(req.orderId, req.guard.clientKey);
    for (const it of items) this.store.addHeld(it.ticketTypeId, it.quantity);
    return {
      result: { ok: true, orderId: req.orderId, expiresAt: new Date(expiresAt).toISOString(), items: priced, totalVnd, alreadyHeld: false },
      changed: true,
    };
  }

  /**
   * Inventory hoarding (accounts are free, so a per-account cap alone does not stop a script):
   * a hot event needs a verified human challenge; a buyer whose unpaid hold of this event just
   * ended waits a cooldown; one client address holds at most so many unpaid orders at once.
   */
  private guardStep(req: HoldRequest, guard: HoldGuard, now: number): { code: HoldFailureCode; message: string; details?: unknown } | null {
    if (guard.hotHoldsPerMinute > 0 && !guard.humanVerified && this.store.holdsMadeSince(now - 60_000) >= guard.hotHoldsPerMinute) {
      return { code: "challenge_required", message: "This event is in high demand: complete the human check and send its token" };
    }
    if (guard.cooldownSeconds > 0) {
      const ended = this.store.lastUnpaidEnd(req.buyerId, req.orderId, now - guard.cooldownSeconds * 1000);
      if (ended !== null) {
        const retryAfterSeconds = Math.max(1, Math.ceil((ended + guard.cooldownSeconds * 1000 - now) / 1000));
        return { code: "hold_cooldown", message: `Your last unpaid order for this event ended just now; try again in ${retryAfterSeconds} s`, details: { retryAfterSeconds } };
      }
    }
    if (guard.clientKey && guard.maxActivePerClient > 0 && this.store.activeHoldsOfClient(guard.clientKey) >= guard.maxActivePerClient) {
      return {
        code: "client_limit_exceeded",
        message: "Too many unpaid orders for this event from your network; pay or cancel one first",
        details: { limit: guard.maxActivePerClient },
      };
    }
    return null;
  }

  /**
   * Whether checkout needs a pass: the room is on by configuration, or demand switched it on. A
   * checkout attempt that finds it off counts towards the threshold; the one that crosses it
   * switches the room on (kept here, then the room object and the events D1 are told).
   */
  private queueOn(eventId: string, now: number): boolean {
    const q = this.store.queue();
    if (q && (q.configured_on || q.auto_on_at !== null)) return true;
    const perMinute = this.demand.add(now);
    if (q?.auto_threshold == null || perMinute <= q.auto_threshold) return false;
    this.store.markQueueAutoOn(now);
    this.log.warn("queue_switched_on_by_demand", { eventId, attemptsPerMinute: perMinute, threshold: q.auto_threshold });
    this.ctx.waitUntil(this.announceAutoQueue(eventId, now));
    return true;
  }

  private async announceAutoQueue(eventId: string, now: number) {
    const room = this.env.WAITING_ROOM;
    await Promise.all([
      room?.get(room.idFromName(eventId)).switchOn(eventId),
      markQueueAutoOn(this.env.DB, eventId, now),
    ]).catch((err) => this.log.error("queue_auto_announce_failed", { eventId, error: (err as Error).message }));
  }

  private answer(hold: HoldRow, alreadyHeld: boolean): HoldResult {
    const items = this.store.holdItems(hold.order_id).map((r) => ({
      ticketTypeId: r.ticket_type_id,
      quantity: r.quantity,
      name: r.name,
      unitPriceVnd: r.unit_price_vnd,
    }));
    return { ok: true, orderId: hold.order_id, expiresAt: new Date(hold.expires_at).toISOString(), items, totalVnd: hold.total_vnd, alreadyHeld };
  }
}

/** Events in the last 60 s, in one-second buckets. */
class MinuteCounter {
  private readonly counts = new Array<number>(60).fill(0);
  private readonly seconds = new Array<number>(60).fill(-1);

  add(now: number): number {
    const second = Math.floor(now / 1000);
    const slot = second % 60;
    if (this.seconds[slot] !== second) {
      this.seconds[slot] = second;
      this.counts[slot] = 0;
    }
    this.counts[slot]++;
    let total = 0;
    for (let i = 0; i < 60; i++) if (second - this.seconds[i] < 60) total += this.counts[i];
    return total;
  }
}

function sumByType(items: HoldItem[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const it of items) out.set(it.ticketTypeId, (out.get(it.ticketTypeId) ?? 0) + it.quantity);
  return out;
}

const isPositiveInt = (n: unknown): n is number => typeof n === "number" && Number.isSafeInteger(n) && n > 0;

/** Callers validate their input; this refuses what would be a programming error. Duplicates merge. */
function normaliseItems(req: HoldRequest): HoldItem[] {
  if (!req?.orderId || !req.eventId || !req.buyerId) throw new TypeError("hold needs orderId, eventId and buyerId");
  if (!Array.isArray(req.items) || req.items.length === 0) throw new TypeError("hold needs at least one item");
  if (!(typeof req.ttlSeconds === "number" && req.ttlSeconds > 0)) throw new TypeError("hold needs a positive ttlSeconds");
  for (const it of req.items) {
    if (!it?.ticketTypeId || !isPositiveInt(it.quantity)) throw new TypeError("each item needs a ticketTypeId and a positive integer quantity");
  }
  return [...sumByType(req.items)].map(([ticketTypeId, quantity]) => ({ ticketTypeId, quantity }));
}

function assertConfig(cfg: InventoryConfig) {
  if (!cfg?.eventId || !Number.isSafeInteger(cfg.revision) || !["draft", "published", "cancelled"].includes(cfg.status)) {
    throw new TypeError("configure needs eventId, revision and status");
  }
  for (const tt of cfg.ticketTypes) {
    if (!tt.id || !isPositiveInt(tt.quantity) || !isPositiveInt(tt.maxPerOrder) || !(Number.isSafeInteger(tt.priceVnd) && tt.priceVnd >= 0)) {
      throw new TypeError(`invalid ticket type ${tt.id}`);
    }
  }
}
