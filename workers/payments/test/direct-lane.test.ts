import { describe, expect, it } from "vitest";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import type { DirectInboxApi, Envelope } from "@tickets/common";
import worker from "../src/index";
import { createAttempt, newOrderId, outboxFor, signQuery, testEnv, vnpResult } from "./helpers";

/**
 * The relay after an IPN hands PaymentSucceeded to the orders worker's direct lane first
 * (packages/common/src/direct-delivery.ts) and queues only what the lane did not take.
 */
async function payWithLane(lane: Partial<DirectInboxApi>, orders = 4, vars: Record<string, string> = {}) {
  const orderIds = Array.from({ length: orders }, () => newOrderId("lane"));
  for (const id of orderIds) await createAttempt(id, 30_000);
  const queued: string[] = [];
  const handed: string[] = [];
  const env = {
    ...testEnv,
    ...vars,
    ORDERS_INBOX: {
      send: (body: unknown) => testEnv.ORDERS_INBOX.send(body),
      sendBatch: (msgs: Iterable<MessageSendRequest>) => {
        for (const m of msgs) queued.push((m.body as Envelope<"PaymentSucceeded">).payload.orderId);
        return testEnv.ORDERS_INBOX.sendBatch(msgs);
      },
    },
    ORDERS_RECEIPTS: {
      received: async () => [],
      deliver: async (events: Envelope[]) => {
        for (const e of events) handed.push((e as Envelope<"PaymentSucceeded">).payload.orderId);
        return lane.deliver!(events);
      },
    },
  };
  for (const id of orderIds) {
    const ctx = createExecutionContext();
    const res = await worker.fetch!(new Request(`http://payments/api/payments/vnpay/ipn?${await signQuery(vnpResult(id, 30_000))}`), env as never, ctx);
    expect(((await res.json()) as { RspCode: string }).RspCode).toBe("00");
    await waitOnExecutionContext(ctx);
  }
  for (const id of orderIds) expect((await outboxFor(id))[0].sent_at).toEqual(expect.any(Number));
  const ours = (list: string[]) => list.filter((id) => orderIds.includes(id)).sort();
  return { orderIds: [...orderIds].sort(), queued: ours(queued), handed: ours(handed) };
}

describe("direct lane from the IPN relay to orders", () => {
  it("does not queue what orders took directly", async () => {
    const run = await payWithLane({ deliver: async (events) => events.map((e) => e.id) });
    expect(run.handed).toEqual(run.orderIds);
    expect(run.queued).toEqual([]);
  });

  it("queues what orders did not take, and everything when the lane fails", async () => {
    let first = true;
    const partly = await payWithLane({
      // Takes the first event it is handed, refuses the rest (as for a handler that failed).
      deliver: async (events) => {
        const ids = first ? events.slice(0, 1).map((e) => e.id) : [];
        first = false;
        return ids;
      },
    });
    expect(partly.queued).toHaveLength(partly.orderIds.length - 1);

    const failing = await payWithLane({ deliver: async () => { throw new Error("orders is down"); } });
    expect(failing.queued).toEqual(failing.orderIds);
  });

  it("queues everything when direct delivery is switched off", async () => {
    const off = await payWithLane({ deliver: async (events) => events.map((e) => e.id) }, 4, { OUTBOX_DIRECT_DELIVERY: "off" });
    expect(off.handed).toEqual([]);
    expect(off.queued).toEqual(off.orderIds);
  });
});
