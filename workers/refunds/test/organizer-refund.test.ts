import { describe, expect, it } from "vitest";
import { createLogger } from "@tickets/common";
import { getDb } from "../src/db/client";
import { requestRefund } from "../src/domain/request";
import { askRefund, call, orderOf, outbox, payments, refundOf, settled, testEnv, tickets, user } from "./helpers";

const H = 3_600_000;
const retry = (who: ReturnType<typeof user>, id: string) => call("POST", `/api/refunds/${id}/retry`, { as: who });

describe("POST /api/orders/:id/refund by the organizer of the event or an admin", () => {
  it("refunds everything by default, whatever the policy window and check-ins say", async () => {
    // Inside the default policy's no-refund window (starts in 10 h), with a ticket checked in.
    const { buyer, organizer, order } = await orderOf({ totalVnd: 600_000, startsInMs: 10 * H });
    await tickets.setTickets(order.id, [{ id: `t-${order.id}`, status: "checked_in" }]);
    expect((await askRefund(buyer, order.id)).status).toBe(409);

    const res = await askRefund(organizer, order.id, "Show moved, sorry");
    expect(res.status).toBe(202);
    expect(res.json.refund).toMatchObject({ status: "requested", amountVnd: 600_000, source: "organizer", orderId: order.id });
    const done = await settled(organizer, res.json.refund.id);
    expect(done).toMatchObject({ status: "succeeded", failureReason: null });
    const [succeeded] = await outbox(order.id, "RefundSucceeded");
    expect(succeeded.payload).toMatchObject({ amountVnd: 600_000, refundedTotalVnd: 600_000, voidsTickets: true });
  });

  it("takes several partial refunds: money only until the total is reached, never more than paid", async () => {
    const { organizer, order } = await orderOf({ totalVnd: 600_000 });
    const first = await askRefund(organizer, order.id, "Bad seats", 200_000);
    expect(first.status).toBe(202);
    expect(first.json.refund.amountVnd).toBe(200_000);
    // In flight counts: only 400 000 is left while the first is not settled.
    const over = await askRefund(organizer, order.id, "Too much", 400_001);
    expect(over.status).toBe(409);
    expect(over.json.error).toMatchObject({ code: "not_refundable", details: { paidVnd: 600_000, leftVnd: 400_000, amountVnd: 400_001 } });
    expect((await askRefund(organizer, order.id, "Nothing", 0)).status).toBe(409);
    expect((await askRefund(organizer, order.id, "Negative", -5)).status).toBe(409);
    await settled(organizer, first.json.refund.id);

    const rest = await askRefund(organizer, order.id, "The rest");
    expect(rest.status).toBe(202);
    expect(rest.json.refund.amountVnd).toBe(400_000);
    await settled(organizer, rest.json.refund.id);
    const succeeded = (await outbox(order.id, "RefundSucceeded")).map((e) => e.payload);
    expect(succeeded).toEqual([
      expect.objectContaining({ amountVnd: 200_000, refundedTotalVnd: 200_000, voidsTickets: false }),
      expect.objectContaining({ amountVnd: 400_000, refundedTotalVnd: 600_000, voidsTickets: true }),
    ]);
    const none = await askRefund(organizer, order.id, "Again");
    expect(none.status).toBe(409);
    expect(none.json.error.details).toMatchObject({ refundedVnd: 600_000, leftVnd: 0 });
  });

  it("never promises more than was paid to concurrent requests", async () => {
    const { organizer, order } = await orderOf({ totalVnd: 600_000 });
    const answers = await Promise.all([1, 2, 3].map(() => askRefund(organizer, order.id, "Race", 250_000)));
    expect(answers.filter((a) => a.status === 202)).toHaveLength(2);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(1);
  });

  it("lets an admin refund any order and refunds a partially_refunded one; 404 to another organizer", async () => {
    const { order, setStatus } = await orderOf({ totalVnd: 500_000 });
    const admin = user(["admin"]);
    expect((await askRefund(user(["organizer"]), order.id)).status).toBe(404);
    await setStatus("partially_refunded");
    const res = await askRefund(admin, order.id, "Goodwill", 100_000);
    expect(res.status).toBe(202);
    expect(res.json.refund).toMatchObject({ source: "admin", amountVnd: 100_000 });
    await setStatus("refunded");
    const closed = await askRefund(admin, order.id, "More");
    expect(closed.status).toBe(409);
    expect(closed.json.error.details).toMatchObject({ orderStatus: "refunded" });
  });
});

describe("failed refunds and POST /api/refunds/:id/retry", () => {
  it("a refused refund ends failed with failureReason; the organizer retries it and it succeeds", async () => {
    const { buyer, organizer, order } = await orderOf({ totalVnd: 300_000 });
    await payments.script(order.id, ["refuse"]);
    const { json } = await askRefund(organizer, order.id, "Cancelled row");
    const failed = await settled(organizer, json.refund.id);
    expect(failed).toMatchObject({ status: "failed", attempts: 1, failureReason: expect.stringContaining("refused") });
    expect((await refundOf(buyer, json.refund.id)).failureReason).toContain("95");

    expect((await retry(buyer, json.refund.id)).status).toBe(403);
    expect((await retry(user(["organizer"]), json.refund.id)).status).toBe(404);
    const again = await retry(organizer, json.refund.id);
    expect(again.status).toBe(202);
    expect(again.json.refund).toMatchObject({ id: json.refund.id, status: "requested", failureReason: null });
    expect(await settled(organizer, json.refund.id)).toMatchObject({ status: "succeeded" });
    expect(await payments.refundCalls(order.id)).toHaveLength(2);

    const notFailed = await retry(organizer, json.refund.id);
    expect(notFailed.status).toBe(409);
    expect(notFailed.json.error.code).toBe("invalid_state");
  });

  it("retries transient failures with backoff, then succeeds", async () => {
    const { organizer, order } = await orderOf();
    await payments.script(order.id, ["timeout", "throw", "ok"]);
    const { json } = await askRefund(organizer, order.id, "Flaky VNPAY");
    const done = await settled(organizer, json.refund.id, 15_000);
    expect(done).toMatchObject({ status: "succeeded", attempts: 3 });
    expect(await payments.refundCalls(order.id)).toHaveLength(3);
    expect(await outbox(order.id, "RefundSucceeded")).toHaveLength(1);
  });

  it("gives up after the last attempt: failed with the reason, one RefundFailed", async () => {
    const { organizer, order } = await orderOf();
    await payments.script(order.id, ["timeout", "timeout", "timeout", "timeout"]);
    const { json } = await askRefund(organizer, order.id, "VNPAY down");
    const failed = await settled(organizer, json.refund.id, 20_000);
    expect(failed).toMatchObject({ status: "failed", attempts: 4, failureReason: expect.stringContaining("could not be reached after 4 attempts") });
    expect(await outbox(order.id, "RefundFailed")).toHaveLength(1);
    // A failed refund holds no money, so its amount still fits: the retry is accepted and goes through.
    expect((await retry(organizer, json.refund.id)).status).toBe(202);
    expect(await settled(organizer, json.refund.id)).toMatchObject({ status: "succeeded" });
  });

  it("refuses a retry whose amount another refund has taken meanwhile (409 not_refundable)", async () => {
    const { organizer, order } = await orderOf({ totalVnd: 400_000 });
    await payments.script(order.id, ["refuse"]);
    const first = await askRefund(organizer, order.id, "First");
    await settled(organizer, first.json.refund.id);
    const second = await askRefund(organizer, order.id, "Second takes it all");
    expect(second.json.refund.amountVnd).toBe(400_000);
    const res = await retry(organizer, first.json.refund.id);
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe("not_refundable");
  });
});

describe("requestRefund (the domain function an RPC caller such as event cancellation uses)", () => {
  it("asks once per request key, refunds all that is left, and voids the tickets when it succeeds", async () => {
    const { organizer, order } = await orderOf({ totalVnd: 500_000 });
    await askRefund(organizer, order.id, "Earlier goodwill", 100_000);
    const deps = { db: getDb(testEnv.DB), orders: testEnv.ORDERS_RPC, log: createLogger({ service: "refunds", test: "requestRefund" }) };
    const ask = () =>
      requestRefund(deps, { orderId: order.id, reason: "Event cancelled", requestedBy: organizer.userId, cause: "event_cancelled", requestKey: `cancel:${order.eventId}:${order.id}` });
    const [first, second] = await Promise.all([ask(), ask()]);
    expect(second.id).toBe(first.id);
    expect(first).toMatchObject({ amountVnd: 400_000, source: "event_cancelled", requestedBy: organizer.userId });
    expect((await ask()).id).toBe(first.id);
    expect((await outbox(order.id, "RefundRequested")).filter((e) => e.payload.refundId === first.id)).toHaveLength(1);

    await settled(organizer, first.id);
    const last = (await outbox(order.id, "RefundSucceeded")).find((e) => e.payload.refundId === first.id);
    expect(last.payload).toMatchObject({ amountVnd: 400_000, voidsTickets: true });
    await expect(
      requestRefund(deps, { orderId: order.id, reason: "Again", requestedBy: organizer.userId, cause: "event_cancelled", requestKey: "another-key" }),
    ).rejects.toMatchObject({ status: 409, code: "not_refundable" });
  });
});
