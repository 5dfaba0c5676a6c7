import { describe, expect, it } from "vitest";
import { drizzle } from "drizzle-orm/d1";
import { buildPaymentUrl, insertAttempts } from "../src/domain/payment-url";
import { ORIGIN, createAttempt, newOrderId, testEnv } from "./helpers";

const amountOf = async (orderId: string) =>
  (await testEnv.DB.prepare("SELECT amount_vnd FROM payment_attempts WHERE order_id = ?").bind(orderId).all<{ amount_vnd: number }>()).results;

describe("payment attempts under load", () => {
  it("records every concurrent call's attempt before that call answers (calls share D1 writes)", async () => {
    const orders = Array.from({ length: 100 }, (_, i) => ({ orderId: newOrderId(), amountVnd: 100_000 + i }));
    await Promise.all(orders.map((o) => createAttempt(o.orderId, o.amountVnd)));
    for (const o of orders) expect(await amountOf(o.orderId)).toEqual([{ amount_vnd: o.amountVnd }]);
  });

  it("writes many attempts in one batch past D1's 100-parameters-per-statement limit", async () => {
    const rows = Array.from({ length: 23 }, (_, i) =>
      buildPaymentUrl(testEnv, {
        orderId: newOrderId(),
        amountVnd: 50_000 + i,
        expiresAt: new Date(Date.now() + 60_000).toISOString(),
        orderInfo: "",
        publicOrigin: ORIGIN,
        clientIp: "203.0.113.7",
        locale: "vn",
      }).attempt,
    );
    await insertAttempts(drizzle(testEnv.DB), rows);
    for (const r of rows) expect(await amountOf(r.orderId)).toEqual([{ amount_vnd: r.amountVnd }]);
  });
});
