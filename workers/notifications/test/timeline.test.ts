import { describe, expect, it } from "vitest";
import { ulid } from "ulid";
import { makeEvent } from "@tickets/common";
import { dbOf } from "../src/db/client";
import { notificationTimeline } from "../src/domain/timeline";
import { deliver, testEnv } from "./helpers";

// NotificationsRpc.timelineFor: the messages one order caused, from this worker's own rows
// (their order_id, migration 0006), for GET /api/orders/:id/timeline.
describe("an order's messages for its timeline", () => {
  it("lists each message the order caused, per channel, with its template and status, and nothing of other orders", async () => {
    const buyer = `user-en-${ulid()}`;
    const orderId = `ord-${ulid()}`;
    const issued = makeEvent("TicketsIssued", { orderId, eventId: "evt-1", buyerId: buyer, tickets: [{ id: `T-${ulid()}`, code: "c", ticketTypeId: "tt-vip" }] });
    const refunded = makeEvent("RefundSucceeded", { orderId, eventId: "evt-1", buyerId: buyer, refundId: `rf-${ulid()}`, amountVnd: 100_000 });
    const otherOrder = makeEvent("OrderExpired", { orderId: `ord-${ulid()}`, eventId: "evt-1", buyerId: buyer });
    await deliver([issued, otherOrder]);
    await deliver([refunded]);

    const items = await notificationTimeline(dbOf(testEnv), orderId);
    expect(items.map((i) => [i.service, i.step, i.detail?.template, i.detail?.channel, i.detail?.status])).toEqual([
      ["notifications", "notified", "order_confirmed", "email", "sent"],
      ["notifications", "notified", "refund_succeeded", "email", "sent"],
    ]);
    expect(items[0].detail?.recipient).toBe(`${buyer}@example.test`);
    expect(Date.parse(items[0].at)).toBeLessThanOrEqual(Date.parse(items[1].at));
    expect(await notificationTimeline(dbOf(testEnv), `ord-${ulid()}`)).toEqual([]);
  });
});
