import { describe, expect, it } from "vitest";
import { createLogger, makeEvent } from "@tickets/common";
import { sweepDueRefunds } from "../src/domain/settle";
import { settleDeps } from "../src/queue";
import { deliver, orderOf, outbox, payments, refundRow, testEnv } from "./helpers";

// Exactly once: only the claimer of a refund calls payments. Rows are written here rather than
// through the API, so that no real-queue delivery races the deliveries under test.

async function refundInState(status: "requested" | "processing", fields: { leaseUntil?: number | null; nextAttemptAt?: number | null } = {}) {
  const { buyer, order } = await orderOf({ totalVnd: 600_000 });
  const refundId = `rf-${order.id}`;
  const now = Date.now();
  await testEnv.DB.prepare(
    `INSERT INTO refunds (id, order_id, event_id, buyer_id, buyer_email, amount_vnd, paid_vnd, reason, source, requested_by, status,
                          attempts, lease_until, lease_token, next_attempt_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 600000, 600000, 'Sick', 'organizer', 'org-1', ?, ?, ?, 'old-lease', ?, ?, ?)`,
  )
    .bind(refundId, order.id, order.eventId, buyer.userId, buyer.email, status, status === "processing" ? 1 : 0, fields.leaseUntil ?? null, fields.nextAttemptAt ?? now, now, now)
    .run();
  const requested = makeEvent("RefundRequested", {
    orderId: order.id,
    eventId: order.eventId,
    buyerId: buyer.userId,
    refundId,
    amountVnd: 600_000,
    reason: "Sick",
    requestedBy: "org-1",
  });
  return { order, refundId, requested };
}

describe("claiming a refund under a lease", () => {
  it("racing duplicate RefundRequested deliveries call payments once and emit one RefundSucceeded", async () => {
    const { order, requested } = await refundInState("requested");
    const copies = [requested, makeEvent("RefundRequested", requested.payload), makeEvent("RefundRequested", requested.payload)];
    const results = await Promise.all(copies.map((e) => deliver("refunds-inbox", [e])));
    for (const r of results) expect(r.explicitAcks).toHaveLength(1);
    expect(await payments.refundCalls(order.id)).toHaveLength(1);
    expect(await outbox(order.id, "RefundSucceeded")).toHaveLength(1);
    expect(await refundRow(order.id)).toMatchObject({ status: "succeeded", attempts: 1, lease_token: null });
  });

  it("leaves a refund alone while another claimer's lease runs", async () => {
    const { order, requested } = await refundInState("processing", { leaseUntil: Date.now() + 60_000 });
    await deliver("refunds-inbox", [requested]);
    expect(await payments.refundCalls(order.id)).toHaveLength(0);
    expect(await refundRow(order.id)).toMatchObject({ status: "processing", lease_token: "old-lease" });
  });

  it("re-claims a stale lease (the claimer died) and settles it once", async () => {
    const { order, requested } = await refundInState("processing", { leaseUntil: Date.now() - 1 });
    await deliver("refunds-inbox", [requested]);
    expect(await refundRow(order.id)).toMatchObject({ status: "succeeded", attempts: 2 });
    await deliver("refunds-inbox", [makeEvent("RefundRequested", requested.payload)]);
    expect(await payments.refundCalls(order.id)).toHaveLength(1);
    expect(await outbox(order.id, "RefundSucceeded")).toHaveLength(1);
  });

  it("does not claim a refund before its next attempt is due", async () => {
    const { order, requested } = await refundInState("requested", { nextAttemptAt: Date.now() + 60_000 });
    await deliver("refunds-inbox", [requested]);
    expect(await payments.refundCalls(order.id)).toHaveLength(0);
    expect(await refundRow(order.id)).toMatchObject({ status: "requested" });
  });
});

describe("the cron sweep", () => {
  it("settles overdue requested refunds and expired leases, not fresh or leased ones", async () => {
    const overdue = await refundInState("requested", { nextAttemptAt: Date.now() - 120_000 });
    const stale = await refundInState("processing", { leaseUntil: Date.now() - 1 });
    const fresh = await refundInState("requested", { nextAttemptAt: Date.now() });
    const leased = await refundInState("processing", { leaseUntil: Date.now() + 60_000 });
    const deps = { ...settleDeps(testEnv, createLogger({ service: "refunds", test: "sweep" })), retryQueue: undefined };
    await sweepDueRefunds(deps, Date.now(), 500);
    expect(await refundRow(overdue.order.id)).toMatchObject({ status: "succeeded" });
    expect(await refundRow(stale.order.id)).toMatchObject({ status: "succeeded" });
    expect(await refundRow(fresh.order.id)).toMatchObject({ status: "requested" });
    expect(await refundRow(leased.order.id)).toMatchObject({ status: "processing" });
  });
});
