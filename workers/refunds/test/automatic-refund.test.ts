import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { makeEvent } from "@tickets/common";
import { ulid } from "ulid";
import type { Env } from "../src/env";
import { handleQueue } from "../src/queue";

const testEnv = env as unknown as Env;
const payments = testEnv.PAYMENTS_RPC as unknown as { refundCalls(orderId: string): Promise<unknown[]> };

let seq = 0;
async function deliver(queue: string, bodies: unknown[]) {
  const batch = createMessageBatch(queue, bodies.map((body) => ({ id: `m-${++seq}`, timestamp: new Date(), attempts: 1, body })));
  await handleQueue(batch, testEnv);
  return getQueueResult(batch, createExecutionContext());
}

const refundRequired = (orderId: string, amountVnd = 500_000) =>
  makeEvent("RefundRequired", { orderId, eventId: "ev1", buyerId: "buyer1", buyerEmail: "b@example.test", amountVnd, reason: "late_payment_sold_out" });

async function state(orderId: string) {
  const refund = await testEnv.DB.prepare("SELECT * FROM refunds WHERE order_id = ?").bind(orderId).first<Record<string, unknown>>();
  const { results } = await testEnv.DB.prepare("SELECT type, envelope FROM outbox WHERE envelope LIKE ?").bind(`%${orderId}%`).all<{ type: string; envelope: string }>();
  return { refund, events: results.map((r) => ({ type: r.type, payload: JSON.parse(r.envelope).payload })) };
}

describe("RefundRequired", () => {
  it("refunds the payment through payments and emits RefundSucceeded", async () => {
    const orderId = `o-${ulid()}`;
    const result = await deliver("refunds-inbox", [refundRequired(orderId)]);
    expect(result.explicitAcks).toHaveLength(1);
    const { refund, events } = await state(orderId);
    expect(refund).toMatchObject({ order_id: orderId, amount_vnd: 500_000, status: "succeeded", source: "automatic", response_code: "00" });
    expect(events).toEqual([
      { type: "RefundSucceeded", payload: expect.objectContaining({ orderId, refundId: refund!.id, amountVnd: 500_000, buyerEmail: "b@example.test" }) },
    ]);
    expect(await payments.refundCalls(orderId)).toEqual([{ refundId: refund!.id, orderId, amountVnd: 500_000, reason: "late_payment_sold_out", requestedBy: "system" }]);
  });

  it("refunds an order once, however often it is asked", async () => {
    const orderId = `o-${ulid()}`;
    const event = refundRequired(orderId);
    await deliver("refunds-inbox", [event]);
    await deliver("refunds-inbox", [event]);
    await deliver("refunds-inbox", [refundRequired(orderId)]);
    const { events } = await state(orderId);
    expect(events.filter((e) => e.type === "RefundSucceeded")).toHaveLength(1);
    expect(await payments.refundCalls(orderId)).toHaveLength(1);
  });

  it("records a declined refund and emits RefundFailed with VNPAY's answer", async () => {
    const orderId = `declined-${ulid()}`;
    await deliver("refunds-inbox", [refundRequired(orderId)]);
    const { refund, events } = await state(orderId);
    expect(refund).toMatchObject({ status: "failed", response_code: "95", failure_reason: expect.stringContaining("95") });
    expect(events).toEqual([{ type: "RefundFailed", payload: expect.objectContaining({ orderId, reason: expect.stringContaining("95") }) }]);
  });

  it("parks malformed messages from the DLQ", async () => {
    const poison = { not: "an envelope", marker: ulid() };
    const retried = await deliver("refunds-inbox", [poison]);
    expect(retried.retryMessages).toHaveLength(1);
    await deliver("refunds-dlq", [poison]);
    const row = await testEnv.DB.prepare("SELECT queue, body FROM dead_letters WHERE body LIKE ?").bind(`%${poison.marker}%`).first();
    expect(row).toMatchObject({ queue: "refunds-dlq" });
  });
});
