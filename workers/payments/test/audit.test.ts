import { describe, expect, it } from "vitest";
import { callIpn, createAttempt, identityHeaders, newOrderId, signQuery, vnpResult, worker } from "./helpers";

const getAudit = async (orderId: string, headers: Record<string, string> = {}) => {
  const res = await worker.fetch(`http://payments/api/payments/orders/${orderId}`, { headers });
  return { status: res.status, body: (await res.json()) as any };
};

describe("payment audit trail", () => {
  it("shows an admin every attempt, verified callback (rejected ones included) and the outcome", async () => {
    const orderId = newOrderId();
    await createAttempt(orderId, 150_000);
    const bad = await signQuery(vnpResult(orderId, 150_000));
    bad.set("vnp_Amount", "100");
    expect((await callIpn(bad)).body.RspCode).toBe("97");
    expect((await callIpn(await signQuery(vnpResult(orderId, 1)))).body.RspCode).toBe("04");
    expect((await callIpn(await signQuery(vnpResult(orderId, 150_000)))).body.RspCode).toBe("00");

    const { status, body } = await getAudit(orderId, await identityHeaders(["admin"]));
    expect(status).toBe(200);
    expect(body.payment).toMatchObject({ orderId, status: "succeeded", amountVnd: 150_000, transactionNo: "14000001", refundedVnd: 0 });
    expect(body.payment.attempts).toHaveLength(1);
    // The unverified call (97) is not stored: anyone could send it.
    expect(body.payment.callbacks.map((c: any) => [c.kind, c.answerCode, c.verified])).toEqual([
      ["ipn", "04", true],
      ["ipn", "00", true],
    ]);
    expect(body.payment.callbacks[1].params).toMatchObject({ vnp_TxnRef: orderId, vnp_ResponseCode: "00" });
    expect(body.payment.results).toEqual([expect.objectContaining({ outcome: "succeeded", responseCode: "00" })]);
  });

  it("shows a pending payment, and callbacks for orders it never saw", async () => {
    const pending = newOrderId();
    await createAttempt(pending);
    const admin = await identityHeaders(["admin"]);
    expect((await getAudit(pending, admin)).body.payment.status).toBe("pending");

    const unknown = newOrderId();
    await callIpn(await signQuery(vnpResult(unknown)));
    const { body } = await getAudit(unknown, admin);
    expect(body.payment).toMatchObject({ status: "none", attempts: [], callbacks: [expect.objectContaining({ answerCode: "01" })] });
    expect((await getAudit(newOrderId(), admin)).status).toBe(404);
  });

  it("is for admins only", async () => {
    const orderId = newOrderId();
    await createAttempt(orderId);
    expect((await getAudit(orderId)).status).toBe(401);
    const buyer = await getAudit(orderId, await identityHeaders(["buyer", "organizer"]));
    expect(buyer.status).toBe(403);
    expect(buyer.body.error.code).toBe("forbidden");
  });
});
