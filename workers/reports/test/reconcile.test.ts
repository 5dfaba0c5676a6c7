import { describe, expect, it } from "vitest";
import { createLogger, type Envelope } from "@tickets/common";
import { getDb } from "../src/db/client";
import { reconcile } from "../src/domain/reconcile";
import { runCron, CRONS } from "../src/cron";
import { call, confirmed, deliver, eventOf, ordersTruth, refunded, refundsTruth, testEnv, user, type Item } from "./helpers";

const log = createLogger({ test: "reconcile" });
const deps = () => ({ db: getDb(testEnv.DB), orders: testEnv.ORDERS_RPC, refunds: testEnv.REFUNDS_RPC, log, recheckAfterMs: 300 });

type Step =
  | { kind: "sale"; order: string; items: Item[] }
  | { kind: "cancelled" | "expired"; order: string; items: Item[] }
  | { kind: "refund"; order: string; refund: string; amountVnd: number };

const a = (quantity: number): Item => ({ ticketTypeId: "tt-a", name: "Khu A", unitPriceVnd: 480_000, quantity });
const b = (quantity: number): Item => ({ ticketTypeId: "tt-b", name: "Khu B", unitPriceVnd: 1_999_999, quantity });

/**
 * What the orders and refunds workers would answer for a script, computed the plain way (one
 * pass over the script, nothing shared with the read model): cancelled and expired orders were
 * never sold; a refund counts as succeeded whatever its order.
 */
function truthOf(eventId: string, script: Step[]) {
  const perType = new Map<string, { ticketsSold: number; grossVnd: number }>();
  let orders = 0;
  let refunds = 0;
  let refundedVnd = 0;
  for (const step of script) {
    if (step.kind === "sale") {
      orders++;
      for (const i of step.items) {
        const t = perType.get(i.ticketTypeId) ?? { ticketsSold: 0, grossVnd: 0 };
        perType.set(i.ticketTypeId, { ticketsSold: t.ticketsSold + i.quantity, grossVnd: t.grossVnd + i.quantity * i.unitPriceVnd });
      }
    } else if (step.kind === "refund") {
      refunds++;
      refundedVnd += step.amountVnd;
    }
  }
  return {
    sales: { byTicketType: [...perType].map(([ticketTypeId, t]) => ({ eventId, ticketTypeId, ...t })), orders: [{ eventId, orders }] },
    refunds: [{ eventId, refunds, refundedVnd }],
    sold: [...perType.values()].reduce((s, t) => s + t.grossVnd, 0),
    refundedVnd,
  };
}

/** Only what reports subscribes to reaches it: sales and refunds (cancellations and expiries do not). */
const envelopes = (eventId: string, script: Step[]): Envelope[] =>
  script.flatMap((s): Envelope[] =>
    s.kind === "sale" ? [confirmed(eventId, s.order, s.items)] : s.kind === "refund" ? [refunded(eventId, s.order, s.refund, s.amountVnd)] : [],
  );

describe("nightly reconciliation", () => {
  it("finds the read model equal to orders and refunds, to the đồng, after a mix of sales, cancellations, expiries and refunds", async () => {
    const { eventId, organizer } = await eventOf();
    const id = (s: string) => `${eventId}:${s}`;
    const script: Step[] = [
      { kind: "sale", order: id("o1"), items: [a(2), b(1)] },
      { kind: "cancelled", order: id("o2"), items: [a(4)] },
      { kind: "sale", order: id("o3"), items: [b(3)] },
      { kind: "expired", order: id("o4"), items: [b(1)] },
      { kind: "sale", order: id("o5"), items: [a(1)] },
      { kind: "refund", order: id("o1"), refund: id("r1"), amountVnd: 1_000_001 }, // partial
      { kind: "refund", order: id("o5"), refund: id("r5"), amountVnd: 480_000 }, // full
      { kind: "refund", order: id("o3"), refund: id("r3a"), amountVnd: 3 }, // partial, then the rest
      { kind: "refund", order: id("o3"), refund: id("r3b"), amountVnd: 3 * 1_999_999 - 3 },
    ];
    const truth = truthOf(eventId, script);
    // Delivered in reverse, with duplicates: the order and repetition of delivery must not matter.
    const env = envelopes(eventId, script);
    await deliver(...env.reverse(), ...env.slice(0, 3));

    await ordersTruth.setSalesTotals(truth.sales);
    await refundsTruth.setSucceededTotals(truth.refunds);
    const run = await reconcile(deps());
    expect(run.drifts.filter((d) => d.eventId === eventId)).toEqual([]);

    const report = (await call(`/api/reports/events/${eventId}/sales`, organizer)).json;
    expect(report).toMatchObject({ grossVnd: truth.sold, refundedVnd: truth.refundedVnd, netVnd: truth.sold - truth.refundedVnd, orders: 3 });
  });

  it("detects a planted drift, records the run and its drifts, and shows them to admins only", async () => {
    const { eventId } = await eventOf();
    const script: Step[] = [
      { kind: "sale", order: `${eventId}:o1`, items: [a(1), b(2)] },
      { kind: "refund", order: `${eventId}:o1`, refund: `${eventId}:r1`, amountVnd: 100_000 },
    ];
    await deliver(...envelopes(eventId, script));
    const truth = truthOf(eventId, script);
    await ordersTruth.setSalesTotals(truth.sales);
    await refundsTruth.setSucceededTotals(truth.refunds);
    // Plant: one đồng too much on one ticket type, and a refund the read model never heard of.
    await testEnv.DB.prepare("UPDATE sales_daily SET gross_vnd = gross_vnd + 1 WHERE event_id = ? AND ticket_type_id = 'tt-b'").bind(eventId).run();
    await refundsTruth.setSucceededTotals([{ eventId, refunds: 2, refundedVnd: 150_000 }]);

    await runCron(CRONS.reconciliation, testEnv);
    const res = await call("/api/reports/admin/reconciliation?limit=1", user(["admin"]));
    expect(res.status).toBe(200);
    const [latest] = res.json.items;
    expect(latest).toMatchObject({ status: "drift", error: null });
    expect(latest.drifts.filter((d: { eventId: string }) => d.eventId === eventId)).toEqual(
      expect.arrayContaining([
        { eventId, ticketTypeId: "tt-b", metric: "grossVnd", expected: 2 * 1_999_999, actual: 2 * 1_999_999 + 1 },
        { eventId, ticketTypeId: null, metric: "refunds", expected: 2, actual: 1 },
        { eventId, ticketTypeId: null, metric: "refundsVnd", expected: 150_000, actual: 100_000 },
      ]),
    );
    expect(latest.drifts.filter((d: { eventId: string }) => d.eventId === eventId)).toHaveLength(3);
    expect((await call("/api/reports/admin/reconciliation", user(["organizer"]))).status).toBe(403);
  });

  it("does not call a figure still on its way through the queues a drift (it is read again before being recorded)", async () => {
    const { eventId } = await eventOf();
    const script: Step[] = [{ kind: "sale", order: `${eventId}:o1`, items: [a(2)] }];
    const truth = truthOf(eventId, script);
    await ordersTruth.setSalesTotals(truth.sales);
    await refundsTruth.setSucceededTotals([]);
    // The orders worker already has the sale; the read model gets it while the run waits to re-read.
    const run = reconcile(deps());
    await new Promise((r) => setTimeout(r, 50));
    await deliver(...envelopes(eventId, script));
    expect((await run).drifts.filter((d) => d.eventId === eventId)).toEqual([]);
  });

  it("records a failed run when a source of truth cannot be asked", async () => {
    await ordersTruth.setSalesTotals(null); // the stand-in answers garbage
    await expect(reconcile(deps())).rejects.toThrow();
    const [latest] = (await call("/api/reports/admin/reconciliation?limit=1", user(["admin"]))).json.items;
    expect(latest.status).toBe("failed");
    expect(latest.error).toBeTruthy();
    await ordersTruth.setSalesTotals({ byTicketType: [], orders: [] });
  });
});
