import { describe, expect, it } from "vitest";
import { timelineItem, type TimelineItem, type Trace } from "@tickets/common";
import { assembleTimeline, sortTimeline, viewFor } from "../src/domain/timeline";
import { admin, call, key, placeOrder, saleOf, testEnv, user } from "./helpers";

// GET /api/orders/:id/timeline: orders' own steps plus what payments, tickets, notifications and
// refunds answer (their stand-ins in test/fakes/other-workers.ts, scripted per order here); the
// real services' answers are checked end to end in e2e/timeline.test.ts.

type Script = { items?: TimelineItem[]; fail?: string; delayMs?: number };
type StandIn = { scriptTimeline(orderId: string, s: Script): Promise<void>; timelineTraceOf(orderId: string): Promise<Trace | null> };
const standIn = (binding: "PAYMENTS_RPC" | "TICKETS_RPC" | "NOTIFICATIONS_RPC" | "REFUNDS_RPC") => testEnv[binding] as unknown as StandIn;
const setOrganizer = (eventId: string, userId: string) =>
  (testEnv.EVENTS_RPC as unknown as { setOrganizer(e: string, u: string): Promise<void> }).setOrganizer(eventId, userId);

const at = (base: number, plusMs: number) => base + plusMs;

/** An order placed through the real route and inventory object, its organizer known to events. */
async function paidStory() {
  const sale = await saleOf(10, 150_000);
  const buyer = user();
  const organizer = user(["organizer"]);
  await setOrganizer(sale.eventId, organizer.userId);
  const placed = await placeOrder(buyer, key(), { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 2 }] });
  expect(placed.status).toBe(201);
  const orderId = placed.json.order.id as string;
  const t0 = Date.parse(placed.json.order.createdAt);
  // Each service's steps, as its own records would say (deliberately handed over out of order).
  await standIn("PAYMENTS_RPC").scriptTimeline(orderId, {
    items: [
      timelineItem(at(t0, 3_000), "payments", "payment_succeeded", { paymentId: "pay-1", amountVnd: 300_000, responseCode: "00", transactionNo: "14000001" }),
      timelineItem(at(t0, 3_000), "payments", "ipn", { responseCode: "00", transactionStatus: "00", answerCode: "00", answerMessage: "Confirm Success" }),
      timelineItem(at(t0, 5), "payments", "payment_started", { attemptId: "att-1", amountVnd: 300_000, paymentHost: "http://sandbox", expiresAt: "2030-01-01T00:00:00.000Z" }),
    ],
  });
  await standIn("TICKETS_RPC").scriptTimeline(orderId, {
    items: [
      timelineItem(at(t0, 9_000), "tickets", "checked_in", { ticket: { id: "t-1", ticketTypeId: sale.ticketTypeId, ticketTypeName: "General admission" }, checkedInBy: "staff-user-7" }),
      timelineItem(at(t0, 4_000), "tickets", "tickets_issued", { count: 2, tickets: [{ id: "t-1" }, { id: "t-2" }] }),
    ],
  });
  await standIn("NOTIFICATIONS_RPC").scriptTimeline(orderId, {
    items: [timelineItem(at(t0, 4_500), "notifications", "notified", { template: "order_confirmed", channel: "email", status: "sent", recipient: buyer.email })],
  });
  await standIn("REFUNDS_RPC").scriptTimeline(orderId, {
    items: [
      timelineItem(at(t0, 10_000), "refunds", "refund_requested", { refundId: "rf-1", amountVnd: 50_000, reason: "Seat moved", source: "organizer", requestedBy: organizer.userId }),
      timelineItem(at(t0, 11_000), "refunds", "refund_succeeded", { refundId: "rf-1", amountVnd: 50_000, responseCode: "00" }),
    ],
  });
  return { sale, buyer, organizer, orderId };
}

/** paidStory's steps in the order the organizer must see them. */
const FULL_STORY = [
  "orders:held",
  "payments:payment_started",
  "payments:ipn",
  "payments:payment_succeeded",
  "tickets:tickets_issued",
  "notifications:notified",
  "tickets:checked_in",
  "refunds:refund_requested",
  "refunds:refund_succeeded",
];

const timelineOf = (orderId: string, as: ReturnType<typeof user>, headers?: Record<string, string>) => call("GET", `/api/orders/${orderId}/timeline`, { as, headers });
const steps = (items: TimelineItem[]) => items.map((i) => `${i.service}:${i.step}`);

describe("GET /api/orders/:id/timeline", () => {
  it("gives the event's organizer every service's steps, oldest first, with their internal detail", async () => {
    const { orderId, organizer, buyer } = await paidStory();
    const res = await timelineOf(orderId, organizer);
    expect(res.status).toBe(200);
    expect(res.json.partial).toBe(false);
    expect(steps(res.json.items)).toEqual(FULL_STORY);
    const ats = res.json.items.map((i: TimelineItem) => Date.parse(i.at));
    expect(ats).toEqual([...ats].sort((a, b) => a - b));
    const byStep = Object.fromEntries(res.json.items.map((i: TimelineItem) => [i.step, i.detail]));
    expect(byStep.held).toMatchObject({ totalVnd: 300_000, items: [expect.objectContaining({ quantity: 2, unitPriceVnd: 150_000 })] });
    expect(byStep.ipn).toMatchObject({ responseCode: "00", answerCode: "00" });
    expect(byStep.checked_in).toMatchObject({ checkedInBy: "staff-user-7" });
    expect(byStep.refund_requested).toMatchObject({ requestedBy: organizer.userId });
    expect(byStep.notified).toMatchObject({ recipient: buyer.email });
  });

  it("gives the owner a buyer's view: no VNPAY callbacks or codes, no internal or other users' ids", async () => {
    const { orderId, buyer, organizer } = await paidStory();
    const res = await timelineOf(orderId, buyer);
    expect(res.status).toBe(200);
    expect(steps(res.json.items)).toEqual(FULL_STORY.filter((step) => step !== "payments:ipn"));
    const text = JSON.stringify(res.json);
    for (const internal of ["staff-user-7", organizer.userId, "att-1", "pay-1", "responseCode", "answerCode", "transactionNo", "paymentHost", "rf-1", "recipient"]) {
      expect(text).not.toContain(internal);
    }
    const byStep = Object.fromEntries(res.json.items.map((i: TimelineItem) => [i.step, i.detail]));
    expect(byStep.payment_succeeded).toEqual({ amountVnd: 300_000 });
    expect(byStep.checked_in).toEqual({ ticketTypeName: "General admission" });
    expect(byStep.refund_requested).toEqual({ amountVnd: 50_000, reason: "Seat moved", source: "organizer" });
    expect(byStep.held.items).toEqual([{ name: "General admission", quantity: 2, unitPriceVnd: 150_000 }]);
  });

  it("gives an admin the full view, and anyone else (another buyer, another organizer) 404 as for an unknown order", async () => {
    const { orderId } = await paidStory();
    const full = await timelineOf(orderId, admin());
    expect(full.status).toBe(200);
    expect(steps(full.json.items)).toContain("payments:ipn");

    for (const stranger of [user(), user(["organizer"])]) {
      const res = await timelineOf(orderId, stranger);
      expect(res.status).toBe(404);
      expect(res.json.error.code).toBe("not_found");
    }
    expect((await timelineOf("01UNKNOWNORDER00000000000000", admin())).status).toBe(404);
    expect((await call("GET", `/api/orders/${orderId}/timeline`)).status).toBe(401);
  });

  it("answers without a service that is slow or failing: partial, with an unavailable step naming it", async () => {
    const { orderId, organizer, buyer } = await paidStory();
    await standIn("PAYMENTS_RPC").scriptTimeline(orderId, { delayMs: 3_000, items: [] });
    await standIn("REFUNDS_RPC").scriptTimeline(orderId, { fail: "refunds D1 unavailable" });
    const started = Date.now();
    const res = await timelineOf(orderId, organizer);
    expect(Date.now() - started).toBeLessThan(2_500); // the 400 ms per-service wait of this project, not the 3 s
    expect(res.status).toBe(200);
    expect(res.json.partial).toBe(true);
    const answered = FULL_STORY.filter((step) => !step.startsWith("payments:") && !step.startsWith("refunds:"));
    expect(steps(res.json.items)).toEqual([...answered, "payments:unavailable", "refunds:unavailable"]);
    expect(res.json.items.at(-2).detail).toEqual({ reason: "timeout" });
    expect(res.json.items.at(-1).detail).toEqual({ reason: "error" });
    // The buyer is told the same, without the reasons.
    const mine = await timelineOf(orderId, buyer);
    expect(mine.json.partial).toBe(true);
    expect(mine.json.items.slice(-2)).toEqual([
      { at: expect.any(String), service: "payments", step: "unavailable" },
      { at: expect.any(String), service: "refunds", step: "unavailable" },
    ]);
  });

  it("asks each service with the request id and the order id as correlation id", async () => {
    const { orderId, organizer } = await paidStory();
    expect((await timelineOf(orderId, organizer, { "x-request-id": "req-timeline-trace-1" })).status).toBe(200);
    for (const binding of ["PAYMENTS_RPC", "TICKETS_RPC", "NOTIFICATIONS_RPC", "REFUNDS_RPC"] as const) {
      expect(await standIn(binding).timelineTraceOf(orderId)).toEqual({ requestId: "req-timeline-trace-1", correlationId: orderId });
    }
  });

  it("shows how a cancelled order ended (orders' own row)", async () => {
    const sale = await saleOf(5);
    const buyer = user();
    const placed = await placeOrder(buyer, key(), { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 1 }] });
    const orderId = placed.json.order.id as string;
    expect((await call("POST", `/api/orders/${orderId}/cancel`, { as: buyer })).status).toBe(200);
    const res = await timelineOf(orderId, buyer);
    expect(steps(res.json.items)).toEqual(["orders:held", "orders:cancelled"]);
  });
});

describe("timeline assembly (domain/timeline.ts)", () => {
  const t = Date.parse("2026-05-01T10:00:00.000Z");

  it("puts steps of one instant in the saga's order, whatever order the services answered in", () => {
    const sorted = sortTimeline([
      timelineItem(t + 1, "tickets", "tickets_issued"),
      timelineItem(t, "orders", "confirmed"),
      timelineItem(t, "payments", "payment_succeeded"),
      timelineItem(t, "payments", "ipn"),
      timelineItem(t - 1, "orders", "held"),
    ]);
    expect(steps(sorted)).toEqual(["orders:held", "payments:ipn", "payments:payment_succeeded", "orders:confirmed", "tickets:tickets_issued"]);
  });

  it("waits at most the timeout for each source and names the ones that did not answer", async () => {
    const failures: string[] = [];
    const timeline = await assembleTimeline(
      [timelineItem(t, "orders", "held")],
      [
        { service: "payments", read: async () => [timelineItem(t + 5, "payments", "payment_started")] },
        { service: "tickets", read: () => new Promise(() => {}) },
        {
          service: "refunds",
          read: () => {
            throw new Error("binding gone");
          },
        },
      ],
      { timeoutMs: 50, now: () => t + 99, onFailure: (f) => failures.push(`${f.service}: ${f.error}`) },
    );
    expect(timeline.partial).toBe(true);
    expect(timeline.items).toEqual([
      timelineItem(t, "orders", "held"),
      timelineItem(t + 5, "payments", "payment_started"),
      timelineItem(t + 99, "tickets", "unavailable", { reason: "timeout" }),
      timelineItem(t + 99, "refunds", "unavailable", { reason: "error" }),
    ]);
    expect(failures).toEqual(["tickets: no answer within 50 ms", "refunds: binding gone"]);
  });

  it("drops steps a buyer has no use for, and unknown ones, from the buyer's view", () => {
    const full = {
      partial: false,
      items: [
        timelineItem(t, "payments", "payment_return", { responseCode: "24" }),
        timelineItem(t, "payments", "vnpay_refund", { status: "succeeded" }),
        timelineItem(t, "tickets", "some_future_step", { secret: "x" }),
        timelineItem(t, "orders", "refund_pending", { note: "operator: call VNPAY" }),
      ],
    };
    expect(viewFor(full, "buyer").items).toEqual([{ at: new Date(t).toISOString(), service: "orders", step: "refund_pending" }]);
    expect(viewFor(full, "full")).toBe(full);
  });
});
