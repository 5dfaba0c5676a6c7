import { describe, expect, it } from "vitest";
import { ulid } from "ulid";
import { dateFormat, getDateInGMT7 } from "vnpay";
import { HOST, pay, paramsOf, paymentUrl, sandbox, testEnv } from "./helpers";

const enc = new TextEncoder();
async function hmac(text: string, secret = testEnv.VNPAY_SECURE_SECRET) {
  const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-512" }, false, ["sign"]);
  return [...new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(text)))].map((b) => b.toString(16).padStart(2, "0")).join("");
}
const join = (o: Record<string, unknown>, fields: string[]) => fields.map((f) => (o[f] == null ? "" : String(o[f]))).join("|");
const now = () => String(dateFormat(getDateInGMT7(new Date())));

const REFUND_REQ = ["vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TransactionType", "vnp_TxnRef", "vnp_Amount", "vnp_TransactionNo", "vnp_TransactionDate", "vnp_CreateBy", "vnp_CreateDate", "vnp_IpAddr", "vnp_OrderInfo"];
const QUERYDR_REQ = ["vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TxnRef", "vnp_TransactionDate", "vnp_CreateDate", "vnp_IpAddr", "vnp_OrderInfo"];
const REFUND_RES = ["vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message", "vnp_TmnCode", "vnp_TxnRef", "vnp_Amount", "vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo", "vnp_TransactionType", "vnp_TransactionStatus", "vnp_OrderInfo"];
const QUERYDR_RES = [...REFUND_RES, "vnp_PromotionCode", "vnp_PromotionAmount"];

async function call(body: Record<string, string>) {
  const res = await sandbox.fetch(`${HOST}/merchant_webapi/api/transaction`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, string>;
}

/** A paid (or cancelled) transaction: the URL's vnp_CreateDate is the refund's TransactionDate. */
async function transaction(outcome: "success" | "cancel" = "success", amountVnd = 150_000) {
  const { url, txnRef } = paymentUrl({ amountVnd });
  const result = paramsOf((await pay(url, { outcome })).headers.get("location")!);
  return { txnRef, createDate: new URL(url).searchParams.get("vnp_CreateDate")!, result };
}

async function refundRequest(t: { txnRef: string; createDate: string; result: Record<string, string> }, over: Record<string, string> = {}, secret?: string) {
  const body: Record<string, string> = {
    vnp_RequestId: ulid(),
    vnp_Version: "2.1.0",
    vnp_Command: "refund",
    vnp_TmnCode: testEnv.VNPAY_TMN_CODE,
    vnp_TransactionType: "02",
    vnp_TxnRef: t.txnRef,
    vnp_Amount: t.result.vnp_Amount,
    vnp_TransactionNo: t.result.vnp_TransactionNo,
    vnp_TransactionDate: t.createDate,
    vnp_CreateBy: "support-agent",
    vnp_CreateDate: now(),
    vnp_IpAddr: "127.0.0.1",
    vnp_OrderInfo: "Hoan tien don hang",
    ...over,
  };
  return { ...body, vnp_SecureHash: await hmac(join(body, REFUND_REQ), secret) };
}

async function querydrRequest(t: { txnRef: string; createDate: string }, over: Record<string, string> = {}) {
  const body: Record<string, string> = {
    vnp_RequestId: ulid(),
    vnp_Version: "2.1.0",
    vnp_Command: "querydr",
    vnp_TmnCode: testEnv.VNPAY_TMN_CODE,
    vnp_TxnRef: t.txnRef,
    vnp_TransactionDate: t.createDate,
    vnp_CreateDate: now(),
    vnp_IpAddr: "127.0.0.1",
    vnp_OrderInfo: "Truy van giao dich",
    ...over,
  };
  return { ...body, vnp_SecureHash: await hmac(join(body, QUERYDR_REQ)) };
}

const signedWith = async (res: Record<string, string>, fields: string[]) => res.vnp_SecureHash === (await hmac(join(res, fields)));

describe("merchant API: querydr", () => {
  it("reports a paid transaction in a response signed over the documented fields", async () => {
    const t = await transaction();
    const res = await call(await querydrRequest(t));
    expect(res).toMatchObject({
      vnp_Command: "querydr",
      vnp_ResponseCode: "00",
      vnp_TmnCode: "EDGETIX1",
      vnp_TxnRef: t.txnRef,
      vnp_Amount: "15000000",
      vnp_TransactionNo: t.result.vnp_TransactionNo,
      vnp_TransactionType: "01",
      vnp_TransactionStatus: "00",
      vnp_BankCode: "NCB",
      vnp_PromotionCode: "",
    });
    expect(await signedWith(res, QUERYDR_RES)).toBe(true);
  });

  it("answers 91 for an unknown reference, 97 for a bad hash, 02 for an unknown merchant", async () => {
    const unknown = await call(await querydrRequest({ txnRef: ulid(), createDate: now() }));
    expect(unknown.vnp_ResponseCode).toBe("91");
    expect(await signedWith(unknown, QUERYDR_RES)).toBe(true);
    const tampered = { ...(await querydrRequest({ txnRef: ulid(), createDate: now() })), vnp_TxnRef: "something-else" };
    expect((await call(tampered)).vnp_ResponseCode).toBe("97");
    expect((await call(await querydrRequest({ txnRef: ulid(), createDate: now() }, { vnp_TmnCode: "NOPE0001" }))).vnp_ResponseCode).toBe("02");
  });
});

describe("merchant API: refund", () => {
  it("refunds a successful transaction once, signed; later ones are 94 and querydr shows it", async () => {
    const t = await transaction("success", 200_000);
    const first = await call(await refundRequest(t));
    expect(first).toMatchObject({ vnp_Command: "refund", vnp_ResponseCode: "00", vnp_Amount: "20000000", vnp_TransactionType: "02", vnp_TransactionStatus: "05", vnp_TxnRef: t.txnRef });
    expect(await signedWith(first, REFUND_RES)).toBe(true);

    const again = await call(await refundRequest(t));
    expect(again.vnp_ResponseCode).toBe("94");
    const q = await call(await querydrRequest(t));
    expect(q).toMatchObject({ vnp_ResponseCode: "00", vnp_TransactionType: "02", vnp_TransactionStatus: "05" });
  });

  it("treats a reused request id as a duplicate (94)", async () => {
    const t = await transaction();
    const req = await refundRequest(t, { vnp_TransactionType: "03", vnp_Amount: "5000000" });
    expect((await call(req)).vnp_ResponseCode).toBe("00");
    expect((await call(req)).vnp_ResponseCode).toBe("94");
  });

  it("answers 91 unknown, 95 not successful, 03 bad amount, 97 bad hash", async () => {
    expect((await call(await refundRequest({ txnRef: ulid(), createDate: now(), result: { vnp_Amount: "100", vnp_TransactionNo: "0" } }))).vnp_ResponseCode).toBe("91");
    expect((await call(await refundRequest(await transaction("cancel")))).vnp_ResponseCode).toBe("95");
    const t = await transaction("success", 100_000);
    expect((await call(await refundRequest(t, { vnp_Amount: "10000100", vnp_TransactionType: "03" }))).vnp_ResponseCode).toBe("03");
    expect((await call(await refundRequest(t, { vnp_Amount: "5000000", vnp_TransactionType: "02" }))).vnp_ResponseCode).toBe("03");
    const forged = await refundRequest(t, {}, "not-the-secret");
    const res = await call(forged);
    expect(res.vnp_ResponseCode).toBe("97");
    expect(await signedWith(res, REFUND_RES)).toBe(true);
  });
});

describe("merchant API: partial refunds", () => {
  it("takes several partial refunds up to the amount paid, then 03 for more and 94 once all is back", async () => {
    const t = await transaction("success", 300_000);
    expect((await call(await refundRequest(t, { vnp_TransactionType: "03", vnp_Amount: "10000000" }))).vnp_ResponseCode).toBe("00");
    expect((await call(await refundRequest(t, { vnp_TransactionType: "02" }))).vnp_ResponseCode).toBe("94");
    expect((await call(await refundRequest(t, { vnp_TransactionType: "03", vnp_Amount: "20000100" }))).vnp_ResponseCode).toBe("03");
    expect((await call(await refundRequest(t, { vnp_TransactionType: "03", vnp_Amount: "20000000" }))).vnp_ResponseCode).toBe("00");
    expect((await call(await refundRequest(t, { vnp_TransactionType: "03", vnp_Amount: "100" }))).vnp_ResponseCode).toBe("94");
  });
});

describe("emulator refund controls (POST /merchant_webapi/__control)", () => {
  const control = (body: unknown) =>
    sandbox.fetch(`${HOST}/merchant_webapi/__control`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const raw = (body: Record<string, string>) =>
    sandbox.fetch(`${HOST}/merchant_webapi/api/transaction`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

  it("refuses the next n refunds of one TxnRef with a signed answer, then refunds normally", async () => {
    const t = await transaction("success", 100_000);
    const other = await transaction("success", 100_000);
    expect((await control({ refund: "refuse", txnRef: t.txnRef, times: 2, code: "95" })).status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const res = await call(await refundRequest(t));
      expect(res).toMatchObject({ vnp_ResponseCode: "95", vnp_TxnRef: t.txnRef });
      expect(await signedWith(res, REFUND_RES)).toBe(true);
    }
    expect((await call(await refundRequest(other))).vnp_ResponseCode).toBe("00");
    expect((await call(await refundRequest(t))).vnp_ResponseCode).toBe("00");
  });

  it("times out (no answer, then 504) without refunding or using up the request id; unavailable is 503", async () => {
    const t = await transaction("success", 100_000);
    await control({ refund: "timeout", txnRef: t.txnRef, times: 1, delayMs: 200 });
    const req = await refundRequest(t);
    const started = Date.now();
    const stalled = await raw(req);
    expect(stalled.status).toBe(504);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    // The same request sent again is processed: VNPAY never saw the first one.
    expect((await call(req)).vnp_ResponseCode).toBe("00");

    const u = await transaction("success", 100_000);
    await control({ refund: "unavailable", txnRef: u.txnRef });
    expect((await raw(await refundRequest(u))).status).toBe(503);
    expect((await raw(await refundRequest(u))).status).toBe(503);
    await control({ refund: "ok", txnRef: u.txnRef });
    expect((await call(await refundRequest(u))).vnp_ResponseCode).toBe("00");
  });

  it("takes the whole transaction API down (querydr and refund, any TxnRef) and back up", async () => {
    const t = await transaction("success", 100_000);
    expect((await control({ api: "unavailable" })).status).toBe(200);
    expect((await raw(await querydrRequest(t))).status).toBe(503);
    expect((await raw(await refundRequest(t))).status).toBe(503);
    await control({ api: "timeout", times: 1, delayMs: 150 });
    const started = Date.now();
    expect((await raw(await querydrRequest(t))).status).toBe(504);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    await control({ api: "ok" });
    expect((await call(await querydrRequest(t))).vnp_ResponseCode).toBe("00");
    expect((await call(await refundRequest(t))).vnp_ResponseCode).toBe("00");
  });

  it("rejects a malformed control with 400", async () => {
    expect((await control({ refund: "explode" })).status).toBe(400);
    expect((await control({ api: "explode" })).status).toBe(400);
    expect((await control({ refund: "refuse", code: "00" })).status).toBe(400);
  });
});
