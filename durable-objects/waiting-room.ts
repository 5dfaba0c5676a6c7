import { DurableObject } from "cloudflare:workers";
import { createLogger, recordMetric, signQueueToken, type MetricsEnv } from "@tickets/common";
import { RoomStore, type RoomRow, type WaiterRow } from "./waiting-room/store";
import type { JoinResult, RoomConfig, RoomStats, RoomStatus } from "./waiting-room/types";
import type { EventInventory } from "./event-inventory";

export type * from "./waiting-room/types";

export interface WaitingRoomEnv extends MetricsEnv {
  QUEUE_PASS_SECRET: string;
  /** The event's inventory: how many tickets sit in unpaid holds (admissions slow down when many do). */
  INVENTORY: DurableObjectNamespace<EventInventory>;
}

/** How long an admitted buyer's pass is good for (they must start checkout within it). */
export const PASS_TTL_MS = 10 * 60_000;
/** Tickets in unpaid holds, per admitted-per-minute, at which admissions halve (and stop at twice that). */
export const HELD_PER_RATE_SLOWDOWN = 5;
const MIN_TICK_MS = 1_000;
const MAX_TICK_MS = 10_000;
/** Above this many open sockets a broadcast reads the whole line once instead of counting per socket. */
const SCAN_BROADCAST_ABOVE = 64;

/**
 * The virtual waiting room of one event (idFromName(eventId)), hosted by the events worker.
 * - Joining before the on-sale instant puts the account in the draw: at on-sale the alarm shuffles
 *   all of them (Fisher–Yates over crypto.getRandomValues) into the first places; from then on
 *   arrivals queue in order. One place per account: joining again answers the same place.
 * - The alarm admits the first in line at the configured rate (credit accrues with the time that
 *   really passed, so a late alarm catches up, up to two ticks' worth), slower when tickets pile
 *   up in unpaid holds. An admitted account gets a pass bound to it and the event (signed on request,
 *   valid PASS_TTL_MS); an unused pass expires and the place is gone.
 * - Positions reach browsers over hibernatable WebSockets (tagged with the account id), pushed
 *   after every change; GET …/queue/me answers the same `status()`.
 */
export class WaitingRoom extends DurableObject<WaitingRoomEnv> {
  private readonly store: RoomStore;
  private readonly log = createLogger({ service: "events", component: "WaitingRoom" });

  constructor(ctx: DurableObjectState, env: WaitingRoomEnv) {
    super(ctx, env);
    this.store = new RoomStore(ctx.storage.sql);
    ctx.blockConcurrencyWhile(async () => this.store.migrate());
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  // ---- RPC ---------------------------------------------------------------------------------

  async configure(cfg: RoomConfig): Promise<void> {
    const before = this.store.room();
    this.store.configure(cfg);
    if (cfg.on && !before?.on_) this.log.info("queue_switched_on", { eventId: cfg.eventId, admitPerMinute: cfg.admitPerMinute, onSaleAt: cfg.onSaleAt });
    await this.armNext();
  }

  /** Demand passed the event's threshold (the inventory object saw it): on from now. */
  async switchOn(eventId: string): Promise<void> {
    const room = this.store.room();
    if (!room || room.event_id !== eventId || room.on_) return;
    this.store.switchOn();
    this.log.info("queue_switched_on_by_demand", { eventId });
    await this.armNext();
  }

  async join(userId: string, now = Date.now()): Promise<JoinResult> {
    const room = this.store.room();
    if (!room) return { ok: false, code: "unconfigured" };
    if (!room.open) return { ok: false, code: "not_on_sale" };
    this.expireDue(now);
    // A late alarm must not let a post-sale arrival take a seq ahead of the draw.
    if (room.drawn_at === null && (room.on_sale_at === null || now >= room.on_sale_at)) this.draw(now);
    const existing = this.store.waiter(userId);
    const rejoined = !!existing && isInRoom(existing);
    if (!rejoined) {
      const beforeSale = this.store.room()!.drawn_at === null;
      this.store.enqueue(userId, beforeSale ? "presale" : "waiting", beforeSale ? null : this.store.takeSeq(), now);
      // The room is off: nobody has to wait.
      if (!beforeSale && !room.on_) this.store.admitOne(userId, now + PASS_TTL_MS);
      this.log.info("queue_joined", { eventId: room.event_id, beforeSale, on: !!room.on_ });
      const label = beforeSale ? "presale" : room.on_ ? "waiting" : "admitted";
      this.ctx.waitUntil(recordMetric(this.env, "events", "waiting_room_joined", { label, subject: room.event_id }));
      await this.armNext();
    }
    return { ok: true, status: (await this.status(userId, now))!, rejoined };
  }

  async status(userId: string, now = Date.now()): Promise<RoomStatus | null> {
    const room = this.store.room();
    const w = this.store.waiter(userId);
    if (!room || !w || !isInRoom(w)) return null;
    if (w.state === "admitted" && w.pass_expires_at !== null && w.pass_expires_at <= now) return null;
    return this.statusOf(room, w, now, null);
  }

  async leave(userId: string): Promise<{ left: boolean }> {
    const w = this.store.waiter(userId);
    if (!w || !isInRoom(w)) return { left: false };
    this.store.setState(userId, "left");
    this.log.info("queue_left", { eventId: this.store.room()?.event_id, state: w.state });
    await this.broadcast();
    return { left: true };
  }

  async stats(now = Date.now()): Promise<RoomStats> {
    this.expireDue(now);
    const room = this.store.room();
    const waiting = this.store.countIn("waiting");
    const rate = this.ratePerMinute(room);
    return {
      eventId: room?.event_id ?? null,
      on: !!room?.on_,
      admitPerMinute: room?.admit_per_minute ?? 0,
      effectivePerMinute: Math.round((room?.effective_per_minute ?? 0) * 100) / 100,
      onSaleAt: iso(room?.on_sale_at ?? null),
      drawnAt: iso(room?.drawn_at ?? null),
      beforeDraw: this.store.countIn("presale"),
      waiting,
      admitted: this.store.countIn("admitted"),
      admittedTotal: room?.admitted_total ?? 0,
      left: this.store.countIn("left"),
      expired: this.store.countIn("expired"),
      estimatedWaitSeconds: rate > 0 ? Math.ceil((waiting * 60) / rate) : 0,
      heldTickets: room?.held_tickets ?? 0,
      storageBytes: this.store.databaseSize,
    };
  }

  // ---- WebSocket (hibernation API) -----------------------------------------------------------

  /** The events worker forwards the upgrade after checking the socket token; x-user-id names the account. */
  override async fetch(request: Request): Promise<Response> {
    const userId = request.headers.get("x-user-id");
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket" || !userId) return new Response("expected a websocket", { status: 426 });
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1], [userId]);
    await this.send(pair[1], userId, Date.now());
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  override async webSocketMessage(ws: WebSocket, _message: string | ArrayBuffer): Promise<void> {
    const userId = this.ctx.getTags(ws)[0];
    if (userId) await this.send(ws, userId, Date.now());
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    try {
      ws.close(code === 1005 ? 1000 : code, "bye");
    } catch {
      // already closed
    }
  }

  // ---- alarm: the draw, admissions, expiry, pushes -------------------------------------------

  override async alarm(): Promise<void> {
    const now = Date.now();
    try {
      const room = this.store.room();
      if (!room) return;
      if (room.drawn_at === null && (room.on_sale_at === null || now >= room.on_sale_at)) this.draw(now);
      this.expireDue(now);
      await this.admit(now);
      await this.broadcast();
    } catch (err) {
      this.log.error("queue_alarm_failed", { error: (err as Error).message });
    } finally {
      await this.armNext();
    }
  }

  /** Everyone who joined before on-sale gets a uniformly random place ahead of later arrivals. */
  private draw(now: number) {
    const started = Date.now();
    const ids = this.store.presaleIds();
    shuffle(ids);
    this.ctx.storage.transactionSync(() => {
      const base = this.store.room()!.next_seq;
      ids.forEach((id, i) => this.store.assignDrawn(id, base + i));
      this.store.markDrawn(now, base + ids.length);
    });
    this.log.info("queue_draw", { eventId: this.store.room()?.event_id, drawn: ids.length, ms: Date.now() - started });
  }

  private async admit(now: number) {
    const room = this.store.room()!;
    const waiting = this.store.countIn("waiting");
    if (room.drawn_at === null) return;
    if (!room.on_) {
      // Off: everyone who asks is admitted at once (their pass is harmless, and ready if it switches on).
      const ids = this.store.admitNext(waiting, now + PASS_TTL_MS);
      this.store.saveTick({ at: now, credit: 0, effectivePerMinute: 0, heldTickets: room.held_tickets, admitted: ids.length });
      return;
    }
    const heldTickets = await this.heldTickets(room.event_id);
    const factor = slowdown(heldTickets, room.admit_per_minute);
    const elapsed = Math.max(0, now - (room.last_tick_at ?? now));
    const perMs = (room.admit_per_minute * factor) / 60_000;
    // No credit while nobody waits; at most two ticks' worth (+1): a late alarm catches up, a
    // long pause (backpressure, an outage) does not turn into a burst.
    const cap = 2 * perMs * this.tickMs(room) + 1;
    let credit = waiting === 0 ? 0 : Math.min(room.credit + elapsed * perMs, cap);
    const n = Math.min(Math.floor(credit), waiting);
    const ids = this.store.admitNext(n, now + PASS_TTL_MS);
    credit -= ids.length;
    this.store.saveTick({ at: now, credit, effectivePerMinute: room.admit_per_minute * factor, heldTickets, admitted: ids.length });
    if (ids.length || factor < 1) {
      this.log.info("queue_admitted", { eventId: room.event_id, admitted: ids.length, waiting: waiting - ids.length, factor, heldTickets });
      this.ctx.waitUntil(recordMetric(this.env, "events", "waiting_room_admitted", { label: String(factor), subject: room.event_id, value: ids.length }));
    }
  }

  private async heldTickets(eventId: string): Promise<number> {
    try {
      const rows = await this.env.INVENTORY.get(this.env.INVENTORY.idFromName(eventId)).availability();
      return rows.reduce((sum, r) => sum + r.held, 0);
    } catch (err) {
      this.log.warn("queue_held_unknown", { eventId, error: (err as Error).message });
      return 0;
    }
  }

  private expireDue(now: number) {
    const n = this.store.expirePasses(now);
    if (n) this.log.info("queue_passes_expired", { eventId: this.store.room()?.event_id, expired: n });
  }

  private tickMs(room: RoomRow): number {
    return Math.min(MAX_TICK_MS, Math.max(MIN_TICK_MS, Math.round(60_000 / Math.max(1, room.admit_per_minute))));
  }

  private ratePerMinute(room: RoomRow | null): number {
    if (!room) return 0;
    return room.last_tick_at === null ? room.admit_per_minute : room.effective_per_minute || room.admit_per_minute;
  }

  private async armNext() {
    const room = this.store.room();
    if (!room) return;
    const now = Date.now();
    const times: number[] = [];
    if (room.drawn_at === null) times.push(room.on_sale_at ?? now);
    else if (this.store.countIn("waiting") > 0) times.push((room.last_tick_at ?? now) + (room.on_ ? this.tickMs(room) : 0));
    const expiry = this.store.earliestPassExpiry();
    if (expiry !== null) times.push(expiry);
    const next = Math.min(...times);
    if (Number.isFinite(next)) {
      const current = await this.ctx.storage.getAlarm();
      if (current === null || current > next || current < now - 60_000) await this.ctx.storage.setAlarm(Math.max(next, now));
    }
  }

  private statusOf(room: RoomRow, w: WaiterRow, now: number, position: number | null): Promise<RoomStatus> | RoomStatus {
    const rate = this.ratePerMinute(room);
    const waitFor = (ahead: number) => (rate > 0 ? Math.ceil((ahead * 60) / rate) : 0);
    if (w.state === "admitted") return this.admittedStatus(room, w);
    if (w.state === "presale") {
      const inDraw = this.store.countIn("presale");
      const untilSale = Math.max(0, Math.ceil(((room.on_sale_at ?? now) - now) / 1000));
      return { state: "waiting", position: inDraw, estimatedWaitSeconds: untilSale + waitFor(Math.ceil(inDraw / 2)), drawAt: iso(room.on_sale_at) };
    }
    const pos = position ?? this.store.positionOf(w.seq!);
    return { state: "waiting", position: pos, estimatedWaitSeconds: room.on_ ? waitFor(pos) : 0, drawAt: null };
  }

  private async admittedStatus(room: RoomRow, w: WaiterRow): Promise<RoomStatus> {
    const expiresAt = w.pass_expires_at!;
    const pass = await signQueueToken("pass", { eventId: room.event_id, userId: w.user_id, expiresAt }, this.env.QUEUE_PASS_SECRET);
    return { state: "admitted", position: 0, estimatedWaitSeconds: 0, drawAt: null, pass, passExpiresAt: new Date(expiresAt).toISOString() };
  }

  private async send(ws: WebSocket, userId: string, now: number, position: number | null = null) {
    const room = this.store.room();
    const w = this.store.waiter(userId);
    const status = room && w && isInRoom(w) ? await this.statusOf(room, w, now, position) : null;
    try {
      ws.send(JSON.stringify(status ? { type: "status", ...status } : { type: "gone" }));
    } catch {
      // the socket closed meanwhile
    }
  }

  /** Pushes every connected account its current status (positions from one scan when many are connected). */
  private async broadcast() {
    const sockets = this.ctx.getWebSockets();
    if (sockets.length === 0) return;
    const now = Date.now();
    let positions: Map<string, number> | null = null;
    if (sockets.length > SCAN_BROADCAST_ABOVE) {
      const wanted = new Set(sockets.map((ws) => this.ctx.getTags(ws)[0]));
      positions = new Map();
      let pos = 0;
      for (const id of this.store.waitingInOrder()) {
        pos++;
        if (wanted.has(id)) positions.set(id, pos);
        if (positions.size === wanted.size) break;
      }
    }
    await Promise.all(
      sockets.map((ws) => {
        const userId = this.ctx.getTags(ws)[0];
        return userId ? this.send(ws, userId, now, positions?.get(userId) ?? null) : undefined;
      }),
    );
  }
}

/** Fraction of the configured rate to admit at, given tickets sitting in unpaid holds. */
export function slowdown(heldTickets: number, admitPerMinute: number): number {
  const threshold = HELD_PER_RATE_SLOWDOWN * Math.max(1, admitPerMinute);
  if (heldTickets >= 2 * threshold) return 0;
  if (heldTickets >= threshold) return 0.5;
  return 1;
}

/** In-place Fisher–Yates with unbiased crypto randomness (rejection sampling, no modulo bias). */
export function shuffle<T>(items: T[]): T[] {
  const buf = new Uint32Array(256);
  let used = buf.length;
  const next = () => {
    if (used === buf.length) {
      crypto.getRandomValues(buf);
      used = 0;
    }
    return buf[used++];
  };
  for (let i = items.length - 1; i > 0; i--) {
    const bound = i + 1;
    const limit = Math.floor(0x1_0000_0000 / bound) * bound;
    let r: number;
    do r = next();
    while (r >= limit);
    const j = r % bound;
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

const isInRoom = (w: WaiterRow) => w.state === "presale" || w.state === "waiting" || w.state === "admitted";

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
