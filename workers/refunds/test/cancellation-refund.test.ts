import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ulid } from "ulid";
import type { RefundsRpc } from "../src/rpc";
import type { CancellationRefundRequest } from "../src/domain/cancellation-refund";
import { askRefund, eventually, orderOf, payments, refundRow, testEnv } from "./helpers";

const rpc = () => (exports as unknown as { RefundsRpc: RefundsRpc }).RefundsRpc;
const cause = { correlationId: "ev", causationId: "step-1" };

const request = (eventId: string, orderId = `o-${ulid()}`, amountVnd = 400_000): CancellationRefundRequest => ({
  orderId,
  eventId,
  buyerId: `buyer-${orderId}`,
  buyerEmail: `${orderId}@example.test`,
  amountVnd,
  reason: "Event cancelled: storm",
});

const outboxOf = async (orderId: string) =>
  (await testEnv.DB.prepare("SELECT type, envelope FROM outbox WHERE envelope LIKE ?1").bind(`%"orderId":"${orderId}"%`).all<{ type: string; envelope: string }>())
    .results;

describe("RefundsRpc.refundForCancellation", () => {
  it("refunds each order in full once through payments, however often the batch asks, and counts them per event", async () => {
    const eventId = `ev-${ulid()}`;
    const ok = [request(eventId), request(eventId)];
    const declined = request(eventId, `declined-${ulid()}`);
    const first = await rpc().refundForCancellation([...ok, declined], cause);
    expect(first.map((o) => o.status).sort()).toEqual(["failed", "succeeded", "succeeded"]);

    const again = await rpc().refundForCancellation([...ok, declined], cause);
    expect(again.map((o) => o.refundId).sort()).toEqual(first.map((o) => o.refundId).sort());
    for (const r of ok) {
      expect(await payments.refundCalls(r.orderId)).toHaveLength(1);
      expect((await payments.refundCalls(r.orderId))[0]).toMatchObject({ amountVnd: 400_000 });
      const events = await outboxOf(r.orderId);
      expect(events.map((e) => e.type)).toEqual(["RefundSucceeded"]);
    }
    expect(await payments.refundCalls(declined.orderId)).toHaveLength(1); // decided: not asked again
    expect((await outboxOf(declined.orderId)).map((e) => e.type)).toEqual(["RefundFailed"]);

    expect(await rpc().cancellationRefundCounts(eventId)).toEqual({ total: 3, requested: 0, processing: 0, succeeded: 2, failed: 1 });
    const res = await testEnv.DB.prepare("SELECT source FROM refunds WHERE event_id = ?1").bind(eventId).all<{ source: string }>();
    expect(res.results.every((r) => r.source === "event_cancelled")).toBe(true);
  });

  it("settles again a refund a crash left undecided (payments does not refund an order twice)", async () => {
    const eventId = `ev-${ulid()}`;
    const r = request(eventId);
    const now = Date.now();
    // The row of the first call, written just before a crash: requested, never settled.
    await testEnv.DB.prepare(
      "INSERT INTO refunds (id, order_id, event_id, buyer_id, amount_vnd, paid_vnd, reason, source, requested_by, request_key, status, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5, 'x', 'event_cancelled', 'system:event_cancelled', ?7, 'requested', ?6, ?6)",
    )
      .bind(`rf-${ulid()}`, r.orderId, eventId, r.buyerId, r.amountVnd, now, `cancel:${eventId}:${r.orderId}`)
      .run();
    const [outcome] = await rpc().refundForCancellation([r], cause);
    expect(outcome.status).toBe("succeeded");
    expect(await rpc().cancellationRefundCounts(eventId)).toMatchObject({ total: 1, succeeded: 1 });
  });

  it("refunds an order whose buyer refund failed (a refund of its own); leaves an order with a succeeded buyer refund alone and says so", async () => {
    const failedBuyer = await orderOf({ idPrefix: "declined-" });
    expect((await askRefund(failedBuyer.buyer, failedBuyer.order.id)).status).toBe(202);
    const succeededBuyer = await orderOf();
    expect((await askRefund(succeededBuyer.buyer, succeededBuyer.order.id)).status).toBe(202);
    // the refunds-inbox consumer settles both buyer refunds
    await eventually(async () => (await refundRow(failedBuyer.order.id))?.status === "failed");
    await eventually(async () => (await refundRow(succeededBuyer.order.id))?.status === "succeeded");
    const eventId = `ev-${ulid()}`;
    const outcomes = await rpc().refundForCancellation(
      [request(eventId, failedBuyer.order.id), request(eventId, succeededBuyer.order.id)],
      cause,
    );
    const byOrder = new Map(outcomes.map((o) => [o.orderId, o]));
    expect(byOrder.get(failedBuyer.order.id)).toMatchObject({ status: "failed" }); // the stand-in declines "declined-" orders again
    expect(byOrder.get(succeededBuyer.order.id)).toMatchObject({ status: "skipped", refundId: null });
    const row = await testEnv.DB.prepare("SELECT source, amount_vnd FROM refunds WHERE order_id = ?1 AND source = 'event_cancelled'").bind(failedBuyer.order.id).first();
    expect(row).toEqual({ source: "event_cancelled", amount_vnd: 400_000 });
    expect(await payments.refundCalls(failedBuyer.order.id)).toHaveLength(2);
  });
});
