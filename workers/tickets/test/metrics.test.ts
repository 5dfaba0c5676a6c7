import { describe, expect, it } from "vitest";
import { ulid } from "ulid";
import { makeEvent, type MetricsReader } from "@tickets/common";
import { callJson, deliver, identity, orderConfirmed, rpc, testEnv } from "./helpers";

// The readable copy of the metric points (workers/dev-metrics, bound as DEV_METRICS in development).
const recorded = (testEnv as unknown as { DEV_METRICS: MetricsReader }).DEV_METRICS;
async function points(query: Parameters<MetricsReader["points"]>[0], expected: number) {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const found = await recorded.points({ since: 0, ...query });
    if (found.length >= expected || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("tickets metrics", () => {
  it("measures issuance lag from the payment's record, once per order (not on redelivery)", async () => {
    const base = orderConfirmed();
    const paidAt = new Date(Date.now() - 1_500).toISOString(); // paid 1.5 s before the consumer runs
    const order = makeEvent("OrderConfirmed", { ...base.payload, paymentRecordedAt: paidAt });
    await deliver([order]);
    await deliver([order]);
    expect(await rpc.ticketsForOrder(order.payload.orderId)).toHaveLength(3);
    const issued = await points({ name: "tickets_issued", subject: order.payload.orderId }, 1);
    expect(issued).toHaveLength(1);
    expect(issued[0].worker).toBe("tickets");
    expect(issued[0].value).toBeGreaterThanOrEqual(1_500);
    expect(issued[0].value).toBeLessThan(30_000);
  });

  it("records how far behind the inbox consumer runs (age of the batch's oldest message)", async () => {
    const before = await recorded.points({ name: "queue_lag", since: 0 });
    await deliver([orderConfirmed()]);
    const after = await points({ name: "queue_lag", since: 0 }, before.length + 1);
    expect(after.length).toBe(before.length + 1);
    expect(after.at(-1)).toMatchObject({ worker: "tickets", label: "tickets-inbox" });
  });

  it("counts check-ins by result per event", async () => {
    const eventId = `evt-${ulid()}`;
    const order = orderConfirmed({ eventId });
    await deliver([order]);
    const [ticket] = await rpc.ticketsForOrder(order.payload.orderId);
    const staff = identity(`staff-${eventId}`);
    expect((await callJson("POST", "/api/checkin", staff, { code: ticket.code })).status).toBe(200);
    expect((await callJson("POST", "/api/checkin", staff, { code: ticket.code })).status).toBe(409);
    const checkIns = await points({ name: "check_in", subject: eventId }, 2);
    expect(checkIns.map((p) => p.label).sort()).toEqual(["admitted", "already_checked_in"]);
  });
});
