import { describe, expect, it } from "vitest";
import { CANCELLED, countRows, createAttempt, newOrderId, signQuery, testEnv, vnpResult, worker } from "./helpers";

const callReturn = (query: URLSearchParams) =>
  worker.fetch(`http://payments/api/payments/vnpay/return?${query}`, { redirect: "manual" });

describe("VNPAY return (browser)", () => {
  it("redirects a verified success to the dashboard's order page without touching payment state", async () => {
    const orderId = newOrderId();
    await createAttempt(orderId);
    const res = await callReturn(await signQuery(vnpResult(orderId)));
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`${testEnv.DASHBOARD_ORIGIN}/orders/${orderId}?payment=success`);
    expect(await countRows("payment_results", orderId)).toBe(0); // only the IPN records outcomes
    const cb = await testEnv.DB.prepare("SELECT kind, verified, answer_code FROM payment_callbacks WHERE order_id = ?").bind(orderId).first();
    expect(cb).toEqual({ kind: "return", verified: 1, answer_code: "302" });
  });

  it("redirects a cancelled or failed payment with payment=failed", async () => {
    const orderId = newOrderId();
    const res = await callReturn(await signQuery(vnpResult(orderId, 150_000, CANCELLED)));
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`${testEnv.DASHBOARD_ORIGIN}/orders/${orderId}?payment=failed`);
  });

  it("answers 400 in the error format to a bad signature, and stores nothing", async () => {
    const orderId = newOrderId();
    const signed = await signQuery(vnpResult(orderId, 150_000, CANCELLED));
    signed.set("vnp_ResponseCode", "00");
    signed.set("vnp_TransactionStatus", "00");
    const res = await callReturn(signed);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: "invalid_signature", message: expect.any(String) } });
    const noAmount = await callReturn(new URLSearchParams({ vnp_TxnRef: orderId }));
    expect(noAmount.status).toBe(400);
    expect(await countRows("payment_callbacks", orderId)).toBe(0);
  });
});
