import { describe, expect, it } from "vitest";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import worker from "../src/index";
import { createAttempt, newOrderId, outboxFor, signQuery, testEnv, vnpResult } from "./helpers";

/**
 * A burst of IPNs in one isolate: every request's handler asks for an outbox relay, each with
 * its own per-request env. Relays must share one run, so the orders inbox gets each
 * PaymentSucceeded once, not once per relay that read it while still unsent.
 */
describe("outbox relay under a burst of IPNs", () => {
  it("publishes each PaymentSucceeded to the orders inbox once", async () => {
    const orderIds = Array.from({ length: 20 }, () => newOrderId("burst"));
    for (const id of orderIds) await createAttempt(id, 40_000);

    const sentToOrders: string[] = [];
    const ordersInbox = {
      send: (body: unknown, opts?: QueueSendOptions) => testEnv.ORDERS_INBOX.send(body, opts),
      sendBatch: (msgs: Iterable<MessageSendRequest>, opts?: QueueSendBatchOptions) => {
        for (const m of msgs) sentToOrders.push((m.body as { payload: { orderId: string } }).payload.orderId);
        return testEnv.ORDERS_INBOX.sendBatch(msgs, opts);
      },
    };
    const envWithSpy = { ...testEnv, ORDERS_INBOX: ordersInbox };

    await Promise.all(
      orderIds.map(async (id) => {
        const ctx = createExecutionContext();
        const res = await worker.fetch!(
          new Request(`http://payments/api/payments/vnpay/ipn?${await signQuery(vnpResult(id, 40_000))}`),
          envWithSpy as never,
          ctx,
        );
        expect(((await res.json()) as { RspCode: string }).RspCode).toBe("00");
        await waitOnExecutionContext(ctx);
      }),
    );

    for (const id of orderIds) expect((await outboxFor(id))[0].sent_at).toEqual(expect.any(Number));
    const ours = sentToOrders.filter((id) => orderIds.includes(id));
    expect(ours.sort()).toEqual([...orderIds].sort());
  });
});
