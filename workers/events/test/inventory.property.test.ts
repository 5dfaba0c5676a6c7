import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { CommitResult, HoldResult } from "../../../durable-objects/event-inventory";
import { backdate, configuredInventory, fireAlarm, holdRequest, mergeItems, type Stub } from "./helpers";

/**
 * Random sequences of hold / release / commit / expire / restock against one inventory object,
 * next to a plain model of what each should do. After every step: the object's answer matches
 * the model's, its counts match the model's, and sold + held <= quantity with nothing negative.
 */

const QUANTITY = [6, 3];
const MAX_PER_ORDER = [4, 2];
const BUYERS = 3;

type Status = "active" | "sold" | "released" | "expired";
type Order = { id: string; buyer: number; items: Map<number, number>; status: Status; restocked: Map<number, number> | null };

type Cmd =
  | { kind: "hold"; buyer: number; items: Array<{ tt: number; qty: number }>; reuse: number | null }
  | { kind: "release" | "commit" | "expire"; pick: number }
  | { kind: "restock"; pick: number; only: { tt: number; qty: number } | null };

const item = fc.record({ tt: fc.integer({ min: 0, max: 1 }), qty: fc.integer({ min: 1, max: 4 }) });
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("hold" as const), buyer: fc.integer({ min: 0, max: BUYERS - 1 }), items: fc.array(item, { minLength: 1, maxLength: 3 }), reuse: fc.option(fc.nat(), { nil: null }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("release" as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("commit" as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("expire" as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("restock" as const), pick: fc.nat(), only: fc.option(item, { nil: null }) }) },
);

class Model {
  orders: Order[] = [];
  counts() {
    return QUANTITY.map((quantity, tt) => {
      let held = 0;
      let sold = 0;
      for (const o of this.orders) {
        const q = o.items.get(tt) ?? 0;
        if (o.status === "active") held += q;
        if (o.status === "sold") sold += q - (o.restocked?.get(tt) ?? 0);
      }
      return { quantity, held, sold, available: quantity - held - sold };
    });
  }
  owned(buyer: number, tt: number) {
    return this.orders
      .filter((o) => o.buyer === buyer && (o.status === "active" || o.status === "sold"))
      .reduce((sum, o) => sum + (o.items.get(tt) ?? 0) - (o.restocked?.get(tt) ?? 0), 0);
  }
  hold(id: string, buyer: number, items: Map<number, number>): HoldResult["ok"] | string {
    const existing = this.orders.find((o) => o.id === id);
    if (existing && (existing.status === "active" || existing.status === "sold")) return true;
    for (const [tt, q] of items) if (q + this.owned(buyer, tt) > MAX_PER_ORDER[tt]) return "limit_exceeded";
    const counts = this.counts();
    for (const [tt, q] of items) if (q > counts[tt].available) return "sold_out";
    if (existing) Object.assign(existing, { buyer, items, status: "active", restocked: null });
    else this.orders.push({ id, buyer, items, status: "active", restocked: null });
    return true;
  }
}

async function check(stub: Stub, model: Model) {
  const audit = await stub.audit();
  const expected = model.counts();
  audit.forEach((row, tt) => {
    expect(row.held + row.sold).toBeLessThanOrEqual(row.quantity);
    expect(Math.min(row.held, row.sold, row.available)).toBeGreaterThanOrEqual(0);
    expect(row.held).toBe(row.heldFromHolds);
    expect(row.sold).toBe(row.soldFromHolds);
    expect({ held: row.held, sold: row.sold, available: row.available }).toEqual({
      held: expected[tt].held,
      sold: expected[tt].sold,
      available: expected[tt].available,
    });
  });
}

describe("EventInventory property: the invariant holds for any sequence of operations", () => {
  it("matches a model and never oversells", { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cmd, { minLength: 5, maxLength: 35 }), async (cmds) => {
        const { stub, eventId, tt } = await configuredInventory(QUANTITY.map((quantity, i) => ({ quantity, maxPerOrder: MAX_PER_ORDER[i] })));
        const model = new Model();
        let next = 0;
        const pick = (n: number, status?: Status) => {
          const pool = status ? model.orders.filter((o) => o.status === status) : model.orders;
          return pool.length ? pool[n % pool.length] : null;
        };
        for (const c of cmds) {
          if (c.kind === "hold") {
            const id = c.reuse !== null && model.orders.length ? model.orders[c.reuse % model.orders.length].id : `order-${next++}`;
            const items = mergeItems(c.items);
            const expected = model.hold(id, c.buyer, items);
            const res = (await stub.hold(holdRequest(id, eventId, c.buyer, c.items, tt))) as HoldResult;
            expect(res.ok ? true : res.code).toBe(expected);
          } else if (c.kind === "release") {
            const o = pick(c.pick);
            if (!o) continue;
            const released = o.status === "active";
            if (released) o.status = "released";
            expect(await stub.release(o.id)).toEqual({ released });
          } else if (c.kind === "commit") {
            const o = pick(c.pick);
            if (!o) continue;
            let expected: CommitResult;
            if (o.status === "active") {
              o.status = "sold";
              expected = { ok: true, alreadyCommitted: false };
            } else if (o.status === "sold") expected = { ok: true, alreadyCommitted: true };
            else if (o.status === "expired") expected = { ok: false, code: "hold_expired" };
            else expected = { ok: false, code: "hold_not_found" };
            expect(await stub.commit(o.id)).toEqual(expected);
          } else if (c.kind === "expire") {
            const o = pick(c.pick, "active");
            if (!o) continue;
            await backdate(stub, o.id);
            // While any hold is active an alarm is armed; running it now expires the hold.
            expect(await fireAlarm(stub)).toBe(true);
            o.status = "expired";
          } else if (c.kind === "restock") {
            const o = pick(c.pick);
            if (!o) continue;
            let restocked = 0;
            if (o.status === "sold" && !o.restocked) {
              o.restocked = new Map();
              for (const [t, q] of o.items) {
                const n = c.only ? (c.only.tt === t ? Math.min(q, c.only.qty) : 0) : q;
                if (n > 0) o.restocked.set(t, n);
                restocked += n;
              }
            }
            const only = c.only ? [{ ticketTypeId: tt[c.only.tt], quantity: c.only.qty }] : undefined;
            expect(await stub.restock(o.id, only)).toEqual({ restocked });
          }
          await check(stub, model);
        }
      }),
      { numRuns: 40 },
    );
  });
});
