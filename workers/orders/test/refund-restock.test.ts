import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { consumeInbox, createLogger, makeEvent } from "@tickets/common";
import { getDb } from "../src/db/client";
import { sagaHandlers } from "../src/domain/saga";
import type { InventoryApi } from "../src/ports";
import { key, orderStatus, placeOrder, saleOf, stock, testEnv, user } from "./helpers";

// RefundSucceeded puts a refunded order's sold stock back on sale. The stand-in inventory object
// (test/fakes/other-workers.mjs) has no restock, so these tests run the real saga handlers through
// the real inbox consumer with the stand-in's hold/commit and a restock that records its calls
// (the real EventInventory.restock, idempotent per order, is covered in e2e/refunds.test.ts).

function saga(opts: { restockFailsOnce?: boolean } = {}) {
  const restocks: string[] = [];
  let failures = opts.restockFailsOnce ? 1 : 0;
  const handlers = sagaHandlers({
    db: getDb(testEnv.DB),
    log: createLogger({ service: "orders", test: "refund-restock" }),
    inventory: (eventId) => {
      const real = stock(eventId);
      const inventory: InventoryApi & { restock(orderId: string): Promise<{ restocked: number }> } = {
        hold: (req) => real.hold(req),
        release: (orderId) => real.release(orderId),
        commit: (orderId) => real.commit(orderId),
        restock: async (orderId) => {
          if (failures-- > 0) throw new Error("inventory object unreachable");
          restocks.push(orderId);
          return { restocked: 1 };
        },
      };
      return inventory;
    },
  });
  let seq = 0;
  const deliver = async (...bodies: unknown[]) => {
    const batch = createMessageBatch("orders-inbox", bodies.map((body) => ({ id: `rr-${++seq}`, timestamp: new Date(), attempts: 1, body })));
    await consumeInbox(batch, getDb(testEnv.DB) as never, handlers, "orders");
    return getQueueResult(batch, createExecutionContext());
  };
  return { deliver, restocks };
}

async function confirmedOrder(s: ReturnType<typeof saga>, quantity = 2) {
  const sale = await saleOf(10, 200_000);
  const res = await placeOrder(user(), key(), { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity }] });
  expect(res.status).toBe(201);
  const order = res.json.order as { id: string; totalVnd: number };
  await s.deliver(makeEvent("PaymentSucceeded", { orderId: order.id, paymentId: `pay-${order.id}`, amountVnd: order.totalVnd, transactionNo: "14000002", paidAt: new Date().toISOString() }));
  expect(await orderStatus(order.id)).toBe("confirmed");
  return { sale, order };
}

const refunded = (orderId: string, eventId: string, amountVnd: number, more: { refundedTotalVnd?: number; voidsTickets?: boolean; refundId?: string } = {}) =>
  makeEvent("RefundSucceeded", { orderId, eventId, buyerId: "b", refundId: more.refundId ?? `rf-${orderId}`, amountVnd, ...more });

describe("RefundSucceeded returns stock to sale", () => {
  it("restocks a confirmed order once and marks it refunded, however often the refund is reported", async () => {
    const s = saga();
    const { sale, order } = await confirmedOrder(s);
    const event = refunded(order.id, sale.eventId, order.totalVnd);
    await s.deliver(event);
    expect(await orderStatus(order.id)).toBe("refunded");
    expect(s.restocks).toEqual([order.id]);
    await s.deliver(event, refunded(order.id, sale.eventId, order.totalVnd));
    expect(await orderStatus(order.id)).toBe("refunded");
    expect(s.restocks).toEqual([order.id]);
  });

  it("restocks a partially refunded order too (all its tickets are void)", async () => {
    const s = saga();
    const { sale, order } = await confirmedOrder(s);
    await s.deliver(refunded(order.id, sale.eventId, order.totalVnd / 2));
    expect(await orderStatus(order.id)).toBe("partially_refunded");
    expect(s.restocks).toEqual([order.id]);
  });

  it("keeps the stock sold on an organizer's money-only partial refund, and restocks when the refunds reach the total", async () => {
    const s = saga();
    const { sale, order } = await confirmedOrder(s);
    const third = order.totalVnd / 4;
    await s.deliver(refunded(order.id, sale.eventId, third, { refundedTotalVnd: third, voidsTickets: false, refundId: "rf-1" }));
    expect(await orderStatus(order.id)).toBe("partially_refunded");
    expect(s.restocks).toEqual([]);
    await s.deliver(refunded(order.id, sale.eventId, third, { refundedTotalVnd: 2 * third, voidsTickets: false, refundId: "rf-2" }));
    expect(await orderStatus(order.id)).toBe("partially_refunded");
    await s.deliver(refunded(order.id, sale.eventId, order.totalVnd - 2 * third, { refundedTotalVnd: order.totalVnd, voidsTickets: true, refundId: "rf-3" }));
    expect(await orderStatus(order.id)).toBe("refunded");
    expect(s.restocks).toEqual([order.id]);
  });

  it("ignores a partial refund reported after the full one (reordered deliveries)", async () => {
    const s = saga();
    const { sale, order } = await confirmedOrder(s);
    await s.deliver(refunded(order.id, sale.eventId, order.totalVnd / 2, { refundedTotalVnd: order.totalVnd, voidsTickets: true, refundId: "rf-last" }));
    await s.deliver(refunded(order.id, sale.eventId, order.totalVnd / 2, { refundedTotalVnd: order.totalVnd / 2, voidsTickets: false, refundId: "rf-first" }));
    expect(await orderStatus(order.id)).toBe("refunded");
    expect(s.restocks).toEqual([order.id]);
  });

  it("retries when the inventory object cannot be reached, leaving the order confirmed until it restocks", async () => {
    const s = saga({ restockFailsOnce: true });
    const { sale, order } = await confirmedOrder(s);
    const event = refunded(order.id, sale.eventId, order.totalVnd);
    const first = await s.deliver(event);
    expect(first.retryMessages).toHaveLength(1);
    expect(await orderStatus(order.id)).toBe("confirmed");
    const second = await s.deliver(event);
    expect(second.explicitAcks).toHaveLength(1);
    expect(await orderStatus(order.id)).toBe("refunded");
    expect(s.restocks).toEqual([order.id]);
  });

  it("does not restock a late payment's refund: its stock was never sold", async () => {
    const s = saga();
    const sale = await saleOf(1, 200_000);
    const res = await placeOrder(user(), key(), { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 1 }] });
    const order = res.json.order as { id: string; totalVnd: number };
    await stock(sale.eventId).expire(order.id);
    await s.deliver(makeEvent("HoldExpired", { orderId: order.id, eventId: sale.eventId }));
    const other = await placeOrder(user(), key(), { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 1 }] });
    expect(other.status).toBe(201);
    await s.deliver(makeEvent("PaymentSucceeded", { orderId: order.id, paymentId: `pay-${order.id}`, amountVnd: order.totalVnd, transactionNo: "14000003", paidAt: new Date().toISOString() }));
    expect(await orderStatus(order.id)).toBe("refund_pending");
    await s.deliver(refunded(order.id, sale.eventId, order.totalVnd));
    expect(await orderStatus(order.id)).toBe("refunded");
    expect(s.restocks).toEqual([]);
  });
});
