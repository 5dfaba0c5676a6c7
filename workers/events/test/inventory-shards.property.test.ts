import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ulid } from "ulid";
import type { CensusRow, HoldResult, InventoryConfig } from "../../../durable-objects/event-inventory";
import { coordinatorOf, inventoryFor, shardIndexOf, shardOf, type InventoryNamespace } from "../../../durable-objects/inventory/shards";
import { backdate, holdRequest, mergeItems, testEnv, type Stub } from "./helpers";

/**
 * A sharded event (stock split over SHARDS objects, durable-objects/README.md): batches of
 * concurrent holds, releases, commits, expiries, restocks and rebalances, each batch sent at once
 * through the same router the orders worker uses. After every batch, per ticket type:
 * sold + held + available = quantity (read exactly from every shard), the stock identity
 * pool + in transit + Σ shard quantity = quantity, held/sold equal what the answers imply, and no
 * buyer owns more than the per-buyer limit. At the end every hold ends, and fresh buyers can buy
 * exactly quantity − sold, even all at once: nothing is stranded on a shard they are not routed to.
 */

const SHARDS = 3;
const QUANTITY = [9, 5];
const MAX_PER_ORDER = [3, 2];
const BUYERS = 6;
const DAY = 24 * 60 * 60 * 1000;

const ns = testEnv.INVENTORY as unknown as InventoryNamespace;

type Status = "active" | "sold" | "released" | "expired";
type Order = { id: string; buyer: number; items: Map<number, number>; status: Status; restocked: boolean };

type Op =
  | { kind: "hold"; buyer: number; items: Array<{ tt: number; qty: number }> }
  | { kind: "release" | "commit" | "expire" | "restock"; pick: number }
  | { kind: "rebalance" };

const item = fc.record({ tt: fc.integer({ min: 0, max: 1 }), qty: fc.integer({ min: 1, max: 3 }) });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("hold" as const), buyer: fc.integer({ min: 0, max: BUYERS - 1 }), items: fc.array(item, { minLength: 1, maxLength: 2 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("release" as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("commit" as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("expire" as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("restock" as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ kind: "rebalance" as const }) },
);

/** The event's configuration at `revision`, with `quantities` per ticket type. */
function config(eventId: string, tt: string[], revision: number, quantities = QUANTITY): InventoryConfig {
  return {
    eventId,
    revision,
    status: "published",
    startsAt: Date.now() + 30 * DAY,
    endsAt: Date.now() + 31 * DAY,
    ticketTypes: quantities.map((quantity, i) => ({ id: tt[i], name: `Type ${i}`, priceVnd: 100_000, quantity, maxPerOrder: MAX_PER_ORDER[i], salesStartAt: null, salesEndAt: null })),
  };
}

async function shardedEvent(shards = SHARDS) {
  const eventId = ulid();
  const tt = QUANTITY.map((_, i) => `tt-${i}-${ulid()}`);
  const coordinator = coordinatorOf(ns, eventId);
  const res = await coordinator.configure({ ...config(eventId, tt, 1), shards });
  if (!res.ok) throw new Error(`configure failed: ${res.code}`);
  return { eventId, tt, coordinator };
}

function owned(orders: Order[], buyer: number, t: number) {
  return orders.filter((o) => o.buyer === buyer && (o.status === "active" || (o.status === "sold" && !o.restocked))).reduce((s, o) => s + (o.items.get(t) ?? 0), 0);
}

function expectConsistent(census: CensusRow[], orders: Order[]) {
  census.forEach((row, t) => {
    expect(row.held + row.sold + row.available).toBe(row.quantity);
    expect(row.pool + row.inTransit + row.shardQuantity.reduce((a, b) => a + b, 0)).toBe(row.quantity);
    expect(Math.min(row.held, row.sold, row.available, row.pool)).toBeGreaterThanOrEqual(0);
    const held = orders.filter((o) => o.status === "active").reduce((s, o) => s + (o.items.get(t) ?? 0), 0);
    const sold = orders.filter((o) => o.status === "sold" && !o.restocked).reduce((s, o) => s + (o.items.get(t) ?? 0), 0);
    expect({ held: row.held, sold: row.sold }).toEqual({ held, sold });
  });
  for (let b = 0; b < BUYERS; b++) MAX_PER_ORDER.forEach((max, t) => expect(owned(orders, b, t)).toBeLessThanOrEqual(max));
}

describe("sharded inventory property: concurrent operations across shards", () => {
  it("never oversells, keeps per-buyer limits exact and never strands stock", { timeout: 240_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(op, { minLength: 1, maxLength: 6 }), { minLength: 3, maxLength: 10 }), async (batches) => {
        const { eventId, tt, coordinator } = await shardedEvent();
        const orders: Order[] = [];
        const route = (buyer: number) => inventoryFor(ns, eventId, `buyer-${buyer}`);
        const shardStub = (buyer: number) => shardOf(ns, eventId, shardIndexOf(`buyer-${buyer}`, SHARDS)) as unknown as Stub;
        let next = 0;

        for (const batch of batches) {
          const touched = new Set<Order>();
          // Each existing order is touched at most once per batch, so every answer is predictable.
          const pick = (n: number, ok: (o: Order) => boolean) => {
            const pool = orders.filter((o) => ok(o) && !touched.has(o));
            const o = pool.length ? pool[n % pool.length] : null;
            if (o) touched.add(o);
            return o;
          };
          const calls = batch.map(async (c) => {
            if (c.kind === "hold") {
              const id = `order-${next++}`;
              const res = (await route(c.buyer).hold(holdRequest(id, eventId, c.buyer, c.items, tt))) as HoldResult;
              if (res.ok) orders.push({ id, buyer: c.buyer, items: mergeItems(c.items), status: "active", restocked: false });
              else expect(["sold_out", "limit_exceeded"]).toContain(res.code);
            } else if (c.kind === "release") {
              const o = pick(c.pick, () => true);
              if (!o) return;
              const { released } = await route(o.buyer).release(o.id);
              expect(released).toBe(o.status === "active");
              if (released) o.status = "released";
            } else if (c.kind === "commit") {
              const o = pick(c.pick, () => true);
              if (!o) return;
              const res = await route(o.buyer).commit(o.id);
              expect(res.ok).toBe(o.status === "active" || o.status === "sold");
              if (res.ok) o.status = "sold";
            } else if (c.kind === "expire") {
              const o = pick(c.pick, (x) => x.status === "active");
              if (!o) return;
              await backdate(shardStub(o.buyer), o.id);
              o.status = "expired";
            } else if (c.kind === "restock") {
              const o = pick(c.pick, () => true);
              if (!o) return;
              const { restocked } = await route(o.buyer).restock(o.id);
              const expected = o.status === "sold" && !o.restocked ? [...o.items.values()].reduce((a, b) => a + b, 0) : 0;
              expect(restocked).toBe(expected);
              if (restocked) o.restocked = true;
            } else {
              await coordinator.rebalance();
            }
          });
          await Promise.all(calls);
          expectConsistent(await coordinator.census(), orders);
        }

        // Every hold ends: stock comes back, whatever shard it was on.
        await Promise.all(orders.filter((o) => o.status === "active").map(async (o) => {
          expect(await route(o.buyer).release(o.id)).toEqual({ released: true });
          o.status = "released";
        }));
        const census = await coordinator.census();
        expectConsistent(census, orders);
        census.forEach((row) => expect(row.available).toBe(row.quantity - row.sold));

        // More fresh buyers than tickets, all at once, get exactly what is left: a dry shard pulls
        // from the others, so nobody is refused while a ticket sits idle on another shard.
        const answers = await Promise.all(
          census.flatMap((row, t) =>
            Array.from({ length: row.available + 3 }, (_, i) => {
              const buyerId = `late-${t}-${i}`;
              return inventoryFor(ns, eventId, buyerId).hold({ orderId: buyerId, eventId, buyerId, ttlSeconds: 600, items: [{ ticketTypeId: tt[t], quantity: 1 }] });
            }),
          ),
        );
        const refused = answers.filter((a) => !a.ok);
        expect(refused.every((a) => !a.ok && a.code === "sold_out")).toBe(true);
        expect(answers.length - refused.length).toBe(census.reduce((sum, row) => sum + row.available, 0));
        (await coordinator.census()).forEach((row) => expect(row.available).toBe(0));
      }),
      { numRuns: 25 },
    );
  });
});

describe("sharded inventory", () => {
  it("splits a published event past the threshold over shards; the router sends a buyer always to one shard", async () => {
    const { eventId, coordinator } = await shardedEvent(4);
    expect(await coordinator.route(eventId)).toEqual({ shards: 4, fixed: true });
    const census = await coordinator.census();
    // Half the stock handed out evenly at first, the rest in the pool for refills.
    expect(census[0].shardQuantity).toEqual([1, 1, 1, 1]);
    expect(census[0].pool).toBe(5);
  });

  it("a hold that reaches the coordinator (a router that looked before sharding) is forwarded to the buyer's shard", async () => {
    const { eventId, tt, coordinator } = await shardedEvent();
    const res = await coordinator.hold({ orderId: "o-1", eventId, buyerId: "buyer-x", ttlSeconds: 600, items: [{ ticketTypeId: tt[0], quantity: 2 }] });
    expect(res.ok).toBe(true);
    const shard = shardOf(ns, eventId, shardIndexOf("buyer-x", SHARDS));
    expect((await shard.availability())[0].held).toBe(2);
    expect(await coordinator.commit("o-1")).toEqual({ ok: true, alreadyCommitted: false });
  });

  it("lowering a quantity pulls idle stock back from the shards; below held + sold it is refused", async () => {
    const { eventId, tt, coordinator } = await shardedEvent();
    const buy = (buyer: string, quantity: number) =>
      inventoryFor(ns, eventId, buyer).hold({ orderId: `o-${buyer}`, eventId, buyerId: buyer, ttlSeconds: 600, items: [{ ticketTypeId: tt[0], quantity }] });
    expect((await buy("a", 3)).ok).toBe(true);
    expect((await buy("b", 3)).ok).toBe(true);
    const to = (q: number, revision: number) => config(eventId, tt, revision, [q, QUANTITY[1]]);
    const refused = await coordinator.configure(to(5, 2), { baseRevision: 1 });
    expect(refused).toMatchObject({ ok: false, code: "quantity_below_sold_or_held" });
    expect((await coordinator.configure(to(6, 2), { baseRevision: 1 })).ok).toBe(true);
    const [row] = await coordinator.census();
    expect(row).toMatchObject({ quantity: 6, held: 6, available: 0 });
    expect((await buy("c", 1)).ok).toBe(false);
  });

  it("cancelling the event releases the active holds of every shard", async () => {
    const { eventId, tt, coordinator } = await shardedEvent();
    const held = [];
    for (const buyer of ["a", "b", "c", "d", "e"]) {
      const res = await inventoryFor(ns, eventId, buyer).hold({ orderId: `o-${buyer}`, eventId, buyerId: buyer, ttlSeconds: 600, items: [{ ticketTypeId: tt[1], quantity: 1 }] });
      if (res.ok) held.push(`o-${buyer}`);
    }
    const { releasedOrderIds } = await coordinator.cancel(eventId);
    expect(releasedOrderIds.sort()).toEqual(held.sort());
    const late = await inventoryFor(ns, eventId, "f").hold({ orderId: "o-f", eventId, buyerId: "f", ttlSeconds: 600, items: [{ ticketTypeId: tt[0], quantity: 1 }] });
    expect(late).toMatchObject({ ok: false, code: "not_on_sale" });
  });
});
