import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { makeEvent } from "@tickets/common";
import { ulid } from "ulid";
import type { OrdersRpc } from "../src/rpc";
import { CHUNK_SIZE } from "../src/domain/event-cancellation";
import { eventually, key, orderStatus, placeOrder, saleOf, testEnv, user } from "./helpers";

// The cancellation batch runs on the real orders-inbox queue (EventCancelled, then one
// EventCancellationStep per chunk, each enqueued by the previous one through the outbox); the
// refunds worker is a contract stand-in that records every request (test/fakes/other-workers.ts).

type RefundsStandIn = {
  requestsFor(eventId: string): Promise<string[][]>;
  amountsFor(eventId: string): Promise<Array<{ orderId: string; amountVnd: number }>>;
};
const refunds = () => testEnv.REFUNDS_RPC as unknown as RefundsStandIn;
const ordersRpc = () => (exports as unknown as { OrdersRpc: OrdersRpc }).OrdersRpc;

/** N paid orders written straight into D1 (as the checkout saga leaves them), in few batches. */
async function seedPaidOrders(eventId: string, n: number, status = "confirmed") {
  const now = Date.now();
  const ids = Array.from({ length: n }, () => `ord-${ulid()}`);
  const stmt = testEnv.DB.prepare(
    `INSERT INTO orders (id, event_id, buyer_id, buyer_email, status, total_vnd, hold_expires_at, paid_amount_vnd, paid_at, created_at, updated_at)
     VALUES (?1, ?2, ?3, ?4, ?5, 300000, ?6, 300000, ?6, ?6, ?6)`,
  );
  for (let i = 0; i < ids.length; i += 200) {
    await testEnv.DB.batch(ids.slice(i, i + 200).map((id) => stmt.bind(id, eventId, `buyer-${id}`, `${id}@example.test`, status, now)));
  }
  return ids;
}

const cancelled = (eventId: string, reason = "Venue closed") =>
  makeEvent("EventCancelled", { eventId, reason, cancelledBy: "org-1", cancelledAt: new Date().toISOString() });

const job = (eventId: string) => testEnv.DB.prepare("SELECT * FROM event_cancellations WHERE id = ?1").bind(eventId).first<Record<string, any>>();
const outboxOf = async (type: string, eventId: string) =>
  (await testEnv.DB.prepare("SELECT envelope FROM outbox WHERE type = ?1").bind(type).all<{ envelope: string }>()).results
    .map((r) => JSON.parse(r.envelope))
    .filter((e) => e.payload.eventId === eventId);

describe("event cancellation batch", () => {
  it("refunds 1,000 paid orders once each, in chunks, cancels pending ones, tells every buyer and reports the totals", async () => {
    const sale = await saleOf(10);
    const paid = await seedPaidOrders(sale.eventId, 1_000);
    const checkedInStillConfirmed = paid[0];
    const buyer = user();
    const pending = await placeOrder(buyer, key(), { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 1 }] });
    expect(pending.status).toBe(201);
    const otherEvent = await seedPaidOrders(`ev-${ulid()}`, 3);

    await testEnv.ORDERS_INBOX.send(cancelled(sale.eventId));
    await eventually(async () => (await job(sale.eventId))?.status === "completed", 90_000);

    const calls = await refunds().requestsFor(sale.eventId);
    const requested = calls.flat();
    expect(new Set(requested).size).toBe(1_000);
    expect(requested).toHaveLength(1_000); // nobody asked twice
    expect(new Set(requested)).toEqual(new Set(paid));
    expect(Math.max(...calls.map((c) => c.length))).toBeLessThanOrEqual(CHUNK_SIZE);
    expect(requested).toContain(checkedInStillConfirmed);
    expect((await refunds().amountsFor(sale.eventId)).every((r) => r.amountVnd === 300_000)).toBe(true);
    expect(await refunds().requestsFor(otherEvent[0])).toEqual([]);

    expect(await orderStatus(pending.json.order.id)).toBe("cancelled");
    const [orderCancelled] = await outboxOf("OrderCancelled", sale.eventId);
    expect(orderCancelled.payload).toMatchObject({ orderId: pending.json.order.id, reason: "event_cancelled", buyerId: buyer.userId });
    const notices = await outboxOf("OrderEventCancelled", sale.eventId);
    expect(new Set(notices.map((n) => n.payload.orderId))).toEqual(new Set(paid));
    expect(notices).toHaveLength(1_000);

    expect(await job(sale.eventId)).toMatchObject({ total: 1_000, requested: 1_000, status: "completed" });
    expect(await ordersRpc().cancellationProgress(sale.eventId)).toMatchObject({
      total: 1_000,
      succeeded: 1_000,
      failed: 0,
      pending: 0,
      status: "completed",
      completedAt: expect.any(String),
    });
  }, 120_000);

  it("does nothing more for a second EventCancelled or a stale step", async () => {
    const eventId = `ev-${ulid()}`;
    await seedPaidOrders(eventId, 5);
    await testEnv.ORDERS_INBOX.send(cancelled(eventId));
    await eventually(async () => (await job(eventId))?.status === "completed", 30_000);
    const before = await job(eventId);

    await testEnv.ORDERS_INBOX.send(cancelled(eventId, "Again"));
    await testEnv.ORDERS_INBOX.send(makeEvent("EventCancellationStep", { eventId }));
    const marker = `ev-${ulid()}`;
    await testEnv.ORDERS_INBOX.send(cancelled(marker)); // processed after the two above (one consumer)
    await eventually(async () => (await job(marker))?.status === "completed", 30_000);

    expect(await job(eventId)).toEqual(before);
    expect((await refunds().requestsFor(eventId)).flat()).toHaveLength(5);
    expect(await outboxOf("EventCancellationStep", eventId)).toHaveLength(1); // one step did it all
  }, 60_000);

  it("resumes from its stored cursor: a step redelivered after a crash repeats at most its own chunk", async () => {
    const eventId = `ev-${ulid()}`;
    const ids = (await seedPaidOrders(eventId, 250)).sort();
    // As if the batch had crashed after requesting the first 150 refunds and moving its cursor:
    // its current step is still to be delivered.
    const step = makeEvent("EventCancellationStep", { eventId });
    const now = Date.now();
    await testEnv.DB.prepare(
      "INSERT INTO event_cancellations (id, reason, status, total, requested, cursor, last_event_id, started_at, updated_at) VALUES (?1, 'Storm', 'running', 250, 150, ?2, ?3, ?4, ?4)",
    )
      .bind(eventId, ids[149], step.id, now)
      .run();
    await testEnv.ORDERS_INBOX.send(step);
    await testEnv.ORDERS_INBOX.send(step); // the same step twice
    await eventually(async () => (await job(eventId))?.status === "completed", 30_000);
    const requested = (await refunds().requestsFor(eventId)).flat();
    expect(requested.sort()).toEqual(ids.slice(150));
    expect(await job(eventId)).toMatchObject({ requested: 250, cursor: ids[249] });
  }, 60_000);

  it("refunds a payment confirmed after the batch went past its order (committed just before sales froze)", async () => {
    const sale = await saleOf(10);
    const buyer = user();
    const res = await placeOrder(buyer, key(), { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 1 }] });
    const orderId = res.json.order.id as string;
    const now = Date.now();
    await testEnv.DB.prepare(
      "INSERT INTO event_cancellations (id, reason, status, total, requested, cursor, last_event_id, started_at, completed_at, updated_at) VALUES (?1, 'Storm', 'completed', 0, 0, 'zzz', NULL, ?2, ?2, ?2)",
    )
      .bind(sale.eventId, now)
      .run();
    await testEnv.ORDERS_INBOX.send(
      makeEvent("PaymentSucceeded", { orderId, paymentId: `pay-${orderId}`, amountVnd: res.json.order.totalVnd, transactionNo: "14000009", paidAt: new Date().toISOString() }),
    );
    await eventually(async () => (await refunds().requestsFor(sale.eventId)).flat().includes(orderId), 30_000);
    expect(await orderStatus(orderId)).toBe("confirmed"); // refunded once RefundSucceeded arrives
    expect((await outboxOf("OrderEventCancelled", sale.eventId)).map((n) => n.payload.orderId)).toEqual([orderId]);
  }, 60_000);

  it("gives back a payment landing after the cancellation: refund_pending and RefundRequired, never confirmed", async () => {
    const sale = await saleOf(10);
    const buyer = user();
    const res = await placeOrder(buyer, key(), { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 1 }] });
    const orderId = res.json.order.id as string;
    await (testEnv.INVENTORY.get(testEnv.INVENTORY.idFromName(sale.eventId)) as unknown as { cancel(id: string): Promise<unknown> }).cancel(sale.eventId);
    await testEnv.ORDERS_INBOX.send(cancelled(sale.eventId));
    await eventually(async () => (await orderStatus(orderId)) === "cancelled", 30_000);
    await testEnv.ORDERS_INBOX.send(
      makeEvent("PaymentSucceeded", { orderId, paymentId: `pay-${orderId}`, amountVnd: res.json.order.totalVnd, transactionNo: "14000010", paidAt: new Date().toISOString() }),
    );
    await eventually(async () => (await orderStatus(orderId)) === "refund_pending", 30_000);
    const [required] = (await testEnv.DB.prepare("SELECT envelope FROM outbox WHERE type = 'RefundRequired'").all<{ envelope: string }>()).results
      .map((r) => JSON.parse(r.envelope))
      .filter((e) => e.payload.orderId === orderId);
    expect(required.payload).toMatchObject({ orderId, amountVnd: res.json.order.totalVnd, reason: "late_payment_not_on_sale" });
  }, 60_000);
});
