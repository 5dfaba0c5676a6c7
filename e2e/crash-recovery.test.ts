import { describe, expect, it } from "vitest";
// @ts-expect-error plain ESM script shared with `npm run test:faults`
import { crashAndRecover } from "../scripts/crash-scenario.mjs";

type Observed = { id: string; paid: boolean; status: string; quantity: number; tickets: Array<{ id: string }>; notices: number };
type Outcome = {
  ok: boolean;
  paidBeforeKill: number;
  recoveryMs: number | null;
  atRestart: { orders: Observed[] };
  final: { orders: Observed[]; stock: { quantity: number; sold: number; held: number; available: number }; problems: string[] };
};

// The whole platform is SIGKILLed (the `wrangler dev` process group, workerd and its in-memory
// queues included) a second after 6 payments, then restarted on the same persisted state. This
// file boots its OWN stack (not the shared e2e one). Crons tick every 5 s here and a sent event
// is checked after 5 s (OUTBOX_REDELIVER_AFTER_SECONDS) so that recovery fits in the test; the
// same run at `npm run dev` speed is `npm run test:faults` (workers/orders/README.md).
describe("crash recovery of the checkout saga", () => {
  it("after a SIGKILL and restart, every paid order ends confirmed with its tickets and exactly one notice", { timeout: 300_000 }, async () => {
    const result: Outcome = await crashAndRecover({
      orders: 6,
      killPoint: { after: "payments", delayMs: 1000 },
      boundMs: 90_000,
      cronEveryMs: 5_000,
      vars: { OUTBOX_REDELIVER_AFTER_SECONDS: "5" },
    });
    const at = result.atRestart.orders;
    console.log(
      `crash-recovery: at restart ${at.filter((o) => o.status === "confirmed").length} confirmed, ${at.filter((o) => o.tickets.length).length} ticketed, ` +
        `${at.filter((o) => o.notices).length} noticed of 6; all done ${result.recoveryMs} ms after the restart`,
    );

    expect(result.paidBeforeKill).toBe(6);
    expect(result.final.problems).toEqual([]);
    for (const order of result.final.orders) {
      expect(order.status).toBe("confirmed");
      expect(order.tickets).toHaveLength(order.quantity);
      expect(order.notices).toBe(1);
    }
    const ticketIds = result.final.orders.flatMap((o) => o.tickets.map((t) => t.id));
    expect(new Set(ticketIds).size).toBe(ticketIds.length); // nothing issued twice
    const { stock } = result.final;
    expect(stock.sold).toBe(12);
    expect(stock.sold + stock.held + stock.available).toBe(stock.quantity);
  });
});
