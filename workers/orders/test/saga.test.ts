import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { makeEvent, type Envelope, type EventHandlers } from "@tickets/common";
import { handleQueue } from "../src/queue";
import { runCron } from "../src/cron";
import { getDb } from "../src/db/client";
import { transition } from "../src/domain/repo";
import { admin, call, key, orderStatus, outboxRows, placeOrder, saleOf, stock, testEnv, user } from "./helpers";

let seq = 0;
/** Delivers messages to the orders queue handler the way the Queues runtime does; returns what it acked/retried. */
async function deliver(queue: string, bodies: unknown[], wrap?: (h: EventHandlers) => EventHandlers, attempts = 1) {
  const batch = createMessageBatch(
    queue,
    bodies.map((body) => ({ id: `msg-${++seq}`, timestamp: new Date(), attempts, body })),
  );
  const ctx = createExecutionContext();
  await handleQueue(batch, testEnv, wrap);
  return getQueueResult(batch, ctx);
}
const inbox = (...events: unknown[]) => deliver("orders-inbox", events);

async function pendingOrder(quantity = 1, saleSize = 10) {
  const sale = await saleOf(saleSize, 200_000);
  const buyer = user();
  const res = await placeOrder(buyer, key(), { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity }] });
  expect(res.status).toBe(201);
  return { sale, buyer, order: res.json.order as { id: string; eventId: string; totalVnd: number } };
}

const paid = (orderId: string, amountVnd: number) =>
  makeEvent("PaymentSucceeded", { orderId, paymentId: `pay-${orderId}`, amountVnd, transactionNo: "14000001", paidAt: new Date().toISOString() });

describe("PaymentSucceeded", () => {
  it("commits the hold, confirms the order and emits OrderConfirmed with the buyer and priced items", async () => {
    const { sale, buyer, order } = await pendingOrder(2);
    const payment = paid(order.id, order.totalVnd);
    const result = await inbox(payment);
    expect(result.explicitAcks).toHaveLength(1);
    expect(await orderStatus(order.id)).toBe("confirmed");
    const [row] = await outboxRows(order.id, "OrderConfirmed");
    expect(row.event.payload).toEqual({
      orderId: order.id,
      eventId: sale.eventId,
      buyerId: buyer.userId,
      buyerEmail: buyer.email,
      totalVnd: 400_000,
      items: [{ ticketTypeId: sale.ticketTypeId, name: "General admission", unitPriceVnd: 200_000, quantity: 2 }],
      // tickets measure their issuance lag from it (the tickets_issued metric)
      paymentRecordedAt: payment.occurredAt,
    });
    const [availability] = await stock(sale.eventId).availability();
    expect(availability).toMatchObject({ sold: 2, held: 0 });
  });

  it("confirms once however often the payment is reported", async () => {
    const { order } = await pendingOrder();
    const event = paid(order.id, order.totalVnd);
    await inbox(event);
    await inbox(event); // the same message redelivered
    await inbox(paid(order.id, order.totalVnd)); // a second IPN, as a new event
    expect(await orderStatus(order.id)).toBe("confirmed");
    expect(await outboxRows(order.id, "OrderConfirmed")).toHaveLength(1);
  });

  it("retries a consumer that fails after its effect, and the effect happens exactly once", async () => {
    const { order } = await pendingOrder();
    const event = paid(order.id, order.totalVnd);
    let failures = 0;
    const crashOnce = (h: EventHandlers): EventHandlers => ({
      ...h,
      PaymentSucceeded: async (e: Envelope<"PaymentSucceeded">) => {
        await h.PaymentSucceeded!(e);
        if (failures++ === 0) throw new Error("crash after the write, before the ack");
      },
    });
    const first = await deliver("orders-inbox", [event], crashOnce);
    expect(first.explicitAcks).toHaveLength(0);
    expect(first.retryMessages).toHaveLength(1);
    const second = await deliver("orders-inbox", [event], crashOnce, 2);
    expect(second.explicitAcks).toHaveLength(1);
    expect(await orderStatus(order.id)).toBe("confirmed");
    expect(await outboxRows(order.id, "OrderConfirmed")).toHaveLength(1);
  });

  it("honours a payment that arrives after expiry when stock remains: re-held and confirmed", async () => {
    const { sale, order } = await pendingOrder(1, 5);
    await stock(sale.eventId).expire(order.id);
    await inbox(makeEvent("HoldExpired", { orderId: order.id, eventId: sale.eventId }));
    expect(await orderStatus(order.id)).toBe("expired");
    await inbox(paid(order.id, order.totalVnd));
    expect(await orderStatus(order.id)).toBe("confirmed");
    expect(await outboxRows(order.id, "OrderConfirmed")).toHaveLength(1);
    expect((await stock(sale.eventId).availability())[0]).toMatchObject({ sold: 1, held: 0, available: 4 });
  });

  it("confirms a payment whose hold ran out before the alarm said so, if stock remains", async () => {
    const { sale, order } = await pendingOrder(1, 5);
    await stock(sale.eventId).expire(order.id); // expired in the object, order still pending here
    await inbox(paid(order.id, order.totalVnd));
    expect(await orderStatus(order.id)).toBe("confirmed");
  });

  it("asks for a refund, never confirms, when a late payment finds the stock gone", async () => {
    const { sale, order } = await pendingOrder(2, 2);
    await stock(sale.eventId).expire(order.id);
    await inbox(makeEvent("HoldExpired", { orderId: order.id, eventId: sale.eventId }));
    const other = await placeOrder(user(), key(), { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 2 }] });
    expect(other.status).toBe(201);
    await inbox(paid(order.id, order.totalVnd));
    expect(await orderStatus(order.id)).toBe("refund_pending");
    expect(await outboxRows(order.id, "OrderConfirmed")).toHaveLength(0);
    const [refund] = await outboxRows(order.id, "RefundRequired");
    expect(refund.event.payload).toMatchObject({ orderId: order.id, amountVnd: order.totalVnd, reason: "late_payment_sold_out" });

    await inbox(makeEvent("RefundFailed", { orderId: order.id, eventId: sale.eventId, buyerId: "b", refundId: "rf1", reason: "bank said no" }));
    const failed = await testEnv.DB.prepare("SELECT status, note FROM orders WHERE id = ?").bind(order.id).first<{ status: string; note: string }>();
    expect(failed).toMatchObject({ status: "refund_pending", note: expect.stringContaining("bank said no") });

    await inbox(makeEvent("RefundSucceeded", { orderId: order.id, eventId: sale.eventId, buyerId: "b", refundId: "rf1", amountVnd: order.totalVnd }));
    expect(await orderStatus(order.id)).toBe("refunded");
  });
});

describe("PaymentFailed, HoldExpired and the expiry cron", () => {
  it("cancels an unpaid order on a failed payment and gives its stock back", async () => {
    const { sale, order } = await pendingOrder(3, 5);
    expect(await sale.available()).toBe(2);
    const failed = makeEvent("PaymentFailed", { orderId: order.id, paymentId: "p1", responseCode: "24", reason: "customer cancelled" });
    await inbox(failed);
    await inbox(failed);
    expect(await orderStatus(order.id)).toBe("cancelled");
    expect(await sale.available()).toBe(5);
    const rows = await outboxRows(order.id, "OrderCancelled");
    expect(rows).toHaveLength(1);
    expect(rows[0].event.payload.reason).toBe("payment_failed");
  });

  it("leaves a confirmed order alone when a failure is reported for it", async () => {
    const { order } = await pendingOrder();
    await inbox(paid(order.id, order.totalVnd));
    await inbox(makeEvent("PaymentFailed", { orderId: order.id, paymentId: "p2", responseCode: "99", reason: "late noise" }));
    expect(await orderStatus(order.id)).toBe("confirmed");
    expect(await outboxRows(order.id, "OrderCancelled")).toHaveLength(0);
  });

  it("expires an unpaid order when its hold runs out, once", async () => {
    const { sale, order } = await pendingOrder();
    const expired = makeEvent("HoldExpired", { orderId: order.id, eventId: sale.eventId });
    await inbox(expired);
    await inbox(makeEvent("HoldExpired", { orderId: order.id, eventId: sale.eventId }));
    expect(await orderStatus(order.id)).toBe("expired");
    expect(await outboxRows(order.id, "OrderExpired")).toHaveLength(1);
  });

  it("cron: expires pending orders whose hold ended over 30 s ago and releases their stock", async () => {
    const fresh = await pendingOrder(1, 5);
    const stale = await pendingOrder(2, 5);
    await testEnv.DB.prepare("UPDATE orders SET hold_expires_at = ? WHERE id = ?").bind(Date.now() - 31_000, stale.order.id).run();
    await runCron(testEnv);
    expect(await orderStatus(stale.order.id)).toBe("expired");
    expect(await stale.sale.available()).toBe(5);
    expect(await outboxRows(stale.order.id, "OrderExpired")).toHaveLength(1);
    expect(await orderStatus(fresh.order.id)).toBe("pending_payment");
  });

  it("guards transitions: a move the current status does not allow changes nothing and emits nothing", async () => {
    const { sale, order } = await pendingOrder();
    await inbox(paid(order.id, order.totalVnd));
    const event = makeEvent("OrderExpired", { orderId: order.id, eventId: sale.eventId, buyerId: "b" });
    expect(await transition(getDb(testEnv.DB), order.id, "expired", { event })).toBe(false);
    expect(await orderStatus(order.id)).toBe("confirmed");
    expect(await outboxRows(order.id, "OrderExpired")).toHaveLength(0);
  });
});

describe("dead letters", () => {
  it("retries a malformed message rather than dropping it; the DLQ parks it for an admin to see", async () => {
    const poison = { hello: "not an envelope", marker: `poison-${Date.now()}` };
    const result = await inbox(poison);
    expect(result.explicitAcks).toHaveLength(0);
    expect(result.retryMessages).toHaveLength(1);

    // After max_retries the runtime moves it to orders-dlq, whose consumer parks it.
    const parked = await deliver("orders-dlq", [poison]);
    expect(parked.explicitAcks).toHaveLength(1);

    const view = await call("GET", "/api/orders/admin/dead-letters", { as: admin() });
    expect(view.status).toBe(200);
    expect(view.json.items).toEqual(expect.arrayContaining([expect.objectContaining({ queue: "orders-dlq", body: poison })]));
    const forbidden = await call("GET", "/api/orders/admin/dead-letters", { as: user() });
    expect(forbidden.status).toBe(403);
  });
});
