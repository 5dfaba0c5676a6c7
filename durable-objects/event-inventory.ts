import { DurableObject } from "cloudflare:workers";
import { createLogger, makeEvent, publish, withTrace, type Envelope, type Trace } from "@tickets/common";
import { InventoryStore, type HoldRow } from "./inventory/store";
import { loadInventoryConfig, markQueueAutoOn, writeAvailability } from "./inventory/events-db";
import type { WaitingRoom } from "./waiting-room";
import type {
  AuditRow,
  Availability,
  CancelResult,
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
} from "./inventory/types";

export type * from "./inventory/types";

export interface InventoryEnv {
  DB: D1Database;
  ORDERS_INBOX: Queue;
  /** The event's waiting room, told when demand switches it on (absent where no room is hosted). */
  WAITING_ROOM?: DurableObjectNamespace<WaitingRoom>;
}

/** At most one availability write to the events D1 per object per this interval. */
export const FLUSH_INTERVAL_MS = 1_000;
const MAX_TTL_SECONDS = 24 * 60 * 60;

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
  private readonly log = createLogger({ service: "events", component: "EventInventory" });
  private configured = false;
  /** The alarm time we know is set (null = none); lets the hot path skip redundant setAlarm calls. */
  private alarmAt: number | null = null;
  /** While alarm() runs it re-arms from the stored state at its end, so others need not. */
  private inAlarm = false;
  /** Checkout attempts per second over the last minute (the waiting room's automatic switch-on). */
  private readonly demand = new MinuteCounter();

  constructor(ctx: DurableObjectState, env: InventoryEnv) {
    super(ctx, env);
    this.store = new InventoryStore(ctx.storage.sql);
    ctx.blockConcurrencyWhile(async () => {
      this.store.migrate();
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
      return { result: { ok: true, availability: this.store.availability() }, changed: true };
    });
    this.configured ||= this.store.event() !== null;
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
      await this.ensureConfigured(req.eventId);
      return this.mutate((now) => this.holdStep(req, items, ttl, now));
    });
  }

  /**
   * `cooldown: false`: the hold ends through no doing of its buyer (checkout could not start the
   * payment), so it does not start the buyer's cooldown for this event (HoldRequest.guard).
   */
  async release(orderId: string, opts: { cooldown?: boolean; trace?: Trace } = {}): Promise<{ released: boolean }> {
    return this.traced("release", orderId, opts.trace, async () =>
      this.mutate<{ released: boolean }>((now) => {
        const released = this.releaseStep(orderId, now);
        if (released && opts.cooldown === false) this.store.exemptFromCooldown(orderId);
        return { result: { released }, changed: released };
      }),
    );
  }

  /**
   * The event is cancelled: from now on every hold is refused (not_on_sale) and every active
   * hold is released, in one transaction. Idempotent: a second call releases nothing. Sold
   * stock stays sold (the orders worker refunds it). An object that never learnt its event
   * has nothing to freeze.
   */
  async cancel(eventId: string): Promise<CancelResult> {
    await this.ensureConfigured(eventId);
    return this.mutate<CancelResult>((now) => {
      const ev = this.store.event();
      if (!ev) return { result: { cancelled: false, releasedOrderIds: [] }, changed: false };
      if (ev.event_id !== eventId) throw new Error(`inventory object of ${ev.event_id} got a cancel for ${eventId}`);
      const releasedOrderIds = this.store.activeHolds().filter((orderId) => this.releaseStep(orderId, now));
      const changed = ev.status !== "cancelled" || releasedOrderIds.length > 0;
      this.store.markCancelled();
      if (releasedOrderIds.length) this.log.info("inventory_cancel_released", { eventId, released: releasedOrderIds.length });
      return { result: { cancelled: true, releasedOrderIds }, changed };
    });
  }

  async commit(orderId: string, trace?: Trace): Promise<CommitResult> {
    return this.traced("commit", orderId, trace, async () => this.commitNow(orderId));
  }

  private commitNow(orderId: string): CommitResult {
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
    return this.traced("restock", orderId, trace, async () => this.restockNow(orderId, items));
  }

  private restockNow(orderId: string, items?: HoldItem[]): { restocked: number } {
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

  async availability(): Promise<Availability[]> {
    return this.mutate(() => ({ result: this.store.availability(), changed: false }));
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
      await writeAvailability(this.env.DB, ev.event_id, this.store.availability(), ev.version, now);
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
    const next = times.filter((t): t is number => t !== null).reduce((a, b) => Math.min(a, b), Infinity);
    if (next === Infinity) {
      this.alarmAt = null;
      await this.ctx.storage.deleteAlarm();
    } else {
      this.alarmAt = Math.max(next, Date.now());
      await this.ctx.storage.setAlarm(this.alarmAt);
    }
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
