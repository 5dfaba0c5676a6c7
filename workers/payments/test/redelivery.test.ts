import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { makeEvent, outboxInsert, type Envelope, type InboxReceiptsApi } from "@tickets/common";
import worker from "../src/index";
import type { Env } from "../src/env";
import { newOrderId, testEnv } from "./helpers";

// Delivery confirmed by effect: a payment event a subscriber never received (a queue that lost
// it in a crash: the order stays pending_payment though paid) is sent again by the payments
// cron, to the inboxes that miss it only.

/** An outbox row the relay sent 31 s ago. */
async function sentEvent(event: Envelope) {
  await outboxInsert(drizzle(testEnv.DB), event);
  await testEnv.DB.prepare("UPDATE outbox SET sent_at = ?2 WHERE id = ?1").bind(event.id, Date.now() - 31_000).run();
  return event.id;
}

async function cron(env: Env) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: "* * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

/** The real queues behind a spy; each subscriber's receipts as the test says. */
function subscribers(received: { orders?: string[]; notifications?: string[] }) {
  const sent: Array<[string, string]> = [];
  const spy = (name: string, queue: Queue) =>
    ({
      send: async () => {},
      sendBatch: async (msgs: Iterable<MessageSendRequest<Envelope>>) => {
        for (const m of msgs) sent.push([name, m.body.id]);
        await queue.sendBatch(msgs);
      },
    }) as unknown as Queue;
  const receipts = (ids: string[] = []): InboxReceiptsApi => ({ received: async (asked) => asked.filter((id) => ids.includes(id)) });
  const env: Env = {
    ...testEnv,
    ORDERS_INBOX: spy("orders", testEnv.ORDERS_INBOX),
    NOTIFICATIONS_INBOX: spy("notifications", testEnv.NOTIFICATIONS_INBOX),
    ORDERS_RECEIPTS: receipts(received.orders),
    NOTIFICATIONS_RECEIPTS: receipts(received.notifications),
  };
  return { env, sent };
}

describe("payments cron: payment events a subscriber never received", () => {
  it("re-sends a lost PaymentSucceeded to orders", async () => {
    const orderId = newOrderId();
    const id = await sentEvent(makeEvent("PaymentSucceeded", { orderId, paymentId: `pay-${orderId}`, amountVnd: 150_000, transactionNo: "14000001", paidAt: new Date().toISOString() }));
    const { env, sent } = subscribers({});
    await cron(env);
    expect(sent).toEqual([["orders", id]]);
  });

  it("re-sends a PaymentFailed only to the subscriber that misses it", async () => {
    const orderId = newOrderId();
    const id = await sentEvent(makeEvent("PaymentFailed", { orderId, paymentId: `pay-${orderId}`, responseCode: "24", reason: "cancelled" }));
    const { env, sent } = subscribers({ orders: [id] });
    await cron(env);
    expect(sent).toEqual([["notifications", id]]);
    const row = await testEnv.DB.prepare("SELECT delivered_to, delivered_at, resends FROM outbox WHERE id = ?1").bind(id).first();
    expect(row).toEqual({ delivered_to: "orders", delivered_at: null, resends: 1 });
  });

  it("asks orders and notifications through their InboxReceipts bindings", async () => {
    const orderId = newOrderId();
    const id = await sentEvent(makeEvent("PaymentFailed", { orderId, paymentId: `pay-${orderId}`, responseCode: "24", reason: "cancelled" }));
    await cron(testEnv); // the stand-in subscribers received nothing
    const row = await testEnv.DB.prepare("SELECT resends FROM outbox WHERE id = ?1").bind(id).first<{ resends: number }>();
    expect(row?.resends).toBe(1);
  });
});
