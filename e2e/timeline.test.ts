import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, inject, it } from "vitest";
import { adminClient, Client, eventually } from "./client";
import { getOrder, newKey, payAtSandbox, publishedSale, signUp, statusBecomes, type Ticket } from "./saga-helpers";

// One order's story on the booted stack: a buyer buys 2 tickets and pays at the VNPAY sandbox,
// one ticket is checked in, the organizer refunds part of the money. GET /api/orders/:id/timeline
// then tells it from every service's own records, as the buyer sees it and as the organizer does,
// and the workers' JSON log lines of the flow carry the order id (and the checkout's request id)
// across orders, the inventory object, payments, tickets, notifications and refunds.

type Item = { at: string; service: string; step: string; detail?: Record<string, unknown> };

const timeline = async (client: Client, orderId: string) => {
  const res = await client.get(`/api/orders/${orderId}/timeline`);
  expect(res.status).toBe(200);
  return res.json as { items: Item[]; partial: boolean };
};
const names = (items: Item[]) => items.map((i) => `${i.service}:${i.step}`);
const indexOf = (items: Item[], name: string) => names(items).indexOf(name);

/** `expected` appear in `items` in this order (other steps may come between them). */
function expectInOrder(items: Item[], expected: string[]) {
  const positions = expected.map((name) => indexOf(items, name));
  expect(positions.every((p) => p >= 0), `missing from ${names(items).join(", ")}`).toBe(true);
  expect(positions).toEqual([...positions].sort((a, b) => a - b));
}

const jsonLogLines = () =>
  readFileSync(inject("stackLog"), "utf8")
    .split("\n")
    .map((line) => line.slice(line.indexOf("{")))
    .filter((line) => line.startsWith('{"level"'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });

describe("one order's story", () => {
  it("is told in order from every service's records: the buyer's view and the organizer's, and the logs carry the order id", async () => {
    const { organizer, sale } = await publishedSale({ quantity: 10, priceVnd: 200_000 });
    const { client: buyer, user } = await signUp();
    const organizerId = (await organizer.get("/api/auth/me")).json.user.id as string;

    const checkoutRequestId = `e2e-timeline-${randomUUID()}`;
    const placed = await buyer.post(
      "/api/orders",
      { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 2 }] },
      { "idempotency-key": newKey(), "x-request-id": checkoutRequestId },
    );
    expect(placed.status).toBe(201);
    expect(placed.headers.get("x-request-id")).toBe(checkoutRequestId);
    const orderId = placed.json.order.id as string;
    // The buyer pays from the payment link (a link that arrives after the order is paid is not
    // sent at all, and the saga is faster than the link's queue).
    await eventually(async () => (await timeline(organizer, orderId)).items.some((i) => i.step === "notified" && i.detail?.template === "payment_link"), 15_000);
    await payAtSandbox(placed.json.paymentUrl, "success");
    await statusBecomes(buyer, orderId, "confirmed");
    const tickets = (await eventually(async () => {
      const o = await getOrder(buyer, orderId);
      return o.tickets?.length === 2 ? o.tickets : null;
    }, 20_000)) as Ticket[];

    expect((await organizer.post("/api/checkin", { code: tickets[0].code })).status).toBe(200);
    const refund = await organizer.post(`/api/orders/${orderId}/refund`, { reason: "Seat moved", amountVnd: 100_000 });
    expect(refund.status).toBe(202);
    await statusBecomes(buyer, orderId, "partially_refunded", 20_000);

    // Every step is in (the refund's message goes out after the order's update).
    const full = await eventually(async () => {
      const t = await timeline(organizer, orderId);
      return t.items.some((i) => i.step === "notified" && i.detail?.template === "refund_succeeded") ? t : null;
    }, 20_000);
    expect(full.partial).toBe(false);
    const causal = [
      "orders:held",
      "payments:payment_started",
      "payments:payment_succeeded",
      "orders:confirmed",
      "tickets:tickets_issued",
      "tickets:checked_in",
      "refunds:refund_requested",
      "refunds:refund_succeeded",
    ];
    expectInOrder(full.items, causal);
    expectInOrder(full.items, ["refunds:refund_requested", "orders:partially_refunded"]);
    const ats = full.items.map((i) => Date.parse(i.at));
    expect(ats).toEqual([...ats].sort((a, b) => a - b));

    // The organizer's view: VNPAY's IPN with its codes, the refund call to VNPAY, who did what.
    const step = (items: Item[], name: string) => items.find((i) => `${i.service}:${i.step}` === name)!;
    expect(step(full.items, "payments:ipn").detail).toMatchObject({ responseCode: "00", transactionStatus: "00", answerCode: "00" });
    expect(step(full.items, "payments:vnpay_refund").detail).toMatchObject({ amountVnd: 100_000, status: "succeeded" });
    expect(step(full.items, "tickets:checked_in").detail).toMatchObject({ checkedInBy: organizerId, ticket: { id: tickets[0].id } });
    expect(step(full.items, "refunds:refund_requested").detail).toMatchObject({ amountVnd: 100_000, source: "organizer", requestedBy: organizerId });
    expect(step(full.items, "tickets:tickets_issued").detail).toMatchObject({ count: 2 });
    const templates = full.items.filter((i) => i.step === "notified").map((i) => i.detail?.template);
    expect(templates).toEqual(expect.arrayContaining(["payment_link", "order_confirmed", "refund_succeeded"]));

    // The buyer's view: the same story without VNPAY's raw codes or anyone else's ids.
    const mine = await timeline(buyer, orderId);
    expect(mine.partial).toBe(false);
    expectInOrder(mine.items, causal);
    expect(names(mine.items)).not.toContain("payments:ipn");
    expect(names(mine.items)).not.toContain("payments:vnpay_refund");
    const text = JSON.stringify(mine);
    for (const internal of [organizerId, "responseCode", "answerCode", "transactionNo", "checkedInBy", "requestedBy"]) expect(text).not.toContain(internal);
    expect(step(mine.items, "refunds:refund_requested").detail).toEqual({ amountVnd: 100_000, reason: "Seat moved", source: "organizer" });

    // An admin sees it all; anyone else is told there is no such order.
    expect(names((await timeline(await adminClient(), orderId)).items)).toContain("payments:ipn");
    const stranger = (await signUp()).client;
    expect((await stranger.get(`/api/orders/${orderId}/timeline`)).status).toBe(404);
    expect((await new Client().get(`/api/orders/${orderId}/timeline`)).status).toBe(401);
    expect(user.id).not.toBe(organizerId);

    // The logs: the order id is on lines of every service the order went through, and the
    // checkout's request id reached the inventory object, payments and notifications (through
    // the PaymentRequested envelope) as well as orders.
    const lines = await eventually(async () => {
      const all = jsonLogLines().filter((l) => l.correlationId === orderId || l.orderId === orderId);
      const services = new Set(all.map((l) => l.service));
      return ["orders", "events", "payments", "tickets", "notifications", "refunds"].every((s) => services.has(s)) ? all : null;
    }, 15_000);
    const byCheckout = new Set(lines.filter((l) => l.requestId === checkoutRequestId).map((l) => l.service));
    expect([...byCheckout].sort()).toEqual(expect.arrayContaining(["events", "notifications", "orders", "payments"]));
    // The saga's consumers name the order as correlation id on each event they handled.
    const handled = lines.filter((l) => l.msg === "event_handled" && l.correlationId === orderId).map((l) => `${l.service}:${l.type}`);
    expect(handled).toEqual(
      expect.arrayContaining(["orders:PaymentSucceeded", "tickets:OrderConfirmed", "notifications:TicketsIssued", "orders:RefundSucceeded", "tickets:RefundSucceeded"]),
    );
  });
});
