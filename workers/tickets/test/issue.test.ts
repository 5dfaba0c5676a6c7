import { describe, expect, it } from "vitest";
import { createLogger } from "@tickets/common";
import { issueTickets } from "../src/domain/issue";
import { keyRing, verifyTicketCode } from "../src/domain/codes";
import { dbOf } from "../src/db/client";
import { deliver, orderConfirmed, outboxRows, refundSucceeded, rpc, testEnv } from "./helpers";

const issuedFor = async (orderId: string) => (await outboxRows("TicketsIssued")).filter((e) => (e.payload as { orderId: string }).orderId === orderId);

describe("ticket issuance", () => {
  it("issues one ticket per seat with a verifiable code and one TicketsIssued, rendering no QR image yet", async () => {
    const order = orderConfirmed();
    const result = await deliver([order]);
    expect(result.explicitAcks).toHaveLength(1);

    const tickets = await rpc.ticketsForOrder(order.payload.orderId);
    expect(tickets).toHaveLength(3);
    expect(tickets.map((t) => t.ticketTypeId).sort()).toEqual(["tt-ga", "tt-ga", "tt-vip"]);
    const ring = await keyRing(testEnv);
    for (const t of tickets) {
      expect(t.status).toBe("valid");
      expect(t.qrUrl).toBe(`/api/tickets/${t.id}/qr.png`);
      expect(await verifyTicketCode(ring, t.code)).toMatchObject({ ok: true, claims: { tid: t.id, eid: order.payload.eventId, v: 1 } });
      // The PNG waits for its first request (test/checkin.test.ts "ticket reads").
      expect(await testEnv.TICKETS_BUCKET.head(`qr/${t.id}.png`)).toBeNull();
    }

    const events = await issuedFor(order.payload.orderId);
    expect(events).toHaveLength(1);
    expect(events[0].causationId).toBe(order.id);
    expect(events[0].correlationId).toBe(order.correlationId);
    expect((events[0].payload as { tickets: unknown[] }).tickets).toHaveLength(3);
  });

  it("never issues twice: the same message redelivered, or the order confirmed again under a new event id", async () => {
    const order = orderConfirmed();
    await deliver([order]);
    const first = await rpc.ticketsForOrder(order.payload.orderId);

    await deliver([order]); // redelivery of the very same envelope
    await deliver([{ ...order, id: `${order.id}-again` }]); // a second OrderConfirmed for the same order

    expect(await rpc.ticketsForOrder(order.payload.orderId)).toEqual(first);
    expect(await issuedFor(order.payload.orderId)).toHaveLength(1);
  });

  it("issues once when two deliveries of one order race", async () => {
    const order = orderConfirmed({ items: [{ ticketTypeId: "tt-ga", quantity: 8 }] });
    const deps = { db: dbOf(testEnv), ring: await keyRing(testEnv), log: createLogger({ test: "race" }) };
    const outcomes = await Promise.all([
      issueTickets(deps, order),
      issueTickets(deps, { ...order, id: `${order.id}-b` }),
      issueTickets(deps, { ...order, id: `${order.id}-c` }),
    ]);
    expect(outcomes.filter((o) => o.outcome === "issued")).toHaveLength(1);
    const tickets = await rpc.ticketsForOrder(order.payload.orderId);
    expect(tickets).toHaveLength(8);
    for (const o of outcomes) expect(o.tickets.map((t) => t.id).sort()).toEqual(tickets.map((t) => t.id).sort());
    expect(await issuedFor(order.payload.orderId)).toHaveLength(1);
  });

  it("voids the order's tickets when its refund succeeded, and issues none if the refund came first", async () => {
    const order = orderConfirmed();
    await deliver([order]);
    await deliver([refundSucceeded(order)]);
    expect((await rpc.ticketsForOrder(order.payload.orderId)).map((t) => t.status)).toEqual(["void", "void", "void"]);

    const late = orderConfirmed();
    await deliver([refundSucceeded(late)]);
    await deliver([late]);
    expect(await rpc.ticketsForOrder(late.payload.orderId)).toEqual([]);
    expect(await issuedFor(late.payload.orderId)).toHaveLength(0);
  });

  it("parks dead letters from tickets-dlq", async () => {
    const order = orderConfirmed();
    const result = await deliver([order], "tickets-dlq");
    expect(result.explicitAcks).toHaveLength(1);
    const parked = await testEnv.DB.prepare("SELECT queue, body FROM dead_letters").all<{ queue: string; body: string }>();
    expect(parked.results.some((r) => r.queue === "tickets-dlq" && JSON.parse(r.body).id === order.id)).toBe(true);
    expect(await rpc.ticketsForOrder(order.payload.orderId)).toEqual([]);
  });
});
