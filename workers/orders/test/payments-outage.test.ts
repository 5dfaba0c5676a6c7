import { describe, expect, it } from "vitest";
import { call, key, placeOrder, saleOf, stock, testEnv, user } from "./helpers";

// The payments worker's stand-in (test/fakes/other-workers.ts) can be switched to fail every
// createPaymentUrl (down, or refusing while its VNPAY breaker is open) or to never answer.
const payments = testEnv.PAYMENTS_RPC as unknown as { setMode(mode: "ok" | "fail" | "hang"): Promise<void>; callCount(): Promise<number> };
const health = async () => (await call("GET", "/health")).json as { breakers: Record<string, string> };
const orderRow = (buyerId: string) =>
  testEnv.DB.prepare("SELECT status, note FROM orders WHERE buyer_id = ?").bind(buyerId).first<{ status: string; note: string | null }>();

async function expectNothingHeld(sale: Awaited<ReturnType<typeof saleOf>>, quantity: number) {
  expect(await sale.available()).toBe(quantity);
  const [audit] = await stock(sale.eventId).audit();
  expect(audit).toMatchObject({ held: 0, heldFromHolds: 0, sold: 0 });
}

// One sequence: the breaker is this isolate's, so the steps build on each other.
describe("checkout while payments is down", () => {
  it("answers 503 payments_unavailable with the hold released in the same request when payments fails, then when it hangs; the breaker opens after 5 failures and closes after a good probe", async () => {
    const sale = await saleOf(10);
    const order = (buyer = user()) => placeOrder(buyer, key(), { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 2 }] });
    expect((await health()).breakers.payments).toBe("closed");

    // Down: the order it wrote is cancelled (no event), the stock is back at once.
    await payments.setMode("fail");
    const buyer = user();
    const failed = await order(buyer);
    expect(failed.status).toBe(503);
    expect(failed.json.error.code).toBe("payments_unavailable");
    await expectNothingHeld(sale, 10);
    expect(await orderRow(buyer.userId)).toMatchObject({ status: "cancelled", note: expect.stringContaining("Payments were unavailable") });

    // Hanging: the checkout gives up at PAYMENTS_TIMEOUT_MS (300 ms here) and gives the stock back.
    await payments.setMode("hang");
    const started = Date.now();
    const late = await order();
    expect(late.status).toBe(503);
    expect(late.json.error.code).toBe("payments_unavailable");
    expect(Date.now() - started).toBeLessThan(3_000);
    await expectNothingHeld(sale, 10);

    // Three more failures make five in a row: the breaker opens.
    await payments.setMode("fail");
    for (let i = 0; i < 3; i++) expect((await order()).status).toBe(503);
    expect((await health()).breakers.payments).toBe("open");

    // Open: refused before anything is held, without asking payments.
    const calls = await payments.callCount();
    const [before] = await stock(sale.eventId).audit();
    const fast = await order();
    expect(fast.status).toBe(503);
    expect(fast.json.error.code).toBe("payments_unavailable");
    expect(await payments.callCount()).toBe(calls);
    const [after] = await stock(sale.eventId).audit();
    expect(after).toEqual(before);

    // Back up: after the cool-down (500 ms here) one probe goes through and closes the breaker.
    await payments.setMode("ok");
    await new Promise((r) => setTimeout(r, 550));
    expect((await health()).breakers.payments).toBe("half_open");
    const ok = await order();
    expect(ok.status).toBe(201);
    expect((await health()).breakers.payments).toBe("closed");
    expect(await sale.available()).toBe(8);
  });
});

describe("a hung worker behind an RPC binding", () => {
  it("answers 503 service_unavailable at the RPC deadline (RPC_DEADLINE_MS, 2 s here) instead of hanging", async () => {
    const sale = await saleOf(5);
    const events = testEnv.EVENTS_RPC as unknown as { setAccessHangs(h: boolean): Promise<void> };
    await events.setAccessHangs(true);
    try {
      const started = Date.now();
      const res = await call("GET", `/api/orders?eventId=${sale.eventId}`, { as: user(["organizer"]) });
      expect(res.status).toBe(503);
      expect(res.json.error.code).toBe("service_unavailable");
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await events.setAccessHangs(false);
    }
  });
});
