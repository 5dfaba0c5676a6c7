import { describe, expect, it } from "vitest";
import { makeEvent } from "@tickets/common";
import { askRefund, call, deliver, orderOf, outbox, payments, refundOf, refundRow, settled, testEnv, tickets, user } from "./helpers";

const H = 3_600_000;
const standard = { fullRefundUntilHours: 72, partialRefundUntilHours: 24, partialRefundPercent: 50 };

describe("POST /api/orders/:id/refund", () => {
  it("answers 202 requested with the full amount and queues the work in the same write", async () => {
    const { buyer, order } = await orderOf({ totalVnd: 600_000 });
    const res = await askRefund(buyer, order.id, "Cannot come any more");
    expect(res.status).toBe(202);
    expect(res.json.refund).toMatchObject({ id: expect.any(String), status: "requested", amountVnd: 600_000, orderId: order.id, reason: "Cannot come any more", source: "buyer" });
    const [requested] = await outbox(order.id, "RefundRequested");
    expect(requested.payload).toEqual({
      orderId: order.id,
      eventId: order.eventId,
      buyerId: buyer.userId,
      buyerEmail: buyer.email,
      refundId: res.json.refund.id,
      amountVnd: 600_000,
      reason: "Cannot come any more",
      requestedBy: buyer.userId,
    });
  });

  it("gives the policy's partial percent inside the partial window", async () => {
    const { buyer, order } = await orderOf({ totalVnd: 700_000, policy: standard, startsInMs: 48 * H });
    const res = await askRefund(buyer, order.id);
    expect(res.status).toBe(202);
    expect(res.json.refund).toMatchObject({ status: "requested", amountVnd: 350_000 });
  });

  it("refuses inside the no-refund window with 409 not_refundable and the deadlines", async () => {
    const { buyer, order } = await orderOf({ startsInMs: 71 * H });
    const res = await askRefund(buyer, order.id);
    expect(res.status).toBe(409);
    expect(res.json.error).toMatchObject({ code: "not_refundable", details: { fullRefundUntil: expect.any(String), partialRefundUntil: null } });
    expect(await refundRow(order.id)).toBeNull();
    expect(await outbox(order.id)).toEqual([]);
  });

  it.each(["pending_payment", "cancelled", "expired", "refund_pending", "refunded", "partially_refunded"] as const)(
    "refuses a %s order with 409 not_refundable",
    async (status) => {
      const { buyer, order } = await orderOf({ status });
      const res = await askRefund(buyer, order.id);
      expect(res.status).toBe(409);
      expect(res.json.error).toMatchObject({ code: "not_refundable", details: { orderStatus: status } });
      expect(await refundRow(order.id)).toBeNull();
    },
  );

  it("is 404 for another buyer's order and for an unknown one, 401 without a caller, 400 without a reason", async () => {
    const { order } = await orderOf();
    const stranger = user();
    const other = await askRefund(stranger, order.id);
    expect(other.status).toBe(404);
    expect(other.json.error.code).toBe("not_found");
    expect((await askRefund(stranger, "o-unknown")).status).toBe(404);
    const anonymous = await call("POST", `/api/orders/${order.id}/refund`, { body: { reason: "x" } });
    expect(anonymous.status).toBe(401);
    const { buyer, order: mine } = await orderOf();
    const noReason = await call("POST", `/api/orders/${mine.id}/refund`, { as: buyer, body: {} });
    expect(noReason.status).toBe(400);
    expect(noReason.json.error.code).toBe("invalid_request");
    expect(await refundRow(order.id)).toBeNull();
  });

  it("refuses once a ticket of the order is checked in (409 not_refundable, the reason in details)", async () => {
    const { buyer, order } = await orderOf();
    await tickets.setTickets(order.id, [
      { id: `t1-${order.id}`, status: "valid" },
      { id: `t2-${order.id}`, status: "checked_in" },
    ]);
    const res = await askRefund(buyer, order.id);
    expect(res.status).toBe(409);
    expect(res.json.error).toMatchObject({ code: "not_refundable", details: { reason: "checked_in", checkedInTickets: [`t2-${order.id}`] } });
    expect(await refundRow(order.id)).toBeNull();
  });

  it("does not let a buyer choose the amount (400)", async () => {
    const { buyer, order } = await orderOf();
    const res = await askRefund(buyer, order.id, "Half please", 100_000);
    expect(res.status).toBe(400);
    expect(await refundRow(order.id)).toBeNull();
  });

  it("allows one refund per order: asking again is 409 with the existing refund, even concurrently", async () => {
    const { buyer, order } = await orderOf();
    const answers = await Promise.all([askRefund(buyer, order.id), askRefund(buyer, order.id), askRefund(buyer, order.id)]);
    const accepted = answers.filter((a) => a.status === 202);
    expect(accepted).toHaveLength(1);
    const id = accepted[0].json.refund.id;
    for (const a of answers.filter((a) => a.status !== 202)) {
      expect(a.status).toBe(409);
      expect(a.json.error).toMatchObject({ code: "not_refundable", details: { refundId: id } });
    }
    expect(await outbox(order.id, "RefundRequested")).toHaveLength(1);
    await settled(buyer, id);
    const again = await askRefund(buyer, order.id);
    expect(again.status).toBe(409);
    expect(again.json.error.details).toMatchObject({ refundId: id, status: "succeeded" });
  });
});

describe("processing a requested refund", () => {
  it("refunds through payments and emits RefundSucceeded; redeliveries change nothing", async () => {
    const { buyer, order } = await orderOf({ totalVnd: 700_000, policy: standard, startsInMs: 48 * H });
    const { json } = await askRefund(buyer, order.id, "Sick");
    // The real refunds-inbox consumer picks the request up.
    const refund = await settled(buyer, json.refund.id);
    expect(refund).toMatchObject({ id: json.refund.id, status: "succeeded", amountVnd: 350_000, failure: null });
    expect(await payments.refundCalls(order.id)).toEqual([{ refundId: json.refund.id, orderId: order.id, amountVnd: 350_000, reason: "Sick", requestedBy: buyer.userId }]);

    const [requested] = await outbox(order.id, "RefundRequested");
    const duplicate = makeEvent("RefundRequested", requested.payload);
    const result = await deliver("refunds-inbox", [requested, duplicate, requested]);
    expect(result.explicitAcks).toHaveLength(3);
    expect(await payments.refundCalls(order.id)).toHaveLength(1);
    const succeeded = await outbox(order.id, "RefundSucceeded");
    expect(succeeded).toHaveLength(1);
    expect(succeeded[0].payload).toEqual({
      orderId: order.id,
      eventId: order.eventId,
      buyerId: buyer.userId,
      buyerEmail: buyer.email,
      refundId: json.refund.id,
      amountVnd: 350_000,
      refundedTotalVnd: 350_000,
      // The buyer gives the order back: even a partial (policy) refund voids its tickets.
      voidsTickets: true,
    });
    expect(succeeded[0].causationId).toBe(requested.id);
  });

  it("records a declined refund as failed with RefundFailed, and lets the buyer ask again", async () => {
    const { buyer, order } = await orderOf({ idPrefix: "declined-" });
    const first = await askRefund(buyer, order.id);
    expect(first.status).toBe(202);
    const refund = await settled(buyer, first.json.refund.id);
    expect(refund).toMatchObject({ status: "failed", failure: { code: "95", message: expect.any(String) } });
    const failed = await outbox(order.id, "RefundFailed");
    expect(failed).toHaveLength(1);
    expect(failed[0].payload).toMatchObject({ orderId: order.id, refundId: refund.id, reason: expect.stringContaining("95") });
    expect(await outbox(order.id, "RefundSucceeded")).toEqual([]);

    const second = await askRefund(buyer, order.id, "Trying again");
    expect(second.status).toBe(202);
    expect(second.json.refund).toMatchObject({ id: refund.id, status: "requested", reason: "Trying again", failure: null });
    await settled(buyer, refund.id);
    expect(await payments.refundCalls(order.id)).toHaveLength(2);
    expect(await outbox(order.id, "RefundFailed")).toHaveLength(2);
  });
});

describe("GET /api/refunds/:id", () => {
  it("shows the refund to its buyer, the event's organizer and admins; 404 to anyone else", async () => {
    const { buyer, organizer, order } = await orderOf();
    const { json } = await askRefund(buyer, order.id, "Moved away");
    for (const who of [buyer, organizer, user(["admin"])]) {
      const res = await call("GET", `/api/refunds/${json.refund.id}`, { as: who });
      expect(res.status).toBe(200);
      expect(res.json.refund).toMatchObject({ id: json.refund.id, orderId: order.id, amountVnd: 600_000, reason: "Moved away", createdAt: expect.any(String) });
      expect(["requested", "processing", "succeeded"]).toContain(res.json.refund.status);
    }
    for (const who of [user(), user(["organizer"])]) {
      const res = await call("GET", `/api/refunds/${json.refund.id}`, { as: who });
      expect(res.status).toBe(404);
      expect(res.json.error.code).toBe("not_found");
    }
    expect((await call("GET", "/api/refunds/unknown", { as: buyer })).status).toBe(404);
    expect((await call("GET", `/api/refunds/${json.refund.id}`)).status).toBe(401);
  });
});
