import { describe, expect, it } from "vitest";
import { ulid } from "ulid";
import { callJson, deliver, identity, orderConfirmed, refundSucceeded, rpc } from "./helpers";

// TicketsRpc.timelineFor: the tickets side of an order's story, from this worker's own rows
// (GET /api/orders/:id/timeline in the orders worker puts it together).
describe("an order's ticket steps for its timeline", () => {
  it("issued (one step per batch), each check-in with who scanned it, then voided by the refund, oldest first", async () => {
    const eventId = `evt-${ulid()}`;
    const order = orderConfirmed({ eventId });
    await deliver([order]);
    const tickets = await rpc.ticketsForOrder(order.payload.orderId);
    const staff = identity(`staff-${eventId}`);
    expect((await callJson("POST", "/api/checkin", staff, { code: tickets[1].code })).status).toBe(200);
    const refund = refundSucceeded(order);
    await deliver([refund]);

    const items = await rpc.timelineFor(order.payload.orderId, { requestId: "req-1" });
    expect(items.map((i) => `${i.service}:${i.step}`)).toEqual(["tickets:tickets_issued", "tickets:checked_in", "tickets:tickets_voided"]);
    const [issued, checkedIn, voided] = items;
    expect(issued.detail).toMatchObject({ count: 3 });
    expect((issued.detail!.tickets as Array<{ id: string }>).map((t) => t.id).sort()).toEqual(tickets.map((t) => t.id).sort());
    expect(checkedIn.detail).toMatchObject({ ticket: { id: tickets[1].id }, checkedInBy: staff.userId });
    expect(voided.detail).toMatchObject({ refundId: refund.payload.refundId });
    const ats = items.map((i) => Date.parse(i.at));
    expect(ats).toEqual([...ats].sort((a, b) => a - b));
    expect(await rpc.timelineFor(`unknown-${ulid()}`)).toEqual([]);
  });
});
