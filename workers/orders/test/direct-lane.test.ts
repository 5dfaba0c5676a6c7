import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { makeEvent, type DirectInboxApi, type Envelope } from "@tickets/common";
import { key, orderStatus, outboxRows, placeOrder, saleOf, testEnv, user } from "./helpers";

// The direct lane (packages/common/src/direct-delivery.ts): payments' relay hands PaymentSucceeded
// to this worker's InboxReceipts entrypoint instead of the orders inbox. It must act exactly like
// the queue consumer: confirm once, answer only what it handled, leave the rest to the queue.

const lane = (exports as unknown as { InboxReceipts: DirectInboxApi }).InboxReceipts;

async function pendingOrder() {
  const sale = await saleOf(10, 120_000);
  const res = await placeOrder(user(), key(), { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 2 }] });
  expect(res.status).toBe(201);
  return res.json.order as { id: string; totalVnd: number };
}

const paymentOf = (order: { id: string; totalVnd: number }) =>
  makeEvent("PaymentSucceeded", { orderId: order.id, paymentId: `pay-${order.id}`, amountVnd: order.totalVnd, transactionNo: "14000077", paidAt: new Date().toISOString() });

const processed = async (id: string) =>
  (await testEnv.DB.prepare("SELECT COUNT(*) AS n FROM processed_events WHERE event_id = ?1").bind(id).first<{ n: number }>())!.n;

describe("direct lane for PaymentSucceeded", () => {
  it("confirms the order once, records the event, and answers its id (again on a repeat, with no second effect)", async () => {
    const order = await pendingOrder();
    const paid = paymentOf(order);
    expect(await lane.deliver([paid])).toEqual([paid.id]);
    expect(await orderStatus(order.id)).toBe("confirmed");
    expect(await processed(paid.id)).toBe(1);
    expect(await outboxRows(order.id, "OrderConfirmed")).toHaveLength(1);

    // The queue copy of a delivery whose answer was lost, or a second relay: handled before, no new effect.
    expect(await lane.deliver([paid])).toEqual([paid.id]);
    expect(await outboxRows(order.id, "OrderConfirmed")).toHaveLength(1);
  });

  it("takes nothing that is not a direct event for this inbox, nor a malformed one: those stay for the queue", async () => {
    const order = await pendingOrder();
    // Other event types (even ones the orders inbox subscribes to) are filtered out before parsing.
    const expired = { ...paymentOf(order), id: `hold-expired-${order.id}`, type: "HoldExpired" } as unknown as Envelope;
    const forTickets = { ...paymentOf(order), id: `confirmed-${order.id}`, type: "OrderConfirmed" } as unknown as Envelope;
    const malformed = { ...paymentOf(order), payload: { orderId: order.id } } as unknown as Envelope;
    expect(await lane.deliver([expired, forTickets, malformed])).toEqual([]);
    expect(await orderStatus(order.id)).toBe("pending_payment");
    for (const e of [expired, forTickets, malformed]) expect(await processed(e.id)).toBe(0);
  });

  it("answers only the events whose handler succeeded; a failing one is left to the queue's retries", async () => {
    const order = await pendingOrder();
    const good = paymentOf(order);
    // A payment for an order this worker does not have (yet): the handler throws, as it does for the queue, to retry.
    const early = makeEvent("PaymentSucceeded", { orderId: "not-written-yet", paymentId: "pay-x", amountVnd: 1, transactionNo: "1", paidAt: new Date().toISOString() });
    expect(await lane.deliver([good, early])).toEqual([good.id]);
    expect(await orderStatus(order.id)).toBe("confirmed");
    expect(await processed(early.id)).toBe(0);
  });
});
