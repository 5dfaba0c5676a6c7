import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { makeEvent } from "@tickets/common";
import { handleQueue } from "../src/queue";
import { deriveOrderId } from "../src/domain/order-id";
import { admin, call, eventually, key, orderStatus, outboxRows, placeOrder, saleOf, testEnv, user } from "./helpers";

/** What the runtime does after max_retries: hands the message to orders-dlq, whose consumer parks it. */
async function park(body: unknown, id: string) {
  const batch = createMessageBatch("orders-dlq", [{ id, timestamp: new Date(), attempts: 1, body }]);
  await handleQueue(batch, testEnv);
  return getQueueResult(batch, createExecutionContext());
}

const processed = async (eventId: string) =>
  (await testEnv.DB.prepare("SELECT COUNT(*) AS n FROM processed_events WHERE event_id = ?1").bind(eventId).first<{ n: number }>())!.n;

describe("dead letters: list and replay (admin)", () => {
  it("replays a parked PaymentFailed once its order exists: the order is cancelled once, a second replay changes nothing", async () => {
    const sale = await saleOf(5);
    const buyer = user();
    const k = key();
    const orderId = await deriveOrderId(buyer.userId, k);
    // The payment outcome arrived before its order was written (it failed every retry: order not found).
    const failed = makeEvent("PaymentFailed", { orderId, paymentId: `pay-${k}`, responseCode: "24", reason: "cancelled by payer" });
    const dlqId = `dlq-${k}`;
    expect((await park(failed, dlqId)).explicitAcks).toEqual([dlqId]);

    const operator = admin();
    const listed = await call("GET", "/api/orders/admin/dead-letters?limit=100", { as: operator });
    expect(listed.status).toBe(200);
    expect(listed.json.items).toContainEqual(
      expect.objectContaining({ id: dlqId, queue: "orders-dlq", body: failed, replayedAt: null, replays: 0 }),
    );

    // The cause is fixed (the order exists now), then the operator replays the message.
    const order = await placeOrder(buyer, k, { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 2 }] });
    expect(order.status).toBe(201);
    expect(order.json.order.id).toBe(orderId);
    const replay = await call("POST", "/api/orders/admin/dead-letters/replay", { as: operator, body: { ids: [dlqId, "no-such-row"] } });
    expect(replay.status).toBe(200);
    expect(replay.json).toEqual({ replayed: [dlqId], notFound: ["no-such-row"] });
    await eventually(async () => (await orderStatus(orderId)) === "cancelled", 10_000);
    expect(await sale.available()).toBe(5);

    // Replaying again (by id or with all) sends a copy the consumer recognises: nothing changes.
    expect((await call("POST", "/api/orders/admin/dead-letters/replay", { as: operator, body: { ids: [dlqId] } })).json.replayed).toEqual([dlqId]);
    await eventually(async () => (await processed(failed.id)) === 1 && (await outboxRows(orderId, "OrderCancelled")).length === 1, 10_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await outboxRows(orderId, "OrderCancelled")).toHaveLength(1);
    expect(await orderStatus(orderId)).toBe("cancelled");

    const after = await call("GET", "/api/orders/admin/dead-letters?limit=100", { as: operator });
    expect(after.json.items.map((i: { id: string }) => i.id)).not.toContain(dlqId);
    const all = await call("GET", "/api/orders/admin/dead-letters?limit=100&replayed=include", { as: operator });
    expect(all.json.items).toContainEqual(expect.objectContaining({ id: dlqId, replays: 2, replayedAt: expect.any(String) }));
  }, 30_000);

  it("is for admins only and validates the replay request", async () => {
    expect((await call("GET", "/api/orders/admin/dead-letters")).status).toBe(401);
    expect((await call("GET", "/api/orders/admin/dead-letters", { as: user(["organizer"]) })).status).toBe(403);
    expect((await call("POST", "/api/orders/admin/dead-letters/replay", { as: user(), body: { all: true } })).status).toBe(403);
    const bad = await call("POST", "/api/orders/admin/dead-letters/replay", { as: admin(), body: { ids: ["a"], all: true } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe("invalid_request");
  });
});
