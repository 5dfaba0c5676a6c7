import { DurableObject } from "cloudflare:workers";
import { ulid } from "ulid";
import { EventInventory, type InventoryEnv } from "../../durable-objects/event-inventory";
import { coordinatorOf, inventoryFor, type InventoryNamespace } from "../../durable-objects/inventory/shards";

export { EventInventory };

/** The floor: an RPC to a Durable Object that does nothing. */
export class NoopObject extends DurableObject {
  async ping(): Promise<number> {
    return 1;
  }
}

type Env = InventoryEnv & {
  INVENTORY: DurableObjectNamespace<EventInventory>;
  NOOP: DurableObjectNamespace<NoopObject>;
};

/** Runs `total` calls of `op` with `concurrency` in flight; returns calls per second. */
async function measure(total: number, concurrency: number, op: (i: number) => Promise<unknown>) {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await op(next++);
    }),
  );
  // performance.now() only advances across I/O in workerd, which every op here does.
  const ms = performance.now() - start;
  return { total, ms: Math.round(ms), perSec: Math.round((total / ms) * 1000) };
}

async function freshInventory(env: Env, quantity: number, shards?: number) {
  const eventId = ulid();
  const stub = env.INVENTORY.get(env.INVENTORY.idFromName(eventId));
  const now = Date.now();
  const res = await stub.configure({
    shards,
    eventId,
    revision: 1,
    status: "published",
    startsAt: now + 30 * 864e5,
    endsAt: now + 31 * 864e5,
    ticketTypes: [{ id: "tt-bench", name: "Bench", priceVnd: 100_000, quantity, maxPerOrder: 10, salesStartAt: null, salesEndAt: null }],
  });
  if (!res.ok) throw new Error(`configure failed: ${JSON.stringify(res)}`);
  return { eventId, stub };
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    const total = Number(url.searchParams.get("n") ?? 2000);
    const concurrency = Number(url.searchParams.get("c") ?? 50);
    const noopStub = env.NOOP.get(env.NOOP.idFromName("noop"));
    await noopStub.ping();

    const noop = await measure(total, concurrency, () => noopStub.ping());

    const h = await freshInventory(env, total * 2);
    const hold = await measure(total, concurrency, (i) =>
      h.stub.hold({ orderId: `o-${i}`, eventId: h.eventId, buyerId: `b-${i}`, items: [{ ticketTypeId: "tt-bench", quantity: 1 }], ttlSeconds: 900 }),
    );

    const c = await freshInventory(env, total * 2);
    const cycle = await measure(total, concurrency, async (i) => {
      const held = await c.stub.hold({ orderId: `o-${i}`, eventId: c.eventId, buyerId: `b-${i}`, items: [{ ticketTypeId: "tt-bench", quantity: 1 }], ttlSeconds: 900 });
      if (!held.ok) throw new Error(`hold failed: ${JSON.stringify(held)}`);
      const done = await c.stub.commit(`o-${i}`);
      if (!done.ok) throw new Error(`commit failed: ${JSON.stringify(done)}`);
    });

    const [holdState] = await h.stub.availability();
    const [cycleState] = await c.stub.availability();

    // The same holds through the orders worker's router, the stock split over 1, 2 and 4 shards.
    // Ample: twice the stock needed (few refills). Tail (4 shards): exactly the stock needed, so
    // shards run dry, ask the coordinator for more and pull from each other until all is sold.
    const ns = env.INVENTORY as unknown as InventoryNamespace;
    const routed = async (shards: number, quantity: number) => {
      const inv = await freshInventory(env, quantity, shards);
      let soldOut = 0;
      const run = await measure(total, concurrency, async (i) => {
        const buyerId = `b-${i}`;
        const held = await inventoryFor(ns, inv.eventId, buyerId).hold({ orderId: `o-${i}`, eventId: inv.eventId, buyerId, items: [{ ticketTypeId: "tt-bench", quantity: 1 }], ttlSeconds: 900 });
        if (!held.ok && held.code === "sold_out") soldOut++;
        else if (!held.ok) throw new Error(`hold ${i} on ${shards} shards failed: ${JSON.stringify(held)}`);
      });
      const coordinator = coordinatorOf(ns, inv.eventId);
      const [state] = shards > 1 ? await coordinator.census() : await coordinator.availability();
      return { shards, quantity, ...run, soldOut, held: state.held, sold: state.sold, available: state.available };
    };
    const sharded = [];
    for (const n of [1, 2, 4]) sharded.push(await routed(n, total * 2));
    const tail = await routed(4, total);
    return Response.json({ total, concurrency, noop, hold, cycle, check: { held: holdState.held, sold: cycleState.sold }, sharded, tail });
  },
};
