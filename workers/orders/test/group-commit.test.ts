import { describe, expect, it } from "vitest";
import { groupCommit } from "@tickets/common";
import { eventually, key, placeOrder, saleOf, testEnv, user } from "./helpers";

function recorder(opts: { failOn?: string; delayMs?: number } = {}) {
  const writes: string[][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const pending: Promise<unknown>[] = [];
  const add = groupCommit<string, string>(
    async (items) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      writes.push([...items]);
      await new Promise((r) => setTimeout(r, opts.delayMs ?? 5));
      inFlight--;
      if (opts.failOn && items.includes(opts.failOn)) throw new Error("write failed");
      return items.map((i) => `ok:${i}`);
    },
    { windowMs: 30, maxItems: 4 },
  );
  return { add: (item: string) => add(item, (p) => pending.push(p)), writes, maxInFlight: () => maxInFlight, pending };
}

describe("groupCommit", () => {
  it("lets concurrent callers share one write, each getting its own result", async () => {
    const g = recorder();
    expect(await Promise.all(["a", "b", "c"].map(g.add))).toEqual(["ok:a", "ok:b", "ok:c"]);
    expect(g.writes).toEqual([["a", "b", "c"]]);
    expect(g.pending).toHaveLength(1); // the batch ran under the opener's waitUntil
  });

  it("caps a batch at maxItems: later items go to the next write, and writes never overlap", async () => {
    const g = recorder({ delayMs: 20 });
    const items = ["1", "2", "3", "4", "5", "6", "7", "8", "9"];
    expect(await Promise.all(items.map(g.add))).toEqual(items.map((i) => `ok:${i}`));
    expect(g.writes).toEqual([["1", "2", "3", "4"], ["5", "6", "7", "8"], ["9"]]);
    expect(g.maxInFlight()).toBe(1);
  });

  it("fails only the batch whose write failed", async () => {
    const g = recorder({ failOn: "bad" });
    const first = await Promise.allSettled(["x", "bad"].map(g.add));
    expect(first.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(await g.add("y")).toBe("ok:y");
  });
});

describe("orders written together", () => {
  it("one retry or reused key among concurrent checkouts does not fail the others", async () => {
    const [sale, other] = [await saleOf(50), await saleOf(5)];
    const buyer = user();
    const k = key();
    const body = { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 1 }] };
    const first = await placeOrder(buyer, k, body);
    expect(first.status).toBe(201);

    const twin = user();
    const twinKey = key();
    const [retry, reused, twinA, twinB, ...fresh] = await Promise.all([
      placeOrder(buyer, k, body),
      placeOrder(buyer, k, { eventId: other.eventId, items: [{ ticketTypeId: other.ticketTypeId, quantity: 1 }] }),
      placeOrder(twin, twinKey, body), // two concurrent first attempts of one key: both may reach the write
      placeOrder(twin, twinKey, body),
      ...Array.from({ length: 8 }, () => placeOrder(user(), key(), body)),
    ]);
    expect([twinA.status, twinB.status].sort()).toEqual([200, 201]);
    expect(twinA.json.order.id).toBe(twinB.json.order.id);
    expect(retry.status).toBe(200);
    expect(retry.json.order.id).toBe(first.json.order.id);
    expect(reused.status).toBe(422);
    expect(fresh.map((r) => r.status)).toEqual(Array(8).fill(201));
    for (const r of fresh) {
      const items = await testEnv.DB.prepare("SELECT quantity FROM order_items WHERE order_id = ?").bind(r.json.order.id).all();
      expect(items.results).toEqual([{ quantity: 1 }]);
    }
    // The reused key's order keeps its own items only; the other event's stray hold is released.
    const kept = await testEnv.DB.prepare("SELECT ticket_type_id FROM order_items WHERE order_id = ?").bind(first.json.order.id).all();
    expect(kept.results).toEqual([{ ticket_type_id: sale.ticketTypeId }]);
    expect(await sale.available()).toBe(40);
    await eventually(async () => (await other.available()) === 5);
  });
});
