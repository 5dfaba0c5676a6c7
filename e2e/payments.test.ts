import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ulid } from "ulid";
import { HashAlgorithm, ProductCode, VNPay, VnpLocale, type ReturnQueryFromVNPay } from "vnpay";
import { Client } from "./client";

// Payments and the VNPAY sandbox emulator on the booted stack, through the gateway, as VNPAY and
// a merchant see them. (The full pay flow with real orders is in checkout.test.ts.)

function devVar(name: string): string {
  const text = readFileSync(join(__dirname, "..", "workers", "payments", ".dev.vars.example"), "utf8");
  const m = new RegExp(`^${name}="([^"]*)"`, "m").exec(text);
  if (!m) throw new Error(`${name} missing from workers/payments/.dev.vars.example`);
  return m[1];
}
const TMN_CODE = devVar("VNPAY_TMN_CODE");
const SECRET = devVar("VNPAY_SECURE_SECRET");
const client = new Client();
const base = client.baseUrl;

/** yyyyMMddHHmmss in GMT+7, independent of this machine's time zone. */
const gmt7 = (d: Date) => Number(new Date(d.getTime() + 7 * 3600_000).toISOString().replace(/\D/g, "").slice(0, 14));
const merchant = () => new VNPay({ tmnCode: TMN_CODE, secureSecret: SECRET, vnpayHost: base, hashAlgorithm: HashAlgorithm.SHA512 });

/** A payment URL as the payments worker builds it, for an order the platform never created. */
function paymentUrl(amountVnd = 320_000) {
  const txnRef = ulid();
  const url = merchant().buildPaymentUrl({
    vnp_Amount: amountVnd,
    vnp_OrderInfo: `Thanh toan don hang ${txnRef}`,
    vnp_TxnRef: txnRef,
    vnp_IpAddr: "203.0.113.9",
    vnp_ReturnUrl: `${base}/api/payments/vnpay/return`,
    vnp_CreateDate: gmt7(new Date()),
    vnp_ExpireDate: gmt7(new Date(Date.now() + 15 * 60_000)),
    vnp_Locale: VnpLocale.EN,
    vnp_OrderType: ProductCode.Other,
  });
  return { txnRef, path: url.slice(base.length) };
}

/** VNPAY's result signing, as the IPN and return URL carry it. */
function signed(params: Record<string, string>, secret = SECRET) {
  const q = new URLSearchParams(Object.keys(params).sort().filter((k) => params[k] !== "").map((k) => [k, params[k]] as [string, string]));
  q.append("vnp_SecureHash", createHmac("sha512", secret).update(q.toString()).digest("hex"));
  return q;
}
const result = (txnRef: string, over: Record<string, string> = {}) =>
  signed({
    vnp_Amount: "32000000",
    vnp_BankCode: "NCB",
    vnp_BankTranNo: "VNP14000001",
    vnp_CardType: "ATM",
    vnp_OrderInfo: `Thanh toan don hang ${txnRef}`,
    vnp_PayDate: "20260101120000",
    vnp_ResponseCode: "00",
    vnp_TmnCode: TMN_CODE,
    vnp_TransactionNo: "14000001",
    vnp_TransactionStatus: "00",
    vnp_TxnRef: txnRef,
    ...over,
  });

const form = (path: string, outcome: string) =>
  client.call("POST", path, { raw: new URLSearchParams({ outcome }).toString(), headers: { "content-type": "application/x-www-form-urlencoded" } });

async function adminClient() {
  const admin = new Client();
  const login = await admin.post("/api/auth/login", { email: "admin@example.com", password: "admin-demo-pass" });
  expect(login.status).toBe(200);
  admin.token = login.json.accessToken;
  return admin;
}

describe("VNPAY sandbox emulator through the gateway", () => {
  it("shows the payment page of a signed URL: order info and amount in VND", async () => {
    const { path, txnRef } = paymentUrl(320_000);
    expect(path.startsWith("/paymentv2/vpcpay.html?")).toBe(true);
    const res = await client.get(path);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.text).toContain(`Thanh toan don hang ${txnRef}`);
    expect(res.text).toContain("320.000 VND");
    expect(res.text).toContain('value="success"');
  });

  it("sends a tampered payment URL to its error page (code 70)", async () => {
    const { path } = paymentUrl(320_000);
    const res = await client.get(path.replace("vnp_Amount=32000000", "vnp_Amount=100"));
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/paymentv2/Payment/Error.html?code=70");
    const page = await client.get("/paymentv2/Payment/Error.html?code=70");
    expect(page.status).toBe(200);
    expect(page.text).toContain("Invalid signature");
  });

  it("on pay, calls the merchant IPN (01 here: no such order) and sends the browser back with signed params", async () => {
    const { path, txnRef } = paymentUrl(320_000);
    const res = await form(path, "success");
    expect(res.status).toBe(302);
    const location = res.headers.get("location")!;
    expect(location.startsWith(`${base}/api/payments/vnpay/return?`)).toBe(true);
    const params = Object.fromEntries(new URL(location).searchParams);
    expect(merchant().verifyReturnUrl(params as unknown as ReturnQueryFromVNPay)).toMatchObject({ isVerified: true, isSuccess: true, vnp_Amount: 320_000 });

    // The payments worker answered the IPN (server to server, through the gateway) with 01.
    const emulator = await client.get(`/paymentv2/emulator/transactions?txnRef=${txnRef}`);
    expect(emulator.json.items[0].ipnDeliveries[0]).toMatchObject({ attempt: 1, httpStatus: 200, rspCode: "01" });

    // The browser's return is verified and redirected to the dashboard's order page.
    const back = await client.get(location.slice(base.length));
    expect(back.status).toBe(302);
    expect(back.headers.get("location")).toMatch(new RegExp(`/orders/${txnRef}\\?payment=success$`));

    // Support sees every callback with the answer given.
    const audit = await (await adminClient()).get(`/api/payments/orders/${txnRef}`);
    expect(audit.status).toBe(200);
    expect(audit.json.payment.status).toBe("none");
    expect(audit.json.payment.callbacks.map((c: { kind: string; answerCode: string }) => [c.kind, c.answerCode])).toContainEqual(["ipn", "01"]);
    expect(audit.json.payment.callbacks.map((c: { kind: string; answerCode: string }) => [c.kind, c.answerCode])).toContainEqual(["return", "302"]);
  });

  it("answers querydr signed over the documented fields", async () => {
    const { path, txnRef } = paymentUrl(320_000);
    const createDate = new URL(base + path).searchParams.get("vnp_CreateDate")!;
    await form(path, "cancel");
    const fields = {
      vnp_RequestId: ulid(),
      vnp_Version: "2.1.0",
      vnp_Command: "querydr",
      vnp_TmnCode: TMN_CODE,
      vnp_TxnRef: txnRef,
      vnp_TransactionDate: createDate,
      vnp_CreateDate: String(gmt7(new Date())),
      vnp_IpAddr: "127.0.0.1",
      vnp_OrderInfo: "Truy van",
    };
    const hash = createHmac("sha512", SECRET).update(Object.values(fields).join("|")).digest("hex");
    const res = await client.post("/merchant_webapi/api/transaction", { ...fields, vnp_SecureHash: hash });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ vnp_ResponseCode: "00", vnp_TxnRef: txnRef, vnp_TransactionStatus: "02", vnp_Amount: "32000000" });
    const order = ["vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message", "vnp_TmnCode", "vnp_TxnRef", "vnp_Amount", "vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo", "vnp_TransactionType", "vnp_TransactionStatus", "vnp_OrderInfo", "vnp_PromotionCode", "vnp_PromotionAmount"];
    const expected = createHmac("sha512", SECRET).update(order.map((k) => res.json[k] ?? "").join("|")).digest("hex");
    expect(res.json.vnp_SecureHash).toBe(expected);
  });
});

describe("payments IPN and return through the gateway", () => {
  it("answers the VNPAY IPN contract: 97 for a bad checksum, 01 for an unknown order, never a 500", async () => {
    const txnRef = ulid();
    const ipn = (q: URLSearchParams | string) => client.get(`/api/payments/vnpay/ipn?${q}`);
    for (const q of ["", "vnp_TxnRef=x", result(txnRef).toString().replace("vnp_ResponseCode=00", "vnp_ResponseCode=24"), result(txnRef).toString() + "&vnp_Amount=1"]) {
      const res = await ipn(q);
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ RspCode: "97", Message: "Fail checksum" });
    }
    const other = signed({ vnp_Amount: "100", vnp_TxnRef: txnRef }, "someone-elses-secret");
    expect((await ipn(other)).json.RspCode).toBe("97");
    const unknown = await ipn(result(txnRef));
    expect(unknown.status).toBe(200);
    expect(unknown.json).toEqual({ RspCode: "01", Message: "Order not found" });
  });

  it("refuses a tampered return with 400 in the error format", async () => {
    const q = result(ulid(), { vnp_ResponseCode: "24", vnp_TransactionStatus: "02" });
    q.set("vnp_ResponseCode", "00");
    const res = await client.get(`/api/payments/vnpay/return?${q}`);
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: { code: "invalid_signature", message: expect.any(String) } });
  });

  it("publishes its routes in the merged OpenAPI document", async () => {
    const doc = await client.get("/api/openapi.json");
    for (const path of ["/api/payments/vnpay/ipn", "/api/payments/vnpay/return", "/api/payments/orders/{orderId}"]) {
      expect(doc.json.paths[path]?.get).toBeTruthy();
    }
  });

  it("keeps the audit trail for admins only", async () => {
    expect((await client.get(`/api/payments/orders/${ulid()}`)).status).toBe(401);
    expect((await (await adminClient()).get(`/api/payments/orders/${ulid()}`)).status).toBe(404);
  });
});
