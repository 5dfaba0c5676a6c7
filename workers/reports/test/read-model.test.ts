import { describe, expect, it } from "vitest";
import { allocateRefund } from "../src/domain/allocate";
import { vnDay } from "../src/domain/time";
import { checkedIn, confirmed, deliver, deliverTo, eventOf, refunded, sales, testEnv, type Item } from "./helpers";

const vip = (quantity: number): Item => ({ ticketTypeId: "tt-vip", name: "Vé VIP – Hàng đầu", unitPriceVnd: 1_250_000, quantity });
const std = (quantity: number): Item => ({ ticketTypeId: "tt-std", name: "Vé thường", unitPriceVnd: 350_000, quantity });

describe("the sales read model", () => {
  it("adds up sales, refunds and check-ins per ticket type and per Vietnam day", async () => {
    const { eventId, organizer } = await eventOf();
    const day1 = "2026-11-20T03:00:00.000Z"; // 10:00 in Vietnam, 2026-11-20
    const lateDay1 = "2026-11-20T18:30:00.000Z"; // 01:30 on 2026-11-21 in Vietnam
    await deliver(
      confirmed(eventId, `${eventId}:o-1`, [vip(2), std(1)], day1),
      confirmed(eventId, `${eventId}:o-2`, [std(3)], lateDay1),
      refunded(eventId, `${eventId}:o-2`, `${eventId}:r-2`, 1_050_000, "2026-11-22T02:00:00.000Z"), // full refund of o-2
      checkedIn(eventId, `${eventId}:o-1`, `${eventId}:t-1`, "tt-vip", "2026-11-22T12:00:00.000Z"),
    );
    const report = await sales(eventId, organizer);
    expect(report).toMatchObject({
      eventId,
      title: "Đêm nhạc Trịnh Công Sơn",
      ticketsSold: 6,
      grossVnd: 2 * 1_250_000 + 4 * 350_000,
      refundedVnd: 1_050_000,
      netVnd: 2 * 1_250_000 + 4 * 350_000 - 1_050_000,
      orders: 2,
      checkIns: 1,
    });
    expect(report.byTicketType).toEqual([
      { ticketTypeId: "tt-std", name: "Vé thường", ticketsSold: 4, grossVnd: 1_400_000, refundedVnd: 1_050_000, netVnd: 350_000, checkIns: 0 },
      { ticketTypeId: "tt-vip", name: "Vé VIP – Hàng đầu", ticketsSold: 2, grossVnd: 2_500_000, refundedVnd: 0, netVnd: 2_500_000, checkIns: 1 },
    ]);
    expect(report.byDay).toEqual([
      { date: "2026-11-20", ticketsSold: 3, grossVnd: 2_850_000, refundedVnd: 0, netVnd: 2_850_000, orders: 1, checkIns: 0 },
      { date: "2026-11-21", ticketsSold: 3, grossVnd: 1_050_000, refundedVnd: 0, netVnd: 1_050_000, orders: 1, checkIns: 0 },
      { date: "2026-11-22", ticketsSold: 0, grossVnd: 0, refundedVnd: 1_050_000, netVnd: -1_050_000, orders: 0, checkIns: 1 },
    ]);
  });

  it("counts an event once however often it arrives, also re-sent under a new envelope id", async () => {
    const { eventId, organizer } = await eventOf();
    const sale = confirmed(eventId, `${eventId}:o-dup`, [vip(1), std(2)]);
    const refund = refunded(eventId, `${eventId}:o-dup`, `${eventId}:r-dup`, 500_000);
    const checkIn = checkedIn(eventId, `${eventId}:o-dup`, `${eventId}:t-dup`, "tt-std");
    await deliver(sale, sale, refund, checkIn);
    await deliver(sale, refund, refund, checkIn, checkIn);
    // A producer that relayed its outbox twice sends the same fact with a fresh envelope id.
    await deliver(confirmed(eventId, `${eventId}:o-dup`, [vip(1), std(2)]), refunded(eventId, `${eventId}:o-dup`, `${eventId}:r-dup`, 500_000), checkedIn(eventId, `${eventId}:o-dup`, `${eventId}:t-dup`, "tt-std"));
    const report = await sales(eventId, organizer);
    expect(report).toMatchObject({ ticketsSold: 3, grossVnd: 1_950_000, refundedVnd: 500_000, netVnd: 1_450_000, orders: 1, checkIns: 1 });
  });

  it("ends with the same figures whatever order the events arrive in (a refund before its sale)", async () => {
    const script = (eventId: string) => [
      confirmed(eventId, `${eventId}:o-a`, [vip(1), std(2)], "2026-11-20T01:00:00.000Z"),
      confirmed(eventId, `${eventId}:o-b`, [std(4)], "2026-11-20T02:00:00.000Z"),
      confirmed(eventId, `${eventId}:o-c`, [vip(3)], "2026-11-21T02:00:00.000Z"),
      refunded(eventId, `${eventId}:o-a`, `${eventId}:r-a`, 975_000, "2026-11-21T05:00:00.000Z"), // half of o-a
      refunded(eventId, `${eventId}:o-b`, `${eventId}:r-b`, 1_400_000, "2026-11-22T05:00:00.000Z"), // all of o-b
      refunded(eventId, `${eventId}:o-a`, `${eventId}:r-a2`, 975_000, "2026-11-23T05:00:00.000Z"), // the other half of o-a
      checkedIn(eventId, `${eventId}:o-c`, `${eventId}:t-c1`, "tt-vip", "2026-11-24T12:00:00.000Z"),
      checkedIn(eventId, `${eventId}:o-c`, `${eventId}:t-c2`, "tt-vip", "2026-11-24T12:01:00.000Z"),
    ];
    const inOrder = await eventOf();
    await deliver(...script(inOrder.eventId));
    const expected = await sales(inOrder.eventId, inOrder.organizer);

    const reversed = await eventOf();
    for (const e of script(reversed.eventId).reverse()) await deliver(e);
    const shuffled = await eventOf();
    const s = script(shuffled.eventId);
    await deliver(s[5], s[3], s[6], s[1], s[4], s[0], s[7], s[2]);

    for (const other of [reversed, shuffled]) {
      const report = await sales(other.eventId, other.organizer);
      expect({ ...report, eventId: inOrder.eventId }).toEqual(expected);
    }
    expect(expected).toMatchObject({ grossVnd: 1_950_000 + 1_400_000 + 3_750_000, refundedVnd: 1_950_000 + 1_400_000, checkIns: 2 });
  });

  it("keeps a refund of an order that was never sold out of the figures (a late payment given back)", async () => {
    const { eventId, organizer } = await eventOf();
    await deliver(confirmed(eventId, `${eventId}:o-sold`, [std(1)]), refunded(eventId, `${eventId}:o-never-confirmed`, `${eventId}:r-late`, 700_000));
    expect(await sales(eventId, organizer)).toMatchObject({ ticketsSold: 1, grossVnd: 350_000, refundedVnd: 0, netVnd: 350_000 });
    const fact = await testEnv.DB.prepare("SELECT amount_vnd, applied_stamp FROM refund_facts WHERE refund_id = ?").bind(`${eventId}:r-late`).first();
    expect(fact).toEqual({ amount_vnd: 700_000, applied_stamp: null });
  });

  it("spreads a partial refund over ticket types to the last đồng", async () => {
    const { eventId, organizer } = await eventOf();
    await deliver(confirmed(eventId, `${eventId}:o-odd`, [vip(1), std(1)]), refunded(eventId, `${eventId}:o-odd`, `${eventId}:r-odd`, 333_333));
    const report = await sales(eventId, organizer);
    const refundedByType = report.byTicketType.map((t: { refundedVnd: number }) => t.refundedVnd);
    expect(refundedByType.reduce((a: number, b: number) => a + b, 0)).toBe(333_333);
    expect(report.refundedVnd).toBe(333_333);
    // In proportion to 350,000 : 1,250,000, rounded so the parts still add up.
    expect(refundedByType).toEqual([72_917, 260_416]);
  });
});

describe("poison messages", () => {
  it("retries an event it cannot count (no prices), and parks what reaches reports-dlq for an operator", async () => {
    const { eventId } = await eventOf();
    const unpriced = confirmed(eventId, `${eventId}:o-x`, [vip(1)]);
    delete (unpriced.payload.items[0] as { unitPriceVnd?: number }).unitPriceVnd;
    const result = await deliver(unpriced);
    expect(result.retryMessages).toHaveLength(1);
    expect(result.explicitAcks).toHaveLength(0);

    const parked = await deliverTo("reports-dlq", [unpriced]);
    expect(parked.explicitAcks).toHaveLength(1);
    const row = await testEnv.DB.prepare("SELECT queue, body FROM dead_letters WHERE body LIKE ?").bind(`%${eventId}:o-x%`).first<{ queue: string; body: string }>();
    expect(row?.queue).toBe("reports-dlq");
    expect(JSON.parse(row!.body).id).toBe(unpriced.id);
  });
});

describe("refund allocation", () => {
  it("always adds up to the refund, in proportion to each type's gross", () => {
    for (const [amount, grosses] of [
      [1, [1, 1, 1]],
      [100, [3, 3, 3]],
      [999_999_999, [1_000_000_007, 3, 999_999_999_999]],
      [50, [0, 0]],
    ] as Array<[number, number[]]>) {
      const parts = allocateRefund(amount, grosses.map((g, i) => ({ ticketTypeId: `t${i}`, grossVnd: g })));
      expect(parts.reduce((s, p) => s + p.amountVnd, 0)).toBe(amount);
      const total = grosses.reduce((a, b) => a + b, 0);
      if (total > 0) parts.forEach((p, i) => expect(Math.abs(p.amountVnd - (amount * grosses[i]) / total)).toBeLessThan(1));
    }
  });
});

describe("Vietnam days", () => {
  it("turns at 17:00 UTC", () => {
    expect(vnDay(Date.parse("2026-11-27T16:59:59.999Z"))).toBe("2026-11-27");
    expect(vnDay(Date.parse("2026-11-27T17:00:00.000Z"))).toBe("2026-11-28");
  });
});
