import { describe, expect, it } from "vitest";
import { drizzle } from "drizzle-orm/d1";
import { HashAlgorithm, VNPay, type ReturnQueryFromVNPay } from "vnpay";
import { createPaymentUrl } from "../src/domain/payment-url";
import { asciiOrderInfo } from "../src/domain/order-info";
import { fromVnpDate, toVnpDate } from "../src/domain/vnpay-date";
import { ORIGIN, countRows, createAttempt, newOrderId, rpc, signQuery, testEnv } from "./helpers";

const verifier = () =>
  new VNPay({ tmnCode: testEnv.VNPAY_TMN_CODE, secureSecret: testEnv.VNPAY_SECURE_SECRET, hashAlgorithm: HashAlgorithm.SHA512 });
const paramsOf = (url: string) => Object.fromEntries(new URL(url).searchParams) as Record<string, string>;

describe("createPaymentUrl (RPC)", () => {
  it("builds a signed VNPAY URL for the order on the caller's origin and records the attempt", async () => {
    const orderId = newOrderId();
    const expiresAt = new Date("2030-03-01T10:15:00.000Z");
    const { paymentUrl, txnRef } = await rpc.createPaymentUrl({
      orderId,
      amountVnd: 250_000,
      expiresAt: expiresAt.toISOString(),
      orderInfo: "Vé sự kiện Đà Nẵng – Hội An! (2 vé)",
      publicOrigin: `${ORIGIN}/`,
      clientIp: "203.0.113.7",
      locale: "en",
    });
    expect(txnRef).toBe(orderId);
    const url = new URL(paymentUrl);
    expect(url.origin + url.pathname).toBe(`${ORIGIN}/paymentv2/vpcpay.html`);
    const p = paramsOf(paymentUrl);
    expect(p).toMatchObject({
      vnp_Version: "2.1.0",
      vnp_Command: "pay",
      vnp_TmnCode: "EDGETIX1",
      vnp_Amount: "25000000",
      vnp_CurrCode: "VND",
      vnp_TxnRef: orderId,
      vnp_OrderInfo: "Ve su kien Da Nang Hoi An 2 ve",
      vnp_ReturnUrl: `${ORIGIN}/api/payments/vnpay/return`,
      vnp_IpAddr: "203.0.113.7",
      vnp_Locale: "en",
      vnp_ExpireDate: "20300301171500", // the hold expiry in GMT+7
    });
    // vnp_CreateDate is "now" in GMT+7, not UTC.
    const created = fromVnpDate(p.vnp_CreateDate)!;
    expect(Math.abs(created.getTime() - Date.now())).toBeLessThan(60_000);

    // Signed as VNPAY checks it: the library and an independent implementation agree.
    expect(verifier().verifyReturnUrl(p as unknown as ReturnQueryFromVNPay).isVerified).toBe(true);
    const { vnp_SecureHash, ...unsigned } = p;
    expect((await signQuery(unsigned)).get("vnp_SecureHash")).toBe(vnp_SecureHash);
    const tampered = { ...p, vnp_Amount: "100" };
    expect(verifier().verifyReturnUrl(tampered as unknown as ReturnQueryFromVNPay).isVerified).toBe(false);

    const attempt = await testEnv.DB.prepare("SELECT * FROM payment_attempts WHERE order_id = ?").bind(orderId).first<Record<string, unknown>>();
    expect(attempt).toMatchObject({ amount_vnd: 250_000, expire_date: "20300301171500", create_date: p.vnp_CreateDate, host: ORIGIN, locale: "en" });
  });

  it("points at VNPAY_HOST when set, keeping the return URL on the public origin", async () => {
    const orderId = newOrderId();
    const env = { ...testEnv, VNPAY_HOST: "https://pay.vnpay.vn/" };
    const { paymentUrl } = await createPaymentUrl(drizzle(testEnv.DB), env, {
      orderId,
      amountVnd: 10_000,
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
      orderInfo: "",
      publicOrigin: "https://tickets.example",
      clientIp: "",
      locale: "vn",
    });
    expect(paymentUrl.startsWith("https://pay.vnpay.vn/paymentv2/vpcpay.html?")).toBe(true);
    const p = paramsOf(paymentUrl);
    expect(p.vnp_ReturnUrl).toBe("https://tickets.example/api/payments/vnpay/return");
    expect(p.vnp_OrderInfo).toBe(`Thanh toan don hang ${orderId}`);
    expect(p.vnp_IpAddr).toBe("127.0.0.1");
  });

  it("records one attempt per URL built and refuses bad input", async () => {
    const orderId = newOrderId();
    await createAttempt(orderId);
    await createAttempt(orderId);
    expect(await countRows("payment_attempts", orderId)).toBe(2);
    await expect(createAttempt(newOrderId(), -5)).rejects.toThrow();
    await expect(createAttempt("bad id with spaces")).rejects.toThrow();
  });
});

describe("VNPAY helpers", () => {
  it("strips diacritics and everything but ASCII letters, digits and spaces", () => {
    expect(asciiOrderInfo("Thanh toán đơn hàng #A-1 — Đêm nhạc", "x")).toBe("Thanh toan don hang A 1 Dem nhac");
    expect(asciiOrderInfo("🎫🎫", "Fallback 1")).toBe("Fallback 1");
  });

  it("formats and parses dates in GMT+7", () => {
    expect(toVnpDate(new Date("2026-12-31T17:30:05Z"))).toBe("20270101003005");
    expect(fromVnpDate("20270101003005")?.toISOString()).toBe("2026-12-31T17:30:05.000Z");
    expect(fromVnpDate("2027")).toBeNull();
  });
});
