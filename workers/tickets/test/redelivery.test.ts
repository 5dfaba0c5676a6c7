import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Envelope, InboxReceiptsApi } from "@tickets/common";
import worker from "../src/index";
import type { Env } from "../src/env";
import { deliver, orderConfirmed, testEnv } from "./helpers";

// Delivery confirmed by effect: a TicketsIssued the notifications inbox never received (lost by
// a queue in a crash) is sent again by the tickets cron, until notifications has it.

async function issuedEvent() {
  const order = orderConfirmed();
  await deliver([order]);
  const row = await testEnv.DB.prepare("SELECT id FROM outbox WHERE type = 'TicketsIssued' AND envelope LIKE ?1")
    .bind(`%"orderId":"${order.payload.orderId}"%`)
    .first<{ id: string }>();
  // As if the relay had sent it 31 s ago and the queue had lost it since.
  await testEnv.DB.prepare("UPDATE outbox SET sent_at = ?2 WHERE id = ?1").bind(row!.id, Date.now() - 31_000).run();
  return row!.id;
}

async function cron(env: Env) {
  const ctx = createExecutionContext();
  await worker.scheduled!(createScheduledController({ cron: "* * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

function withNotifications(received: Set<string>) {
  const sent: string[] = [];
  const receipts: InboxReceiptsApi = { received: async (ids) => ids.filter((id) => received.has(id)) };
  const inbox = {
    send: async () => {},
    sendBatch: async (msgs: Iterable<MessageSendRequest<Envelope>>) => {
      for (const m of msgs) sent.push(m.body.id);
      await testEnv.NOTIFICATIONS_INBOX.sendBatch(msgs);
    },
  } as unknown as Queue;
  return { env: { ...testEnv, NOTIFICATIONS_INBOX: inbox, NOTIFICATIONS_RECEIPTS: receipts }, sent };
}

describe("tickets cron: TicketsIssued the notifications inbox never received", () => {
  it("is sent again to notifications, and not after notifications has it", async () => {
    const id = await issuedEvent();
    const lost = withNotifications(new Set());
    await cron(lost.env);
    expect(lost.sent).toEqual([id]);

    await testEnv.DB.prepare("UPDATE outbox SET sent_at = sent_at - 61000 WHERE id = ?1").bind(id).run();
    const received = withNotifications(new Set([id]));
    await cron(received.env);
    expect(received.sent).toEqual([]);
    const row = await testEnv.DB.prepare("SELECT delivered_to, delivered_at FROM outbox WHERE id = ?1").bind(id).first<{ delivered_to: string; delivered_at: number }>();
    expect(row?.delivered_to).toBe("notifications");
    expect(row?.delivered_at).toBeGreaterThan(0);
  });

  it("asks the notifications worker through its InboxReceipts binding", async () => {
    const id = await issuedEvent();
    await cron(testEnv); // the stand-in notifications worker received nothing
    const row = await testEnv.DB.prepare("SELECT resends FROM outbox WHERE id = ?1").bind(id).first<{ resends: number }>();
    expect(row?.resends).toBe(1);
  });
});
