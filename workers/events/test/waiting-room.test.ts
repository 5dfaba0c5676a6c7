import { describe, expect, it, vi } from "vitest";
import { exports } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { ulid } from "ulid";
import { verifyQueueToken, type MetricsReader } from "@tickets/common";
import { shuffle, slowdown, type RoomConfig, type WaitingRoom } from "../../../durable-objects/waiting-room";
import { admin, buyer, call, configuredInventory, eventWithTicketType, organizer, testEnv } from "./helpers";

const roomOf = (eventId: string) => testEnv.WAITING_ROOM.get(testEnv.WAITING_ROOM.idFromName(eventId));
type Room = ReturnType<typeof roomOf>;

async function room(over: Partial<RoomConfig> = {}) {
  const eventId = over.eventId ?? ulid();
  const stub = roomOf(eventId);
  await stub.configure({ eventId, open: true, on: true, admitPerMinute: 60, onSaleAt: null, ...over });
  return { eventId, stub };
}

const sql = <T>(stub: Room, query: string, ...args: unknown[]) =>
  runInDurableObject(stub, (_: WaitingRoom, state: DurableObjectState) => state.storage.sql.exec(query, ...args).toArray() as unknown as T[]);

/** Time passes for the room: its on-sale instant and last admission tick move `ms` into the past. */
const elapse = (stub: Room, ms: number) =>
  sql(stub, "UPDATE room SET on_sale_at = on_sale_at - ?, last_tick_at = last_tick_at - ?", ms, ms);

/** Keeps the room's real alarm out of the way: only the test's own ticks admit anyone. */
const parkAlarm = (stub: Room) => runInDurableObject(stub, (_: WaitingRoom, state: DurableObjectState) => state.storage.setAlarm(Date.now() + 3_600_000));

/** Runs the room's alarm now (the draw, one admission tick, expiry, pushes), then parks it again. */
async function tick(stub: Room) {
  await parkAlarm(stub);
  await runDurableObjectAlarm(stub);
  await parkAlarm(stub);
}

const joined = async (stub: Room, userId: string) => {
  const res = await stub.join(userId);
  if (!res.ok) throw new Error(res.code);
  return res;
};

describe("the pre-sale draw", () => {
  it("gives arrivals before on-sale uniformly random places (chi-square over 160 draws of 4 buyers)", async () => {
    const buyers = 4;
    const draws = 160;
    const counts = Array.from({ length: buyers }, () => new Array<number>(buyers).fill(0));
    const oneDraw = async () => {
      const { stub } = await room({ onSaleAt: Date.now() + 60_000 });
      for (let i = 0; i < buyers; i++) expect((await joined(stub, `b${i}`)).status.drawAt).not.toBeNull();
      await elapse(stub, 61_000);
      // The first arrival after on-sale runs the draw (as the alarm at on-sale would) and queues behind it.
      expect((await joined(stub, "late")).status.position).toBe(buyers + 1);
      const rows = await sql<{ user_id: string; seq: number }>(stub, "SELECT user_id, seq FROM waiters WHERE user_id != 'late' ORDER BY seq");
      rows.forEach((r, place) => counts[Number(r.user_id.slice(1))][place]++);
    };
    for (let batch = 0; batch < draws / 16; batch++) await Promise.all(Array.from({ length: 16 }, oneDraw));
    const expected = draws / buyers;
    const chi2 = counts.flat().reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
    // 9 degrees of freedom: P(chi2 > 27.88) = 0.001 for a fair draw. Arrival order must not show.
    expect(chi2).toBeLessThan(27.88);
    for (const row of counts) expect(row.reduce((a, b) => a + b, 0)).toBe(draws);
  }, 120_000);

  it("draws at the on-sale instant by the room's alarm", async () => {
    const { stub } = await room({ onSaleAt: Date.now() + 60_000, admitPerMinute: 1 });
    for (const id of ["p1", "p2"]) await joined(stub, id);
    expect((await stub.stats()).beforeDraw).toBe(2);
    await elapse(stub, 61_000);
    await tick(stub);
    const stats = await stub.stats();
    expect(stats).toMatchObject({ beforeDraw: 0, waiting: 2 });
    expect(stats.drawnAt).not.toBeNull();
  });

  it("shuffles without bias (100,000 shuffles of 4: every permutation about 1/24)", () => {
    const seen = new Map<string, number>();
    for (let i = 0; i < 100_000; i++) {
      const key = shuffle([0, 1, 2, 3]).join("");
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    expect(seen.size).toBe(24);
    const expected = 100_000 / 24;
    const chi2 = [...seen.values()].reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(49.73); // 23 degrees of freedom, p = 0.001
  });

  it("puts later arrivals behind the drawn ones, in arrival order", async () => {
    const { stub } = await room({ onSaleAt: Date.now() + 60_000, admitPerMinute: 1 });
    for (const id of ["p1", "p2", "p3"]) expect((await joined(stub, id)).status.position).toBeGreaterThan(0);
    expect((await stub.status("p3"))!.position).toBe(3); // three in the draw
    await elapse(stub, 61_000);
    for (const id of ["late1", "late2", "late3"]) await joined(stub, id);
    const drawn = await Promise.all(["p1", "p2", "p3"].map(async (id) => (await stub.status(id))!.position));
    expect(drawn.sort()).toEqual([1, 2, 3]);
    expect((await stub.status("late1"))!.position).toBe(4);
    expect((await stub.status("late2"))!.position).toBe(5);
    expect((await stub.status("late3"))!.position).toBe(6);
  });
});

async function admittedBefore(stub: Room) {
  const [row] = await sql<{ n: number }>(stub, "SELECT COUNT(*) AS n FROM waiters WHERE state = 'admitted'");
  return row.n;
}

describe("places", () => {
  it("queues in order once on sale, and joining again keeps the place", async () => {
    const { stub } = await room({ admitPerMinute: 1 });
    const a = await joined(stub, "a");
    const b = await joined(stub, "b");
    const c = await joined(stub, "c");
    expect([a.status.position, b.status.position, c.status.position]).toEqual([1, 2, 3]);
    expect(c.status.estimatedWaitSeconds).toBe(180);
    const again = await joined(stub, "b");
    expect(again.rejoined).toBe(true);
    expect(again.status.position).toBe(2);
  });

  it("moves everyone up when someone leaves; leaving then joining queues at the back", async () => {
    const { stub } = await room({ admitPerMinute: 1 });
    for (const id of ["a", "b", "c"]) await joined(stub, id);
    expect(await stub.leave("a")).toEqual({ left: true });
    expect((await stub.status("b"))!.position).toBe(1);
    expect(await stub.status("a")).toBeNull();
    const back = await joined(stub, "a");
    expect(back.rejoined).toBe(false);
    expect(back.status.position).toBe(3);
  });

  it("admits at once when the room is off", async () => {
    const { eventId, stub } = await room({ on: false });
    const res = await joined(stub, "a");
    expect(res.status.state).toBe("admitted");
    expect((await verifyQueueToken("pass", res.status.pass, testEnv.QUEUE_PASS_SECRET, { eventId, userId: "a" })).ok).toBe(true);
  });
});

describe("admissions", () => {
  it("admits at the configured rate: one per second at 60/min, and a long pause is no burst", async () => {
    const { stub } = await room({ admitPerMinute: 60 });
    for (let i = 0; i < 30; i++) await joined(stub, `w${i}`);
    await tick(stub); // the first tick starts the clock
    const start = await admittedBefore(stub);
    for (let t = 0; t < 10; t++) {
      await elapse(stub, 1_000);
      await tick(stub);
    }
    expect((await admittedBefore(stub)) - start).toBe(10);
    expect((await stub.status(`w${start + 10}`))!.position).toBe(1);
    await elapse(stub, 60_000);
    await tick(stub);
    expect((await admittedBefore(stub)) - start - 10).toBeLessThanOrEqual(3);
  });

  it("admits in line order and hands out a pass bound to the buyer and the event", async () => {
    const { eventId, stub } = await room({ admitPerMinute: 60 });
    for (const id of ["a", "b"]) await joined(stub, id);
    await tick(stub);
    await elapse(stub, 1_000);
    await tick(stub);
    const a = (await stub.status("a"))!;
    expect(a.state).toBe("admitted");
    expect((await stub.status("b"))!.position).toBe(1);
    const check = (userId: string, ev = eventId, now?: number) => verifyQueueToken("pass", a.pass, testEnv.QUEUE_PASS_SECRET, { eventId: ev, userId, now });
    expect((await check("a")).ok).toBe(true);
    expect(await check("b")).toEqual({ ok: false, reason: "other_buyer" });
    expect(await check("a", ulid())).toEqual({ ok: false, reason: "other_event" });
    expect(await check("a", eventId, Date.parse(a.passExpiresAt!) + 1)).toEqual({ ok: false, reason: "expired" });
  });

  it("counts joins and admissions in the business metrics (per event)", async () => {
    const { eventId, stub } = await room({ admitPerMinute: 60 });
    for (const id of ["m1", "m2"]) await joined(stub, id);
    await tick(stub);
    await elapse(stub, 1_000);
    await tick(stub);
    const recorded = (testEnv as unknown as { DEV_METRICS: MetricsReader }).DEV_METRICS;
    const points = async () => (await recorded.points({ subject: eventId, since: 0 })).map((p) => `${p.name}:${p.label}:${p.value}`);
    await vi.waitFor(async () => expect((await points()).sort()).toEqual(["waiting_room_admitted:1:1", "waiting_room_joined:waiting:1", "waiting_room_joined:waiting:1"]));
  });

  it("frees the place when a pass expires unused", async () => {
    const { stub } = await room({ on: false });
    await joined(stub, "a");
    await sql(stub, "UPDATE waiters SET pass_expires_at = ? WHERE user_id = 'a'", Date.now() - 1);
    expect(await stub.status("a")).toBeNull();
    await tick(stub);
    expect((await stub.stats()).expired).toBe(1);
    expect((await joined(stub, "a")).rejoined).toBe(false);
  });

  it("slows down, then stops, while tickets pile up in unpaid holds", async () => {
    expect([slowdown(0, 60), slowdown(299, 60), slowdown(300, 60), slowdown(600, 60)]).toEqual([1, 1, 0.5, 0]);
    const { eventId: inventoryEvent, stub: stock, tt } = await configuredInventory([{ quantity: 1000, maxPerOrder: 100 }]);
    for (let i = 0; i < 6; i++) {
      const res = await stock.hold({ orderId: `o${i}`, eventId: inventoryEvent, buyerId: `hb${i}`, items: [{ ticketTypeId: tt[0], quantity: 100 }], ttlSeconds: 600 });
      expect(res.ok).toBe(true);
    }
    const { stub } = await room({ eventId: inventoryEvent, admitPerMinute: 60 });
    for (let i = 0; i < 5; i++) await joined(stub, `w${i}`);
    await tick(stub);
    for (let t = 0; t < 5; t++) {
      await elapse(stub, 1_000);
      await tick(stub);
    }
    const stats = await stub.stats();
    expect(stats.heldTickets).toBe(600);
    expect(stats.effectivePerMinute).toBe(0);
    expect(stats.admittedTotal).toBe(0);
    await stock.release("o0");
    await stock.release("o1"); // 400 held: half rate
    await elapse(stub, 4_000);
    await tick(stub);
    expect((await stub.stats()).effectivePerMinute).toBe(30);
    expect((await stub.stats()).admittedTotal).toBe(2);
  });
});

describe("the routes", () => {
  // One admission a minute: nobody is admitted by the room's own alarm while a test runs.
  async function queuedEvent(queue: Record<string, unknown> = { enabled: true, admitPerMinute: 1 }) {
    const org = organizer();
    const { id } = await eventWithTicketType(org, { publish: true });
    const res = await call("PATCH", `/api/events/${id}`, org, { queue });
    expect(res.status).toBe(200);
    return { id, org, event: res.json.event };
  }

  it("lets the organizer switch the room on; only an admin may force it", async () => {
    const { id, org, event } = await queuedEvent({ enabled: true, admitPerMinute: 120 });
    expect(event.queue).toMatchObject({ enabled: true, admitPerMinute: 120, forced: false, active: true });
    expect((await call("PATCH", `/api/events/${id}`, org, { queue: { enabled: false, forced: true } })).status).toBe(403);
    const forced = await call("PATCH", `/api/events/${id}`, admin(), { queue: { enabled: false, forced: true } });
    expect(forced.json.event.queue).toMatchObject({ enabled: false, forced: true, active: true });
    expect((await call("PATCH", `/api/events/${id}`, org, { queue: { enabled: 3 } })).status).toBe(400);
  });

  it("joins, answers the same place again, polls, leaves; strangers see no figures", async () => {
    const { id, org } = await queuedEvent();
    const b1 = buyer();
    const b2 = buyer();
    const first = await call("POST", `/api/events/${id}/queue`, b1);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ state: "waiting", position: 1 });
    expect(first.json.socketToken).toEqual(expect.any(String));
    expect((await call("POST", `/api/events/${id}/queue`, b2)).json.position).toBe(2);
    expect((await call("POST", `/api/events/${id}/queue`, b1)).json.position).toBe(1);
    expect((await call("GET", `/api/events/${id}/queue/me`, b2)).json).toMatchObject({ state: "waiting", position: 2, estimatedWaitSeconds: 120 });
    expect((await call("POST", `/api/events/${id}/queue`, null)).status).toBe(401);
    expect((await call("GET", `/api/events/${id}/queue/me`, buyer())).json.error.code).toBe("not_in_queue");
    const stats = await call("GET", `/api/events/${id}/queue`, org);
    expect(stats.json).toMatchObject({ on: true, waiting: 2, admitPerMinute: 1 });
    expect((await call("GET", `/api/events/${id}/queue`, organizer())).status).toBe(404);
    expect((await call("GET", `/api/events/${id}/queue`, b1)).status).toBe(403);
    expect((await call("DELETE", `/api/events/${id}/queue`, b1)).status).toBe(204);
    expect((await call("GET", `/api/events/${id}/queue/me`, b2)).json.position).toBe(1);
  });

  it("refuses joining a draft (404) and pushes the room on to the inventory snapshot", async () => {
    const org = organizer();
    const { id: draft } = await eventWithTicketType(org);
    expect((await call("POST", `/api/events/${draft}/queue`, buyer())).status).toBe(404);
    const { id } = await queuedEvent();
    const [q] = await runInDurableObject(testEnv.INVENTORY.get(testEnv.INVENTORY.idFromName(id)), (_: unknown, state: DurableObjectState) =>
      state.storage.sql.exec("SELECT configured_on FROM queue").toArray(),
    );
    expect(q).toEqual({ configured_on: 1 });
  });

  it("tells the same place over the WebSocket as by polling, and pushes admission", async () => {
    const { id } = await queuedEvent();
    const [b1, b2] = [buyer(), buyer()];
    await call("POST", `/api/events/${id}/queue`, b1);
    const joinedB2 = await call("POST", `/api/events/${id}/queue`, b2);
    const res = await (exports as unknown as { default: Fetcher }).default.fetch(
      `http://events.internal/api/events/${id}/queue/ws?token=${encodeURIComponent(joinedB2.json.socketToken)}`,
      { headers: { upgrade: "websocket" } },
    );
    expect(res.status).toBe(101);
    const ws = res.webSocket!;
    const messages: any[] = [];
    const pushed = (pred: (m: any) => boolean) => vi.waitFor(() => {
      const found = messages.find(pred);
      if (!found) throw new Error(`not pushed yet; got ${JSON.stringify(messages)}`);
      return found;
    }, { timeout: 5_000 });
    ws.addEventListener("message", (e) => messages.push(JSON.parse(e.data as string)));
    ws.accept();
    const { type, ...first } = await pushed(() => true);
    expect(type).toBe("status");
    expect(first).toEqual((await call("GET", `/api/events/${id}/queue/me`, b2)).json);
    expect(first.position).toBe(2);
    // b1 leaves: the socket hears b2 move up, as polling does.
    await call("DELETE", `/api/events/${id}/queue`, b1);
    const movedUp = await pushed((m) => m.position === 1);
    const { type: _t, ...polled } = movedUp;
    expect(polled).toEqual((await call("GET", `/api/events/${id}/queue/me`, b2)).json);
    // Admitted: the socket carries the same pass polling gets.
    const stub = roomOf(id);
    await tick(stub);
    await elapse(stub, 60_000);
    await tick(stub);
    const admitted = await pushed((m) => m.state === "admitted");
    expect(admitted.pass).toEqual((await call("GET", `/api/events/${id}/queue/me`, b2)).json.pass);
    ws.close();
  });

  it("refuses a socket without a valid token", async () => {
    const { id } = await queuedEvent();
    const res = await (exports as unknown as { default: Fetcher }).default.fetch(`http://events.internal/api/events/${id}/queue/ws?token=qp1.e30.xx`, {
      headers: { upgrade: "websocket" },
    });
    expect(res.status).toBe(401);
  });
});

describe("automatic switch-on", () => {
  it("switches the room on when checkout attempts pass the event's threshold", async () => {
    const org = organizer();
    const { id, ttId } = await eventWithTicketType(org, { publish: true, ticketType: { quantity: 1000 } });
    const patched = await call("PATCH", `/api/events/${id}`, org, { queue: { enabled: false, autoThresholdPerMinute: 3 } });
    expect(patched.json.event.queue.active).toBe(false);
    const stock = testEnv.INVENTORY.get(testEnv.INVENTORY.idFromName(id));
    const attempt = (i: number) =>
      stock.hold({ orderId: `auto-${i}`, eventId: id, buyerId: `ab${i}`, items: [{ ticketTypeId: ttId, quantity: 1 }], ttlSeconds: 600, queueAdmitted: false });
    for (let i = 0; i < 3; i++) expect((await attempt(i)).ok).toBe(true);
    const fourth = await attempt(3);
    expect(fourth).toMatchObject({ ok: false, code: "queue_required" });
    // A late payment's re-hold (no queueAdmitted) is never held back.
    expect((await stock.hold({ orderId: "late", eventId: id, buyerId: "x", items: [{ ticketTypeId: ttId, quantity: 1 }], ttlSeconds: 60 })).ok).toBe(true);
    // The room object and the event row are told right after (off the checkout's path).
    await vi.waitFor(async () => {
      const event = await call("GET", `/api/events/${id}`, null);
      expect(event.json.event.queue).toMatchObject({ active: true, autoEnabledAt: expect.any(String) });
      expect((await roomOf(id).stats()).on).toBe(true);
    });
  });
});

