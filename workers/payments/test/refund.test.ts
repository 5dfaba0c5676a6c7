import { describe, expect, it } from "vitest";
import { QUERYDR_RESPONSE_FIELDS, REFUND_RESPONSE_FIELDS, hmacSha512Hex, pipeString, signBody, verifyBody } from "../src/domain/vnpay-api";
import { callIpn, countRows, createAttempt, identityHeaders, newOrderId, rpc, signQuery, testEnv, vnpResult, worker } from "./helpers";

const gatewayFetch = (url: string) => testEnv.GATEWAY!.fetch(url);

/** An order paid through VNPAY (attempt + verified success IPN). `prefix` steers the fake VNPAY API. */
async function paidOrder(prefix = "", amountVnd = 150_000) {
  const orderId = newOrderId(prefix);
  await createAttempt(orderId, amountVnd);
  expect((await callIpn(await signQuery(vnpResult(orderId, amountVnd)))).body.RspCode).toBe("00");
  return orderId;
}
const refund = (orderId: string, amountVnd = 150_000, refundId = `rf-${orderId}`) =>
  rpc.refund({ refundId, orderId, amountVnd, reason: "Khách đổi ý", requestedBy: "user-1" });

async function refundRows(orderId: string) {
  const { results } = await testEnv.DB.prepare("SELECT * FROM payment_refunds WHERE order_id = ? ORDER BY created_at").bind(orderId).all<Record<string, any>>();
  return results;
}

describe("refund (RPC) through VNPAY's refund API", () => {
  it("refunds a paid order in full with a signed request and a verified answer", async () => {
    const orderId = await paidOrder();
    expect(await refund(orderId)).toEqual({ status: "succeeded", responseCode: "00", message: "Success", retryable: false });
    const [row] = await refundRows(orderId);
    expect(row).toMatchObject({ status: "succeeded", transaction_type: "02", amount_vnd: 150_000, response_code: "00", requested_by: "user-1" });
    // The fake VNPAY answers 97 to a wrongly signed request: its 00 proves the request hash.
    expect(JSON.parse(row.response)).toMatchObject({ vnp_ResponseCode: "00", vnp_Amount: "15000000", vnp_TxnRef: orderId });

    const admin = await identityHeaders(["admin"]);
    const audit = (await (await worker.fetch(`http://payments/api/payments/orders/${orderId}`, { headers: admin })).json()) as any;
    expect(audit.payment).toMatchObject({ status: "refunded", refundedVnd: 150_000 });
  });

  it("is idempotent once succeeded (no second request to VNPAY)", async () => {
    const orderId = await paidOrder();
    await refund(orderId);
    expect(await refund(orderId)).toEqual({ status: "succeeded", responseCode: "00", message: "Already refunded", retryable: false });
    expect(await countRows("payment_refunds", orderId)).toBe(1);
  });

  it("sends a partial refund as transaction type 03", async () => {
    const orderId = await paidOrder("", 200_000);
    expect((await refund(orderId, 100_000)).status).toBe("succeeded");
    expect((await refundRows(orderId))[0]).toMatchObject({ transaction_type: "03", amount_vnd: 100_000 });
  });

  it("refuses orders without a successful payment and amounts above what was paid", async () => {
    expect(await refund(newOrderId())).toMatchObject({ status: "failed", responseCode: "91" });
    const orderId = await paidOrder();
    expect(await refund(orderId, 150_001)).toMatchObject({ status: "failed", responseCode: "03" });
    expect(await countRows("payment_refunds", orderId)).toBe(0);
  });

  it("does not trust an unsigned or wrongly signed answer", async () => {
    for (const prefix of ["unsigned-", "forged-"]) {
      const orderId = await paidOrder(prefix);
      expect(await refund(orderId)).toMatchObject({ status: "failed", responseCode: "97", retryable: false });
      expect((await refundRows(orderId))[0].status).toBe("failed");
    }
  });

  it("settles a 94 (refund already at VNPAY) with a verified querydr", async () => {
    const orderId = await paidOrder("dup-");
    expect(await refund(orderId)).toMatchObject({ status: "succeeded", responseCode: "00" });
    const row = (await refundRows(orderId))[0];
    expect(JSON.parse(row.response)).toMatchObject({ refund: { vnp_ResponseCode: "94" }, querydr: { vnp_TransactionStatus: "05" } });
  });

  it("reports an unreachable VNPAY as a retryable failure with code 99", async () => {
    const orderId = await paidOrder("down-");
    expect(await refund(orderId)).toMatchObject({ status: "failed", responseCode: "99", retryable: true });
  });
});

describe("refund guards: once per refund id, one in flight per order, never more than paid", () => {
  const sentTo = async (orderId: string) => (await (await gatewayFetch(`http://gateway/__requests?txnRef=${orderId}`)).json()) as Array<Record<string, string>>;

  it("takes several partial refunds (type 03) up to what was paid, then refuses more without calling VNPAY", async () => {
    const orderId = await paidOrder("", 300_000);
    expect(await refund(orderId, 100_000, "rf-a")).toMatchObject({ status: "succeeded" });
    expect(await refund(orderId, 200_000, "rf-b")).toMatchObject({ status: "succeeded" });
    expect(await refund(orderId, 1, "rf-c")).toMatchObject({ status: "failed", responseCode: "03", retryable: false });
    expect((await refundRows(orderId)).map((r) => [r.refund_id, r.transaction_type, r.status])).toEqual([
      ["rf-a", "03", "succeeded"],
      ["rf-b", "03", "succeeded"],
    ]);
    expect((await sentTo(orderId)).filter((r) => r.vnp_Command === "refund")).toHaveLength(2);
  });

  it("answers a repeated refund id from its record, without a second VNPAY request", async () => {
    const orderId = await paidOrder("", 200_000);
    await refund(orderId, 50_000, "rf-once");
    expect(await refund(orderId, 50_000, "rf-once")).toMatchObject({ status: "succeeded", message: "Already refunded" });
    expect(await sentTo(orderId)).toHaveLength(1);
  });

  it("lets one of several concurrent refunds of an order through and never exceeds the payment", async () => {
    const orderId = await paidOrder("", 150_000);
    const outcomes = await Promise.all(["rf-1", "rf-2", "rf-3"].map((id) => refund(orderId, 100_000, id)));
    expect(outcomes.filter((o) => o.status === "succeeded")).toHaveLength(1);
    for (const o of outcomes.filter((o) => o.status !== "succeeded")) expect(o).toMatchObject({ status: "failed" });
    // Asked again once nothing is in flight, the others no longer fit.
    const loser = ["rf-1", "rf-2", "rf-3"][outcomes.findIndex((o) => o.status !== "succeeded")];
    expect(await refund(orderId, 100_000, loser)).toMatchObject({ status: "failed", responseCode: "03" });
    expect((await refundRows(orderId)).filter((r) => r.status === "succeeded")).toHaveLength(1);
  });

  it("keeps a timed-out request pending and sends the same request id again (VNPAY never pays it twice)", async () => {
    const orderId = await paidOrder("slow-", 150_000);
    const started = Date.now();
    expect(await refund(orderId, 150_000, "rf-slow")).toMatchObject({ status: "failed", responseCode: "99", retryable: true });
    expect(Date.now() - started).toBeLessThan(1_900);
    expect((await refundRows(orderId))[0]).toMatchObject({ status: "pending", refund_id: "rf-slow" });
    // Another refund of the order waits while this one's outcome is unknown.
    expect(await refund(orderId, 10_000, "rf-other")).toMatchObject({ status: "failed", retryable: true });

    expect(await refund(orderId, 150_000, "rf-slow")).toMatchObject({ status: "succeeded" });
    const sent = (await sentTo(orderId)).filter((r) => r.vnp_Command === "refund");
    expect(sent).toHaveLength(2);
    expect(sent[1].vnp_RequestId).toBe(sent[0].vnp_RequestId);
    expect(await countRows("payment_refunds", orderId)).toBe(1);
  });
});

describe("querydr/refund signing", () => {
  const secret = "test-secret";
  const enc = new TextEncoder();
  async function subtleHmac(text: string) {
    const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-512" }, false, ["sign"]);
    return [...new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(text)))].map((b) => b.toString(16).padStart(2, "0")).join("");
  }

  it("hashes the documented fields joined by | with missing ones empty", async () => {
    const body = { vnp_ResponseId: "r1", vnp_Command: "refund", vnp_ResponseCode: "00", vnp_Message: "Success", vnp_TmnCode: "EDGETIX1", vnp_TxnRef: "o1", vnp_Amount: "15000000" };
    expect(pipeString(body, REFUND_RESPONSE_FIELDS)).toBe("r1|refund|00|Success|EDGETIX1|o1|15000000||||||");
    expect(hmacSha512Hex(secret, "a|b")).toBe(await subtleHmac("a|b"));
    const signed = signBody(body, REFUND_RESPONSE_FIELDS, secret);
    expect(signed.vnp_SecureHash).toBe(await subtleHmac("r1|refund|00|Success|EDGETIX1|o1|15000000||||||"));
    expect(verifyBody(signed, REFUND_RESPONSE_FIELDS, secret)).toBe(true);
  });

  it("rejects a missing hash, a tampered field and the querydr field list on a refund answer", () => {
    const body = { vnp_ResponseId: "r1", vnp_Command: "refund", vnp_ResponseCode: "00", vnp_TxnRef: "o1", vnp_Amount: "15000000" };
    expect(verifyBody(body, REFUND_RESPONSE_FIELDS, secret)).toBe(false);
    const signed = signBody(body, REFUND_RESPONSE_FIELDS, secret);
    expect(verifyBody({ ...signed, vnp_Amount: "150000" }, REFUND_RESPONSE_FIELDS, secret)).toBe(false);
    expect(verifyBody({ ...signed, vnp_PromotionCode: "X" }, QUERYDR_RESPONSE_FIELDS, secret)).toBe(false);
    expect(verifyBody({ ...signed, vnp_SecureHash: "zz" }, REFUND_RESPONSE_FIELDS, secret)).toBe(false);
  });
});
