import { describe, expect, it } from "vitest";
import { ulid } from "ulid";
import { deliver, orderConfirmed, refundSucceeded, rpc, testEnv } from "./helpers";

const HOUR = 3600_000;

describe("holders for reminders", () => {
  it("lists holders of valid tickets to events starting in the window, one entry per holder", async () => {
    const soon = `evt-in24h-${ulid()}`;
    const later = `evt-in240h-${ulid()}`;
    const alice = `buyer-a-${ulid()}`;
    const bob = `buyer-b-${ulid()}`;
    const carol = `buyer-c-${ulid()}`;
    await deliver([
      orderConfirmed({ eventId: soon, buyerId: alice }),
      orderConfirmed({ eventId: soon, buyerId: alice, items: [{ ticketTypeId: "tt-ga", quantity: 1 }] }),
      orderConfirmed({ eventId: soon, buyerId: bob, items: [{ ticketTypeId: "tt-ga", quantity: 1 }] }),
      orderConfirmed({ eventId: later, buyerId: alice }),
    ]);
    const refunded = orderConfirmed({ eventId: soon, buyerId: carol });
    // Bob also had a second order, refunded: only his remaining valid ticket counts.
    const bobsRefunded = orderConfirmed({ eventId: soon, buyerId: bob });
    await deliver([refunded, bobsRefunded]);
    await deliver([refundSucceeded(refunded), refundSucceeded(bobsRefunded)]);
    // The issuance snapshot of the schedule is written in the background; the RPC fills gaps itself.
    await testEnv.DB.prepare("DELETE FROM event_info WHERE event_id = ?").bind(soon).run();

    const now = Date.now();
    const found = await rpc.holdersForEventsStartingBetween(new Date(now + 23 * HOUR).toISOString(), new Date(now + 25 * HOUR).toISOString());
    const entry = found.find((e) => e.eventId === soon)!;
    expect(entry).toMatchObject({ title: `Concert ${soon}`, venue: "Nhà hát Lớn" });
    expect(Math.abs(Date.parse(entry.startsAt) - (now + 24 * HOUR))).toBeLessThan(60_000);
    expect(entry.holders.sort((a, b) => a.buyerId.localeCompare(b.buyerId))).toEqual([
      { buyerId: alice, buyerEmail: "buyer@example.test", tickets: 4 },
      { buyerId: bob, buyerEmail: "buyer@example.test", tickets: 1 },
    ]);
    expect(found.some((e) => e.eventId === later)).toBe(false);
    // Carol's only tickets were refunded (voided): she is not a holder at all.
    expect(entry.holders.some((h) => h.buyerId === carol)).toBe(false);
  });
});
