import { describe, expect, it } from "vitest";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { ulid } from "ulid";
import type { EventInventory, HoldResult } from "../../../durable-objects/event-inventory";
import {
  backdate,
  configuredInventory,
  failingInbox,
  fireAlarm,
  interceptInbox,
  inventory,
  peek,
  recordingInbox,
  testEnv,
  type Stub,
} from "./helpers";

const hold = (stub: Stub, eventId: string, ttId: string, quantity = 1, buyerId = ulid(), orderId = ulid(), ttlSeconds = 900) =>
  stub.hold({ orderId, eventId, buyerId, items: [{ ticketTypeId: ttId, quantity }], ttlSeconds }) as Promise<HoldResult>;

async function expectConsistent(stub: Stub) {
  for (const row of await stub.audit()) {
    expect(row.held + row.sold).toBeLessThanOrEqual(row.quantity);
    expect(row.held).toBeGreaterThanOrEqual(0);
    expect(row.sold).toBeGreaterThanOrEqual(0);
    expect(row.held).toBe(row.heldFromHolds);
    expect(row.sold).toBe(row.soldFromHolds);
  }
}

describe("EventInventory: no oversell under concurrency", () => {
  it("holds exactly the stock when hundreds of buyers race for less", async () => {
    const { stub, eventId, tt } = await configuredInventory([{ quantity: 100 }]);
    const results = await Promise.all(Array.from({ length: 300 }, () => hold(stub, eventId, tt[0])));
    const ok = results.filter((r) => r.ok);
    const soldOut = results.filter((r) => !r.ok && r.code === "sold_out");
    expect(ok).toHaveLength(100);
    expect(soldOut).toHaveLength(200);
    expect(await stub.availability()).toEqual([{ ticketTypeId: tt[0], quantity: 100, held: 100, sold: 0, available: 0 }]);
    await expectConsistent(stub);
  });

  it("is all-or-nothing across an order's items", async () => {
    const { stub, eventId, tt } = await configuredInventory([{ quantity: 5 }, { quantity: 100 }]);
    const results = await Promise.all(
      Array.from(
        { length: 40 },
        () =>
          stub.hold({ orderId: ulid(), eventId, buyerId: ulid(), ttlSeconds: 900, items: [{ ticketTypeId: tt[0], quantity: 1 }, { ticketTypeId: tt[1], quantity: 2 }] }) as Promise<HoldResult>,
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    const [a, b] = await stub.availability();
    expect(a.held).toBe(5);
    expect(b.held).toBe(10); // nothing of the second type stayed held for the 35 refused orders
    const refused = results.find((r) => !r.ok) as Extract<HoldResult, { ok: false }>;
    expect(refused.code).toBe("sold_out");
    expect(refused.details).toEqual({ items: [{ ticketTypeId: tt[0], requested: 1, available: 0 }] });
    await expectConsistent(stub);
  });

  it("prices the hold from the ticket types and totals it", async () => {
    const { stub, eventId, tt } = await configuredInventory([{ priceVnd: 500_000 }, { priceVnd: 1_500_000, name: "VIP" }]);
    const res = await stub.hold({ orderId: "o-price", eventId, buyerId: "b", ttlSeconds: 60, items: [{ ticketTypeId: tt[0], quantity: 2 }, { ticketTypeId: tt[1], quantity: 1 }] });
    expect(res).toMatchObject({
      ok: true,
      orderId: "o-price",
      totalVnd: 2_500_000,
      alreadyHeld: false,
      items: [
        { ticketTypeId: tt[0], quantity: 2, unitPriceVnd: 500_000, name: "Type 0" },
        { ticketTypeId: tt[1], quantity: 1, unitPriceVnd: 1_500_000, name: "VIP" },
      ],
    });
    const expires = Date.parse((res as { expiresAt: string }).expiresAt);
    expect(expires).toBeGreaterThan(Date.now() + 50_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 61_000);
  });
});

describe("EventInventory: idempotency", () => {
  it("answers the same hold again for the same orderId, even when sent in parallel", async () => {
    const { stub, eventId, tt } = await configuredInventory([{ quantity: 10 }]);
    const results = await Promise.all(Array.from({ length: 50 }, () => hold(stub, eventId, tt[0], 2, "buyer-1", "order-1")));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.filter((r) => r.ok && !r.alreadyHeld)).toHaveLength(1);
    expect(new Set(results.map((r) => (r as { expiresAt: string }).expiresAt)).size).toBe(1);
    expect((await stub.availability())[0].held).toBe(2);
  });

  it("keeps answering a committed order as held, and re-holds a released one", async () => {
    const { stub, eventId, tt } = await configuredInventory([{ quantity: 10 }]);
    await hold(stub, eventId, tt[0], 2, "b1", "o1");
    expect(await stub.commit("o1")).toEqual({ ok: true, alreadyCommitted: false });
    expect(await hold(stub, eventId, tt[0], 2, "b1", "o1")).toMatchObject({ ok: true, alreadyHeld: true });
    await hold(stub, eventId, tt[0], 3, "b2", "o2");
    expect(await stub.release("o2")).toEqual({ released: true });
    const again = await hold(stub, eventId, tt[0], 3, "b2", "o2");
    expect(again).toMatchObject({ ok: true, alreadyHeld: false });
    expect((await stub.availability())[0]).toMatchObject({ held: 3, sold: 2, available: 5 });
    await expectConsistent(stub);
  });

  it("release is idempotent and never touches sold tickets", async () => {
    const { stub, eventId, tt } = await configuredInventory();
    await hold(stub, eventId, tt[0], 2, "b", "o1");
    expect(await Promise.all([stub.release("o1"), stub.release("o1")])).toEqual(
      expect.arrayContaining([{ released: true }, { released: false }]),
    );
    expect(await stub.release("o1")).toEqual({ released: false });
    expect(await stub.release("never-held")).toEqual({ released: false });
    await hold(stub, eventId, tt[0], 1, "b", "o2");
    await stub.commit("o2");
    expect(await stub.release("o2")).toEqual({ released: false });
    expect((await stub.availability())[0]).toMatchObject({ held: 0, sold: 1, available: 9 });
  });

  it("commit is idempotent and refuses released, unknown and expired holds", async () => {
    const { stub, eventId, tt } = await configuredInventory();
    await hold(stub, eventId, tt[0], 2, "b", "o1");
    const [first, second] = await Promise.all([stub.commit("o1"), stub.commit("o1")]);
    expect([first, second]).toEqual(expect.arrayContaining([{ ok: true, alreadyCommitted: false }, { ok: true, alreadyCommitted: true }]));
    expect(await stub.commit("nope")).toEqual({ ok: false, code: "hold_not_found" });
    await hold(stub, eventId, tt[0], 1, "b2", "o2");
    await stub.release("o2");
    expect(await stub.commit("o2")).toEqual({ ok: false, code: "hold_not_found" });
    await hold(stub, eventId, tt[0], 1, "b3", "o3");
    await backdate(stub, "o3");
    expect(await stub.commit("o3")).toEqual({ ok: false, code: "hold_expired" });
    expect((await stub.availability())[0]).toMatchObject({ held: 0, sold: 2 });
    await expectConsistent(stub);
  });
});

describe("EventInventory: expiry", () => {
  it("expires an unpaid hold by alarm and tells orders (HoldExpired)", async () => {
    const { stub, eventId, tt } = await configuredInventory([{ quantity: 3 }]);
    const sent = await interceptInbox(stub, recordingInbox);
    await hold(stub, eventId, tt[0], 3, "b", "o-exp");
    await backdate(stub, "o-exp");
    expect(await fireAlarm(stub)).toBe(true);
    expect(sent).toEqual([expect.objectContaining({ type: "HoldExpired", payload: { orderId: "o-exp", eventId }, correlationId: "o-exp" })]);
    expect(await peek(stub, "SELECT status FROM holds WHERE order_id = 'o-exp'")).toEqual([{ status: "expired" }]);
    expect((await stub.availability())[0]).toMatchObject({ held: 0, available: 3 });
    expect(await peek(stub, "SELECT * FROM notices")).toEqual([]);
    // A late payment re-holds with the same orderId while stock remains.
    expect(await hold(stub, eventId, tt[0], 3, "b", "o-exp")).toMatchObject({ ok: true, alreadyHeld: false });
  });

  it("expires holds on time with no request arriving", async () => {
    const { stub, eventId, tt } = await configuredInventory();
    await hold(stub, eventId, tt[0], 1, "b", "o-timed", 1);
    const deadline = Date.now() + 5_000;
    let status = "active";
    while (status === "active" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      status = (await peek<{ status: string }>(stub, "SELECT status FROM holds WHERE order_id = 'o-timed'"))[0].status;
    }
    expect(status).toBe("expired");
  });

  it("ignores expired holds at hold time, so a late alarm never blocks a sale", async () => {
    const { stub, eventId, tt } = await configuredInventory([{ quantity: 2 }]);
    const sent = await interceptInbox(stub, recordingInbox);
    await hold(stub, eventId, tt[0], 2, "b1", "o-late");
    expect(await hold(stub, eventId, tt[0], 1, "b2")).toMatchObject({ ok: false, code: "sold_out" });
    await backdate(stub, "o-late"); // its alarm has not run
    expect(await hold(stub, eventId, tt[0], 2, "b2", "o-next")).toMatchObject({ ok: true });
    expect(await stub.commit("o-late")).toEqual({ ok: false, code: "hold_expired" });
    // The expiry is still announced, by the next alarm.
    await fireAlarm(stub);
    expect(sent).toEqual([expect.objectContaining({ type: "HoldExpired", payload: { orderId: "o-late", eventId } })]);
    await expectConsistent(stub);
  });

  it("keeps an expiry whose HoldExpired could not be sent and retries it", async () => {
    const { stub, eventId, tt } = await configuredInventory();
    await interceptInbox(stub, failingInbox);
    await hold(stub, eventId, tt[0], 1, "b", "o-retry");
    await backdate(stub, "o-retry");
    await fireAlarm(stub);
    expect(await peek(stub, "SELECT order_id, attempts FROM notices")).toEqual([{ order_id: "o-retry", attempts: 1 }]);
    expect((await stub.availability())[0].held).toBe(0); // the stock is back regardless
    const [{ alarm }] = await runInDurableObject(stub, async (_: EventInventory, state) => [{ alarm: await state.storage.getAlarm() }]);
    expect(alarm).not.toBeNull(); // a retry is scheduled
    await runInDurableObject(stub, (_: EventInventory, state) => {
      state.storage.sql.exec("UPDATE notices SET next_attempt_at = 0");
    });
    const sent = await interceptInbox(stub, recordingInbox);
    await fireAlarm(stub);
    expect(sent).toEqual([expect.objectContaining({ type: "HoldExpired", payload: { orderId: "o-retry", eventId } })]);
    expect(await peek(stub, "SELECT * FROM notices")).toEqual([]);
  });
});

describe("EventInventory: durability", () => {
  it("keeps holds, sales and configuration across eviction", async () => {
    const { stub, eventId, tt } = await configuredInventory([{ quantity: 5, maxPerOrder: 5 }]);
    const first = await hold(stub, eventId, tt[0], 2, "b1", "o1");
    await hold(stub, eventId, tt[0], 1, "b2", "o2");
    await stub.commit("o2");
    await evictDurableObject(stub);
    const fresh = inventory(eventId);
    expect(await fresh.availability()).toEqual([{ ticketTypeId: tt[0], quantity: 5, held: 2, sold: 1, available: 2 }]);
    expect(await fresh.hold({ orderId: "o1", eventId, buyerId: "b1", items: [{ ticketTypeId: tt[0], quantity: 2 }], ttlSeconds: 900 })).toEqual({
      ...first,
      alreadyHeld: true,
    });
    expect(await fresh.commit("o1")).toEqual({ ok: true, alreadyCommitted: false });
    expect(await fresh.commit("o2")).toEqual({ ok: true, alreadyCommitted: true });
    await expectConsistent(fresh);
  });

  it("bootstraps its ticket types from the events database when it has none", async () => {
    const eventId = ulid();
    const now = Date.now();
    await testEnv.DB.batch([
      testEnv.DB.prepare(
        "INSERT INTO events (id, organizer_id, title, venue, starts_at, ends_at, status, revision, created_at, updated_at) VALUES (?, 'org', 'Boot', 'Hall', ?, ?, 'published', 3, ?, ?)",
      ).bind(eventId, now + 86_400_000, now + 90_000_000, now, now),
      testEnv.DB.prepare(
        "INSERT INTO ticket_types (id, event_id, name, price_vnd, quantity, max_per_order, created_at, updated_at) VALUES ('boot-tt', ?, 'GA', 200000, 7, 3, ?, ?)",
      ).bind(eventId, now, now),
    ]);
    const stub = inventory(eventId);
    expect(await hold(stub, eventId, "boot-tt", 3, "b")).toMatchObject({ ok: true, totalVnd: 600_000 });
    expect(await hold(stub, eventId, "boot-tt", 1, "b")).toMatchObject({ ok: false, code: "limit_exceeded" });
    expect(await stub.availability()).toEqual([{ ticketTypeId: "boot-tt", quantity: 7, held: 3, sold: 0, available: 4 }]);
  });

  it("answers not_on_sale for an event it cannot find", async () => {
    const eventId = ulid();
    expect(await hold(inventory(eventId), eventId, "x")).toMatchObject({ ok: false, code: "not_on_sale" });
  });
});

describe("EventInventory: rules", () => {
  it("caps each buyer at maxPerOrder across concurrent orders, holds and purchases", async () => {
    const { stub, eventId, tt } = await configuredInventory([{ quantity: 100, maxPerOrder: 4 }]);
    const results = await Promise.all(Array.from({ length: 10 }, () => hold(stub, eventId, tt[0], 1, "greedy")));
    expect(results.filter((r) => r.ok)).toHaveLength(4);
    expect(results.filter((r) => !r.ok && r.code === "limit_exceeded")).toHaveLength(6);
    const ok = results.filter((r): r is Extract<HoldResult, { ok: true }> => r.ok);
    await stub.commit(ok[0].orderId);
    await stub.release(ok[1].orderId);
    expect(await hold(stub, eventId, tt[0], 2, "greedy")).toMatchObject({ ok: false, code: "limit_exceeded", details: { limit: 4, alreadyHeldOrBought: 3 } });
    expect(await hold(stub, eventId, tt[0], 1, "greedy")).toMatchObject({ ok: true });
    expect(await hold(stub, eventId, tt[0], 5, "someone-else")).toMatchObject({ ok: false, code: "limit_exceeded", details: { limit: 4, alreadyHeldOrBought: 0 } });
    // A refund gives the buyer room again.
    await stub.restock(ok[0].orderId);
    expect(await hold(stub, eventId, tt[0], 1, "greedy")).toMatchObject({ ok: true });
    await expectConsistent(stub);
  });

  it("merges duplicate items of one ticket type before checking limits", async () => {
    const { stub, eventId, tt } = await configuredInventory([{ maxPerOrder: 3 }]);
    const res = await stub.hold({ orderId: ulid(), eventId, buyerId: "b", ttlSeconds: 60, items: [{ ticketTypeId: tt[0], quantity: 2 }, { ticketTypeId: tt[0], quantity: 2 }] });
    expect(res).toMatchObject({ ok: false, code: "limit_exceeded" });
  });

  it("sells only inside the sales window and before the event ends", async () => {
    const hour = 3_600_000;
    const { stub, eventId, tt } = await configuredInventory([
      { salesStartAt: Date.now() + hour },
      { salesStartAt: Date.now() - 2 * hour, salesEndAt: Date.now() - hour },
      { salesStartAt: Date.now() - hour, salesEndAt: Date.now() + hour },
    ]);
    expect(await hold(stub, eventId, tt[0])).toMatchObject({ ok: false, code: "sales_closed", details: { ticketTypeId: tt[0] } });
    expect(await hold(stub, eventId, tt[1])).toMatchObject({ ok: false, code: "sales_closed", details: { ticketTypeId: tt[1] } });
    expect(await hold(stub, eventId, tt[2])).toMatchObject({ ok: true });
    const ended = await configuredInventory([{}], { endsAt: Date.now() - 1 });
    expect(await hold(ended.stub, ended.eventId, ended.tt[0])).toMatchObject({ ok: false, code: "sales_closed" });
  });

  it("refuses drafts and unknown ticket types", async () => {
    const draft = await configuredInventory([{}], { status: "draft" });
    expect(await hold(draft.stub, draft.eventId, draft.tt[0])).toMatchObject({ ok: false, code: "not_on_sale" });
    const { stub, eventId, tt } = await configuredInventory();
    const res = await stub.hold({ orderId: ulid(), eventId, buyerId: "b", ttlSeconds: 60, items: [{ ticketTypeId: tt[0], quantity: 1 }, { ticketTypeId: "nope", quantity: 1 }] });
    expect(res).toMatchObject({ ok: false, code: "unknown_ticket_type", details: { ticketTypeIds: ["nope"] } });
    expect((await stub.availability())[0].held).toBe(0);
  });

  it("refuses malformed hold requests outright", async () => {
    const { stub, eventId, tt } = await configuredInventory();
    // Called in the object itself: a bad request is a caller's bug, so it throws rather than answers.
    await runInDurableObject(stub, async (instance: EventInventory) => {
      const base = { orderId: "o", eventId, buyerId: "b", ttlSeconds: 60 };
      await expect(instance.hold({ ...base, items: [{ ticketTypeId: tt[0], quantity: 0 }] })).rejects.toThrow(/positive integer/);
      await expect(instance.hold({ ...base, items: [{ ticketTypeId: tt[0], quantity: 1.5 }] })).rejects.toThrow(/positive integer/);
      await expect(instance.hold({ ...base, items: [] })).rejects.toThrow(/at least one item/);
      await expect(instance.hold({ ...base, ttlSeconds: 0, items: [{ ticketTypeId: tt[0], quantity: 1 }] })).rejects.toThrow(/ttlSeconds/);
    });
    expect((await stub.availability())[0].held).toBe(0);
  });

  it("restocks refunded tickets once per order, fully or partially", async () => {
    const { stub, eventId, tt } = await configuredInventory([{ quantity: 10 }, { quantity: 10 }]);
    await stub.hold({ orderId: "full", eventId, buyerId: "b1", ttlSeconds: 60, items: [{ ticketTypeId: tt[0], quantity: 3 }, { ticketTypeId: tt[1], quantity: 2 }] });
    await stub.hold({ orderId: "part", eventId, buyerId: "b2", ttlSeconds: 60, items: [{ ticketTypeId: tt[0], quantity: 4 }] });
    await stub.hold({ orderId: "unpaid", eventId, buyerId: "b3", ttlSeconds: 60, items: [{ ticketTypeId: tt[0], quantity: 1 }] });
    await stub.commit("full");
    await stub.commit("part");
    expect(await stub.restock("unpaid")).toEqual({ restocked: 0 });
    expect(await stub.restock("full")).toEqual({ restocked: 5 });
    expect(await stub.restock("full")).toEqual({ restocked: 0 });
    expect(await stub.restock("part", [{ ticketTypeId: tt[0], quantity: 1 }])).toEqual({ restocked: 1 });
    expect(await stub.restock("part")).toEqual({ restocked: 0 });
    expect(await stub.availability()).toEqual([
      { ticketTypeId: tt[0], quantity: 10, held: 1, sold: 3, available: 6 },
      { ticketTypeId: tt[1], quantity: 10, held: 0, sold: 0, available: 10 },
    ]);
    await expectConsistent(stub);
  });
});

describe("EventInventory: configuration", () => {
  it("refuses a quantity below what is sold or held, and accepts one at it", async () => {
    const { stub, eventId, tt, cfg } = await configuredInventory([{ quantity: 10 }]);
    await hold(stub, eventId, tt[0], 4, "b1", "o1");
    await hold(stub, eventId, tt[0], 3, "b2", "o2");
    await stub.commit("o2");
    const lower = (quantity: number, revision: number) => ({ ...cfg, revision, ticketTypes: [{ ...cfg.ticketTypes[0], quantity }] });
    expect(await stub.configure(lower(6, 2), { baseRevision: 1 })).toMatchObject({
      ok: false,
      code: "quantity_below_sold_or_held",
      details: [{ ticketTypeId: tt[0], quantity: 6, held: 4, sold: 3 }],
    });
    expect(await stub.configure(lower(7, 2), { baseRevision: 1 })).toMatchObject({ ok: true });
    expect(await hold(stub, eventId, tt[0], 1)).toMatchObject({ ok: false, code: "sold_out" });
    await expectConsistent(stub);
  });

  it("lets only one of two edits built on the same revision through", async () => {
    const { stub, cfg } = await configuredInventory();
    const edit = (quantity: number) => stub.configure({ ...cfg, revision: 2, ticketTypes: [{ ...cfg.ticketTypes[0], quantity }] }, { baseRevision: 1 });
    const results = await Promise.all([edit(20), edit(30)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ code: "revision_conflict", revision: 2 });
  });

  it("publishes availability to the events database within about a second, at most once a second", async () => {
    const { stub, eventId, tt } = await configuredInventory([{ quantity: 50 }]);
    const row = () => testEnv.DB.prepare("SELECT held, sold, version FROM ticket_availability WHERE ticket_type_id = ?").bind(tt[0]).first();
    const published = async (want: { held: number; sold: number }) => {
      const deadline = Date.now() + 3_000;
      while (Date.now() < deadline) {
        const r = await row();
        if (r && r.held === want.held && r.sold === want.sold) return true;
        await new Promise((res) => setTimeout(res, 50));
      }
      return false;
    };
    await hold(stub, eventId, tt[0], 2, "b1", "o1");
    expect(await published({ held: 2, sold: 0 })).toBe(true);
    await hold(stub, eventId, tt[0], 1, "b2", "o2");
    await stub.commit("o1");
    const [{ alarm, flushedAt }] = await runInDurableObject(stub, async (_: EventInventory, state) => [
      { alarm: await state.storage.getAlarm(), flushedAt: state.storage.sql.exec("SELECT flushed_at FROM event").one().flushed_at as number },
    ]);
    expect(alarm).toBeGreaterThanOrEqual(flushedAt + 1_000); // the next write waits out the interval
    expect(await published({ held: 1, sold: 2 })).toBe(true);
    // A stale write (lower version) never overwrites a newer one.
    await testEnv.DB.prepare(
      "INSERT INTO ticket_availability (ticket_type_id, event_id, held, sold, version, updated_at) VALUES (?, ?, 9, 9, 1, 0) ON CONFLICT(ticket_type_id) DO UPDATE SET held = 9 WHERE excluded.version > ticket_availability.version",
    ).bind(tt[0], eventId).run();
    expect(await row()).toMatchObject({ held: 1, sold: 2 });
  });
});
