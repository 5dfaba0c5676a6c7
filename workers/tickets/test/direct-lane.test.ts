import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { DirectInboxApi } from "@tickets/common";
import { orderConfirmed, refundSucceeded, rpc } from "./helpers";

// The direct lane (packages/common/src/direct-delivery.ts): orders' relay hands OrderConfirmed to
// this worker's InboxReceipts entrypoint instead of the tickets inbox.
const lane = (exports as unknown as { InboxReceipts: DirectInboxApi }).InboxReceipts;

describe("direct lane for OrderConfirmed", () => {
  it("issues the order's tickets once and answers the event's id, again on a repeat", async () => {
    const confirmed = orderConfirmed({ items: [{ ticketTypeId: "tt-direct", quantity: 3 }] });
    expect(await lane.deliver([confirmed])).toEqual([confirmed.id]);
    const issued = await rpc.ticketsForOrder(confirmed.payload.orderId);
    expect(issued).toHaveLength(3);

    expect(await lane.deliver([confirmed])).toEqual([confirmed.id]);
    expect((await rpc.ticketsForOrder(confirmed.payload.orderId)).map((t) => t.id)).toEqual(issued.map((t) => t.id));
  });

  it("leaves other events (a refund's voiding) to the queue", async () => {
    const confirmed = orderConfirmed();
    expect(await lane.deliver([confirmed])).toEqual([confirmed.id]);
    expect(await lane.deliver([refundSucceeded(confirmed)])).toEqual([]);
    expect((await rpc.ticketsForOrder(confirmed.payload.orderId)).every((t) => t.status === "valid")).toBe(true);
  });
});
