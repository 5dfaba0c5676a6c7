import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ulid } from "ulid";
import { createLogger, makeEvent } from "@tickets/common";
import { dispatch, type Intent } from "../src/domain/dispatch";
import type { ChannelDriver, OutgoingMessage } from "../src/domain/drivers";
import { dbOf } from "../src/db/client";
import { deliveries, deliver, listAs, rowsFor, testEnv, verifyPhone } from "./helpers";

const ticketsIssued = (buyerId: string, extra: { buyerEmail?: string; locale?: "vi" | "en" } = {}) =>
  makeEvent("TicketsIssued", {
    orderId: `ord.${buyerId}`,
    eventId: "evt-1",
    buyerId,
    ...extra,
    tickets: [
      { id: "T1-" + ulid(), code: "code-1", ticketTypeId: "tt-vip" },
      { id: "T2-" + ulid(), code: "code-2", ticketTypeId: "tt-vip" },
    ],
  });

describe("notifications from saga events", () => {
  it("TicketsIssued → order_confirmed email in the user's language with ticket links, delivered by the local driver", async () => {
    const buyer = `user-en-${ulid()}`;
    const event = ticketsIssued(buyer);
    const result = await deliver([event]);
    expect(result.explicitAcks).toHaveLength(1);

    const [row] = await rowsFor("source_id = ?", event.id);
    expect(row).toMatchObject({ template: "order_confirmed", channel: "email", recipient: `${buyer}@example.test`, user_id: buyer, locale: "en", status: "sent", attempts: 1 });
    expect(row.subject).toBe("Your tickets for Đêm nhạc Trịnh");
    for (const t of event.payload.tickets) {
      expect(row.body_text).toContain(`http://localhost:8787/api/tickets/${t.id}/qr.png`);
      expect(row.body_html).toContain(`href="http://localhost:8787/api/tickets/${t.id}/qr.png"`);
    }
    expect(row.body_text).toContain("Ticket 1 – VIP");
    expect(row.body_text).toContain("Total paid: 1,200,000 VND");
    const [delivered] = await deliveries(`${buyer}@example.test`);
    expect(delivered).toMatchObject({ id: row.id, subject: row.subject });
  });

  it("adds an SMS when the user has a verified phone, in unaccented Vietnamese", async () => {
    const buyer = `user-vi-phone-${ulid()}`;
    await verifyPhone(buyer);
    const event = ticketsIssued(buyer);
    await deliver([event]);
    const rows = await rowsFor("source_id = ?", event.id);
    expect(rows.map((r) => [r.channel, r.recipient, r.status])).toEqual([
      ["email", `${buyer}@example.test`, "sent"],
      ["sms", "+84901234567", "sent"],
    ]);
    expect(rows[0].subject).toBe("Vé của bạn cho Đêm nhạc Trịnh");
    expect(rows[1].body_text).toMatch(/^Edge Tickets: don hang ord\.\S+ da xac nhan cho Dem nhac Trinh/);
  });

  it("falls back to the event's buyer email and locale when auth cannot answer", async () => {
    const buyer = `authdown-${ulid()}`;
    const event = ticketsIssued(buyer, { buyerEmail: "fallback@example.test", locale: "en" });
    await deliver([event]);
    const [row] = await rowsFor("source_id = ?", event.id);
    expect(row).toMatchObject({ recipient: "fallback@example.test", locale: "en", status: "sent", user_id: buyer });

    // Without an email to fall back on, the event is retried rather than dropped.
    const stuck = ticketsIssued(`authdown-${ulid()}`);
    const result = await deliver([stuck]);
    expect(result.retryMessages).toHaveLength(1);
    expect(await rowsFor("source_id = ?", stuck.id)).toEqual([]);
  });

  it("sends once per (event, template, recipient, channel), however often the event arrives", async () => {
    const buyer = `user-vi-phone-${ulid()}`;
    await verifyPhone(buyer);
    const event = ticketsIssued(buyer);
    await deliver([event]);
    await deliver([event]); // redelivered: recognised as processed
    await testEnv.DB.prepare("DELETE FROM processed_events WHERE event_id = ?").bind(event.id).run();
    await deliver([event]); // crash before it was recorded as processed: the handler runs again
    // One row per channel, each sent on its first attempt and never again.
    const rows = await rowsFor("source_id = ?", event.id);
    expect(rows.map((r) => [r.channel, r.status, r.attempts])).toEqual([
      ["email", "sent", 1],
      ["sms", "sent", 1],
    ]);
    expect(await deliveries(`${buyer}@example.test`)).toHaveLength(1);
  });

  it("never sends a message twice when deliveries race", async () => {
    const sent: OutgoingMessage[] = [];
    const slow: ChannelDriver = {
      async send(msg) {
        sent.push(msg);
        await new Promise((r) => setTimeout(r, 20));
        return { providerId: `p-${sent.length}` };
      },
    };
    const intent: Intent = {
      sourceId: ulid(),
      template: "refund_succeeded",
      recipient: { userId: "u1", email: "race@example.test", phone: "+84900000000", locale: "vi", name: null },
      data: { orderId: "O1", amountVnd: 100_000 },
    };
    await testEnv.DB.prepare("INSERT OR IGNORE INTO verified_contacts (user_id, channel, address, verified_at) VALUES ('u1', 'sms', '+84900000000', 1)").run();
    const deps = { db: dbOf(testEnv), drivers: { email: slow, sms: slow }, log: createLogger({ test: "race" }) };
    const results = await Promise.all(Array.from({ length: 6 }, () => dispatch(deps, intent)));
    expect(sent.map((m) => m.channel).sort()).toEqual(["email", "sms"]);
    expect(results.reduce((n, r) => n + r.sent, 0)).toBe(2);
    const rows = await rowsFor("source_id = ?", intent.sourceId);
    expect(rows.map((r) => [r.channel, r.status, r.attempts])).toEqual([
      ["email", "sent", 1],
      ["sms", "sent", 1],
    ]);
  });

  it("records a failed send with its error and retries the event until it goes out", async () => {
    const buyer = `user-vi-${ulid()}`;
    const event = makeEvent("RefundSucceeded", { orderId: `ord.${buyer}`, eventId: "evt-1", buyerId: buyer, refundId: "R1", amountVnd: 250_000 });
    // The production email driver against a provider that cannot be reached.
    const broken = { NOTIFY_DRIVER: "http", EMAIL_API_URL: "http://127.0.0.1:9/emails", EMAIL_API_KEY: "test-key" };
    const first = await deliver([event], { env: broken });
    expect(first.retryMessages).toHaveLength(1);
    let [row] = await rowsFor("source_id = ?", event.id);
    expect(row).toMatchObject({ template: "refund_succeeded", status: "failed", attempts: 1 });
    expect(row.last_error).toBeTruthy();

    const second = await deliver([event], { attempts: 2 });
    expect(second.explicitAcks).toHaveLength(1);
    [row] = await rowsFor("source_id = ?", event.id);
    expect(row).toMatchObject({ status: "sent", attempts: 2, last_error: null });
    expect(row.body_text).toContain("Chúng tôi đã hoàn 250.000 ₫");
  });

  it("PaymentFailed → payment_failed to the order's buyer (looked up from orders)", async () => {
    const buyer = `user-en-${ulid()}`;
    const event = makeEvent("PaymentFailed", { orderId: `ord.${buyer}`, paymentId: "P1", responseCode: "24", reason: "cancelled by payer" });
    await deliver([event]);
    const [row] = await rowsFor("source_id = ?", event.id);
    expect(row).toMatchObject({ template: "payment_failed", recipient: `${buyer}@example.test`, user_id: buyer, status: "sent" });
    expect(row.subject).toBe(`Payment failed for order ord.${buyer}`);
  });

  it("PaymentRequested → one payment_link while the order is unpaid, none once it is paid", async () => {
    const buyer = `user-en-${ulid()}`;
    const request = (orderId: string) =>
      makeEvent("PaymentRequested", {
        orderId,
        eventId: "evt-1",
        buyerId: buyer,
        amountVnd: 1_200_000,
        paymentUrl: `https://pay.example/vpcpay.html?vnp_TxnRef=${orderId}`,
        holdExpiresAt: new Date(Date.now() + 10 * 60_000).toISOString(),
      });
    const pending = request(`pending.${buyer}`);
    // Delivered twice (and a second event for the same order): still one message.
    await deliver([pending]);
    await deliver([pending, request(`pending.${buyer}`)]);
    const rows = await rowsFor("template = 'payment_link' AND user_id = ?", buyer);
    expect(rows.map((r) => [r.channel, r.status])).toEqual([["email", "sent"]]);
    expect(rows[0].body_text).toContain("Amount to pay: 1,200,000 VND");
    expect(rows[0].body_text).toContain(`Pay now: https://pay.example/vpcpay.html?vnp_TxnRef=pending.${buyer}`);
    expect(rows[0].body_html).toContain(`href="https://pay.example/vpcpay.html?vnp_TxnRef=pending.${buyer}"`);

    const paid = request(`ord.${buyer}`); // the stub answers this order as confirmed
    await deliver([paid]);
    expect(await rowsFor("template = 'payment_link' AND user_id = ?", buyer)).toHaveLength(1); // still only the pending one
  });

  it("OrderExpired → order_expired; OrderCancelled → order_cancelled unless a failed payment caused it", async () => {
    const buyer = `user-vi-${ulid()}`;
    const ref = { orderId: `ord.${buyer}`, eventId: "evt-1", buyerId: buyer };
    const expired = makeEvent("OrderExpired", ref);
    const byBuyer = makeEvent("OrderCancelled", { ...ref, reason: "cancelled_by_buyer" });
    const byPayment = makeEvent("OrderCancelled", { ...ref, reason: "payment_failed" });
    const result = await deliver([expired, byBuyer, byPayment]);
    expect(result.explicitAcks).toHaveLength(3);
    expect((await rowsFor("source_id = ?", expired.id)).map((r) => [r.template, r.subject])).toEqual([["order_expired", `Đơn hàng ord.${buyer} đã hết hạn`]]);
    expect((await rowsFor("source_id = ?", byBuyer.id)).map((r) => r.template)).toEqual(["order_cancelled"]);
    expect(await rowsFor("source_id = ?", byPayment.id)).toEqual([]);
  });

  it("a cancelled event: one event_cancelled per buyer, whether their orders were paid (OrderEventCancelled) or not", async () => {
    const buyer = `user-en-${ulid()}`;
    const eventId = `evt-cancel-${ulid()}`;
    const ref = (n: number) => ({ orderId: `ord.${n}.${buyer}`, eventId, buyerId: buyer });
    const paid = [1, 2].map((n) => makeEvent("OrderEventCancelled", { ...ref(n), refundId: `rf-${n}`, amountVnd: 500_000, reason: "Storm warning" }));
    const unpaid = makeEvent("OrderCancelled", { ...ref(3), reason: "event_cancelled" });
    const result = await deliver([...paid, unpaid]);
    expect(result.explicitAcks).toHaveLength(3);
    const rows = await rowsFor("user_id = ? AND template = 'event_cancelled'", buyer);
    expect(rows.map((r) => r.channel)).toEqual(["email"]);
    expect(rows[0].body_text).toContain("Storm warning");
    expect(rows[0].body_text).toContain("refunded in full automatically");
    expect(await rowsFor("user_id = ? AND template = 'order_cancelled'", buyer)).toEqual([]);
  });

  it("parks dead letters from notifications-dlq", async () => {
    const event = ticketsIssued(`user-vi-${ulid()}`);
    const result = await deliver([event], { queue: "notifications-dlq" });
    expect(result.explicitAcks).toHaveLength(1);
    const parked = await testEnv.DB.prepare("SELECT body FROM dead_letters WHERE queue = 'notifications-dlq'").all<{ body: string }>();
    expect(parked.results.some((r) => JSON.parse(r.body).id === event.id)).toBe(true);
    expect(await rowsFor("source_id = ?", event.id)).toEqual([]);
  });
});

describe("daily reports", () => {
  it("DailyReportReady → one daily_report email to the organizer with the CSV link, however often the report is re-run", async () => {
    const organizer = `user-en-${ulid()}`;
    const payload = { organizerId: organizer, date: "2026-11-27", events: 1, ticketsSold: 3, grossVnd: 900_000, refundedVnd: 0, netVnd: 900_000, path: "/api/reports/files/daily/2026-11-27" };
    await deliver([makeEvent("DailyReportReady", payload)]);
    await deliver([makeEvent("DailyReportReady", payload)]); // a second run of the same day
    const rows = await rowsFor("user_id = ? AND template = 'daily_report'", organizer);
    expect(rows).toHaveLength(1);
    expect(rows[0].subject).toBe("Your sales report for 2026-11-27");
    expect(rows[0].body_text).toContain(`${testEnv.PUBLIC_BASE_URL}/api/reports/files/daily/2026-11-27`);
    expect(rows[0].body_html).toContain("/api/reports/files/daily/2026-11-27");
  });
});

describe("GET /api/notifications", () => {
  it("lists the caller's own messages, newest first, with a cursor", async () => {
    const buyer = `user-vi-phone-${ulid()}`;
    await verifyPhone(buyer);
    await deliver([ticketsIssued(buyer)]);
    await deliver([makeEvent("OrderExpired", { orderId: `ord.${buyer}`, eventId: "evt-1", buyerId: buyer })]);
    const first = await listAs(buyer, "?limit=3");
    expect(first.status).toBe(200);
    expect(first.json.items).toHaveLength(3);
    expect(first.json.items[0]).toMatchObject({ template: "order_expired", status: "sent", channel: expect.stringMatching(/email|sms/) });
    expect(Object.keys(first.json.items[0])).toEqual(expect.arrayContaining(["id", "channel", "template", "subject", "createdAt", "status"]));
    const rest = await listAs(buyer, `?limit=3&cursor=${first.json.nextCursor}`);
    expect(rest.json.items).toHaveLength(1);
    expect(rest.json.nextCursor).toBeNull();
    expect([...first.json.items, ...rest.json.items].filter((i: { template: string }) => i.template === "order_confirmed")).toHaveLength(2);

    const stranger = await listAs(`user-vi-${ulid()}`);
    expect(stranger.json).toEqual({ items: [], nextCursor: null });
  });

  it("requires a signed-in caller", async () => {
    const anon = await (exports as unknown as { default: Fetcher }).default.fetch("http://notifications.internal/api/notifications");
    expect(anon.status).toBe(401);
  });
});
