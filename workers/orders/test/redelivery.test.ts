import { exports } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { makeEvent, outboxInsert, type Envelope, type InboxReceiptsApi } from "@tickets/common";
import { handleQueue } from "../src/queue";
import { runCron } from "../src/cron";
import { getDb } from "../src/db/client";
import type { Env } from "../src/env";
import { key, orderStatus, outboxRows, placeOrder, saleOf, testEnv, user } from "./helpers";

// Delivery confirmed by effect: a confirmed order whose OrderConfirmed the tickets inbox never
// received (a queue that lost it in a crash) is sent again by the orders cron, to tickets only,
// with a growing delay, until the tickets inbox has it.

let seq = 0;
async function deliver(queue: string, bodies: unknown[]) {
  const batch = createMessageBatch(queue, bodies.map((body) => ({ id: `redeliver-msg-${++seq}`, timestamp: new Date(), attempts: 1, body })));
  const ctx = createExecutionContext();
  await handleQueue(batch, testEnv);
  return getQueueResult(batch, ctx);
}

/** A confirmed order (through the real saga handler) and its sent OrderConfirmed outbox row. */
async function confirmedOrder() {
  const sale = await saleOf(10, 200_000);
  const res = await placeOrder(user(), key(), { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 1 }] });
  expect(res.status).toBe(201);
  const order = res.json.order as { id: string; totalVnd: number };
  const paid = makeEvent("PaymentSucceeded", { orderId: order.id, paymentId: `pay-${order.id}`, amountVnd: order.totalVnd, transactionNo: "14000001", paidAt: new Date().toISOString() });
  await deliver("orders-inbox", [paid]);
  expect(await orderStatus(order.id)).toBe("confirmed");
  const [row] = await outboxRows(order.id, "OrderConfirmed");
  return { orderId: order.id, eventId: row.id };
}

type Row = { sent_at: number | null; delivered_at: number | null; delivered_to: string | null; resends: number };
const outboxRow = (id: string) => testEnv.DB.prepare("SELECT sent_at, delivered_at, delivered_to, resends FROM outbox WHERE id = ?1").bind(id).first<Row>();
/** As if the row had been sent `ms` earlier than it was. */
const age = (id: string, ms: number) => testEnv.DB.prepare("UPDATE outbox SET sent_at = sent_at - ?2, created_at = created_at - ?2 WHERE id = ?1").bind(id, ms).run();

/** The env the cron runs with: the real queues, spied; subscribers' receipts as the test says. */
function cronEnv(receivedBy: Partial<Record<"tickets" | "notifications" | "refunds", Set<string>>> = {}, failing: string[] = []) {
  const sent: Array<{ queue: string; id: string }> = [];
  const spy = (name: string, queue: Queue): Queue =>
    ({
      send: (body: Envelope) => (sent.push({ queue: name, id: body.id }), queue.send(body)),
      sendBatch: (msgs: Iterable<MessageSendRequest<Envelope>>) => {
        for (const m of msgs) sent.push({ queue: name, id: m.body.id });
        return queue.sendBatch(msgs);
      },
    }) as Queue;
  const receipts = (inbox: "tickets" | "notifications" | "refunds"): InboxReceiptsApi => ({
    received: async (ids) => {
      if (failing.includes(inbox)) throw new Error(`${inbox} unreachable`);
      return ids.filter((id) => receivedBy[inbox]?.has(id));
    },
  });
  const env: Env = {
    ...testEnv,
    TICKETS_INBOX: spy("tickets", testEnv.TICKETS_INBOX),
    NOTIFICATIONS_INBOX: spy("notifications", testEnv.NOTIFICATIONS_INBOX),
    REFUNDS_INBOX: spy("refunds", testEnv.REFUNDS_INBOX),
    TICKETS_RECEIPTS: receipts("tickets"),
    NOTIFICATIONS_RECEIPTS: receipts("notifications"),
    REFUNDS_RECEIPTS: receipts("refunds"),
    // Reports also subscribes to OrderConfirmed: here it always received it, so the tests follow tickets.
    REPORTS_INBOX: spy("reports", testEnv.REPORTS_INBOX!),
    REPORTS_RECEIPTS: { received: async (ids: string[]) => ids },
  };
  return { env, sentOf: (id: string) => sent.filter((s) => s.id === id).map((s) => s.queue) };
}

describe("orders cron: OrderConfirmed the tickets inbox never received", () => {
  it("is not re-sent while fresh, then once per due tick, to tickets only, with a growing delay", async () => {
    const { eventId } = await confirmedOrder();
    const { env, sentOf } = cronEnv();

    await runCron(env);
    expect(sentOf(eventId)).toEqual([]); // just sent: the queue may still be delivering it

    await age(eventId, 31_000);
    await runCron(env);
    expect(sentOf(eventId)).toEqual(["tickets"]);
    expect(await outboxRow(eventId)).toMatchObject({ resends: 1, delivered_at: null });

    await runCron(env); // the next tick right after: the re-sent copy gets its time too
    expect(sentOf(eventId)).toEqual(["tickets"]);

    await age(eventId, 45_000); // 45 s after the first re-send: the second waits 60 s
    await runCron(env);
    expect(sentOf(eventId)).toEqual(["tickets"]);

    await age(eventId, 16_000);
    await runCron(env);
    expect(sentOf(eventId)).toEqual(["tickets", "tickets"]);
    expect((await outboxRow(eventId))?.resends).toBe(2);
  });

  it("stops once the tickets inbox has it, and records the delivery", async () => {
    const { eventId } = await confirmedOrder();
    await age(eventId, 31_000);
    const lost = cronEnv();
    await runCron(lost.env);
    expect(lost.sentOf(eventId)).toEqual(["tickets"]);

    const received = cronEnv({ tickets: new Set([eventId]) });
    await age(eventId, 61_000);
    await runCron(received.env);
    await age(eventId, 600_000);
    await runCron(received.env);
    expect(received.sentOf(eventId)).toEqual([]);
    const row = await outboxRow(eventId);
    expect(row).toMatchObject({ resends: 1 });
    expect(row?.delivered_to?.split(",").sort()).toEqual(["reports", "tickets"]);
    expect(row?.delivered_at).toBeGreaterThan(0);
  });

  it("is never re-sent when the tickets inbox received it the first time", async () => {
    const { eventId } = await confirmedOrder();
    const { env, sentOf } = cronEnv({ tickets: new Set([eventId]) });
    await age(eventId, 31_000);
    await runCron(env);
    expect(sentOf(eventId)).toEqual([]);
    expect((await outboxRow(eventId))?.delivered_at).toBeGreaterThan(0);
  });

  it("neither re-sends nor confirms while the subscriber's receipts cannot be read, and asks again next tick", async () => {
    const { eventId } = await confirmedOrder();
    await age(eventId, 31_000);
    const down = cronEnv({}, ["tickets"]);
    await runCron(down.env);
    expect(down.sentOf(eventId)).toEqual([]);
    expect(await outboxRow(eventId)).toMatchObject({ delivered_at: null, resends: 0 });

    const up = cronEnv();
    await runCron(up.env);
    expect(up.sentOf(eventId)).toEqual(["tickets"]);
  });

  it("gives up after the configured number of re-sends (left undelivered for an operator)", async () => {
    const { eventId } = await confirmedOrder();
    const { env, sentOf } = cronEnv();
    for (let i = 0; i < 10; i++) {
      await age(eventId, 30_000 * 2 ** i + 1_000);
      await runCron(env);
    }
    expect(sentOf(eventId)).toHaveLength(8);
    expect(await outboxRow(eventId)).toMatchObject({ resends: 8, delivered_at: null });
  });

  it("marks events nobody subscribes to (OrderCreated) delivered as they are relayed, without asking anyone", async () => {
    const created = makeEvent("OrderCreated", { orderId: "o-created", eventId: "ev-created", buyerId: "b", totalVnd: 1, items: [], holdExpiresAt: new Date().toISOString() });
    const older = makeEvent("OrderCreated", { orderId: "o-older", eventId: "ev-created", buyerId: "b", totalVnd: 1, items: [], holdExpiresAt: new Date().toISOString() });
    await outboxInsert(getDb(testEnv.DB) as never, created);
    await outboxInsert(getDb(testEnv.DB) as never, older);
    // A row sent before delivery was tracked (no delivered_at): the receipts check settles it.
    await testEnv.DB.prepare("UPDATE outbox SET sent_at = ?2 WHERE id = ?1").bind(older.id, Date.now() - 31_000).run();
    const { env, sentOf } = cronEnv({}, ["tickets", "notifications", "refunds"]);
    await runCron(env);
    expect(sentOf(created.id)).toEqual([]);
    expect(sentOf(older.id)).toEqual([]);
    for (const id of [created.id, older.id]) {
      const row = await outboxRow(id);
      expect(row?.sent_at).toBeGreaterThan(0);
      expect(row?.delivered_at).toBeGreaterThan(0);
    }
  });
});

describe("orders InboxReceipts (what payments and refunds ask)", () => {
  const receipts = (exports as unknown as { InboxReceipts: InboxReceiptsApi }).InboxReceipts;

  it("names the events the orders inbox processed, or parked as dead letters, and nothing else", async () => {
    const sale = await saleOf(5);
    const res = await placeOrder(user(), key(), { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 1 }] });
    const order = res.json.order as { id: string; totalVnd: number };
    const processed = makeEvent("PaymentSucceeded", { orderId: order.id, paymentId: "p1", amountVnd: order.totalVnd, transactionNo: "1", paidAt: new Date().toISOString() });
    const parked = makeEvent("PaymentFailed", { orderId: order.id, paymentId: "p2", responseCode: "24", reason: "cancelled" });
    const never = makeEvent("PaymentFailed", { orderId: order.id, paymentId: "p3", responseCode: "24", reason: "cancelled" });
    await deliver("orders-inbox", [processed]);
    await deliver("orders-dlq", [parked]);
    expect((await receipts.received([processed.id, parked.id, never.id])).sort()).toEqual([processed.id, parked.id].sort());
  });

  it("also confirms an event type the orders inbox has no handler for (received, deliberately ignored)", async () => {
    const ignored = makeEvent("EventReminderDue", { eventId: "ev-x", buyerId: "b", startsAt: new Date().toISOString(), title: "t", kind: "24h" });
    const result = await deliver("orders-inbox", [ignored]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(await receipts.received([ignored.id])).toEqual([ignored.id]);
  });
});
