import { describe, expect, it } from "vitest";
import type { ReturnQueryFromVNPay } from "vnpay";
import { HOST, RETURN_URL, get, merchant, pay, paramsOf, paymentUrl, transactionsFor } from "./helpers";

describe("payment page (GET /paymentv2/vpcpay.html)", () => {
  it("shows the order info, the amount in VND and the pay/cancel form", async () => {
    const { url, txnRef } = paymentUrl({ amountVnd: 1_250_000, orderInfo: "Ve Dem nhac Ha Noi" });
    const res = await get(url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const html = await res.text();
    expect(html).toContain("Ve Dem nhac Ha Noi");
    expect(html).toContain("1.250.000 VND");
    expect(html).toContain(txnRef);
    expect(html).toMatch(/<form method="post">/);
    expect(html).toContain('name="outcome" value="success"');
    expect(html).toContain('name="outcome" value="cancel"');
    expect(html).toContain('name="card"');
  });

  it("sends a tampered URL to the error page with code 70", async () => {
    const { url } = paymentUrl({ amountVnd: 150_000 });
    const tampered = url.replace("vnp_Amount=15000000", "vnp_Amount=100");
    expect(tampered).not.toBe(url);
    for (const res of [await get(tampered), await pay(tampered, { outcome: "success" })]) {
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe("/paymentv2/Payment/Error.html?code=70");
    }
    const page = await get(`${HOST}/paymentv2/Payment/Error.html?code=70`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Code 70: Invalid signature");
  });

  it("answers an unknown merchant with code 72 and a malformed request with code 03", async () => {
    const other = paymentUrl({ tmnCode: "OTHER001", secret: "another-merchant-secret" });
    expect((await get(other.url)).headers.get("location")).toBe("/paymentv2/Payment/Error.html?code=72");
    const badInfo = paymentUrl({ orderInfo: "Thanh toán #1" }); // not ASCII letters/digits/spaces
    expect((await get(badInfo.url)).headers.get("location")).toBe("/paymentv2/Payment/Error.html?code=03");
  });

  it("warns on an expired payment window and ends paying with code 11", async () => {
    const { url, txnRef } = paymentUrl({ expiresAt: new Date(Date.now() - 60_000) });
    expect(await (await get(url)).text()).toContain(`<p class="warn">Giao dịch đã hết hạn chờ thanh toán (mã 11).</p>`);
    const res = await pay(url, { outcome: "success" });
    expect(res.status).toBe(302);
    const p = paramsOf(res.headers.get("location")!);
    expect(p).toMatchObject({ vnp_ResponseCode: "11", vnp_TransactionStatus: "02", vnp_TransactionNo: "0", vnp_TxnRef: txnRef });
  });
});

describe("paying (POST /paymentv2/vpcpay.html)", () => {
  it("on success: records the transaction, confirms the IPN, redirects to the return URL with signed params", async () => {
    const { url, txnRef } = paymentUrl({ amountVnd: 150_000 });
    const res = await pay(url, { outcome: "success" });
    expect(res.status).toBe(302);
    const location = res.headers.get("location")!;
    expect(location.startsWith(`${RETURN_URL}?`)).toBe(true);
    const p = paramsOf(location);
    expect(p).toMatchObject({
      vnp_Amount: "15000000",
      vnp_ResponseCode: "00",
      vnp_TransactionStatus: "00",
      vnp_BankCode: "NCB",
      vnp_CardType: "ATM",
      vnp_TmnCode: "EDGETIX1",
      vnp_TxnRef: txnRef,
      vnp_OrderInfo: `Thanh toan don hang ${txnRef}`,
    });
    expect(p.vnp_TransactionNo).toMatch(/^\d{8}$/);
    expect(p.vnp_BankTranNo).toBe(`VNP${p.vnp_TransactionNo}`);
    expect(p.vnp_PayDate).toMatch(/^\d{14}$/);
    // The merchant's library accepts the signature (an independent implementation of VNPAY's).
    const verified = merchant().verifyReturnUrl(p as unknown as ReturnQueryFromVNPay);
    expect(verified).toMatchObject({ isVerified: true, isSuccess: true, vnp_Amount: 150_000 });

    const [tx] = await transactionsFor(txnRef);
    expect(tx).toMatchObject({ responseCode: "00", ipnStatus: "confirmed", ipnAttempts: 1 });
    // The fake merchant checks the IPN signature itself: a 00 means it was signed correctly.
    expect(tx.ipnDeliveries).toEqual([expect.objectContaining({ attempt: 1, httpStatus: 200, rspCode: "00" })]);
    expect(tx.result).toEqual(p);
  });

  it("on cancel: code 24, no bank, no transaction number", async () => {
    const { url } = paymentUrl();
    const p = paramsOf((await pay(url, { outcome: "cancel" })).headers.get("location")!);
    expect(p).toMatchObject({ vnp_ResponseCode: "24", vnp_TransactionStatus: "02", vnp_TransactionNo: "0", vnp_BankCode: "VNPAY", vnp_CardType: "QRCODE" });
    expect(p.vnp_BankTranNo).toBeUndefined();
    expect(merchant().verifyReturnUrl(p as unknown as ReturnQueryFromVNPay)).toMatchObject({ isVerified: true, isSuccess: false });
  });

  it("maps fail and the NCB test cards to their codes, and refuses unknown cards", async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ outcome: "fail" }, "51"],
      [{ outcome: "success", card: "9704195798459170488" }, "51"],
      [{ outcome: "success", card: "9704 1933 7079 1314" }, "12"],
      [{ outcome: "success", card: "9704198526191432198" }, "00"],
    ];
    for (const [form, code] of cases) {
      const p = paramsOf((await pay(paymentUrl().url, form)).headers.get("location")!);
      expect(p.vnp_ResponseCode).toBe(code);
      expect(p.vnp_TransactionStatus).toBe(code === "00" ? "00" : "02");
      expect(p.vnp_BankCode).toBe("NCB");
    }
    const unknown = await pay(paymentUrl().url, { outcome: "success", card: "4111111111111111" });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain("Unknown test card");
    expect((await pay(paymentUrl().url, { outcome: "maybe" })).status).toBe(400);
  });

  it("never charges one reference twice, but lets a cancelled one be paid", async () => {
    const { url, txnRef } = paymentUrl();
    await pay(url, { outcome: "cancel" });
    expect(paramsOf((await pay(url, { outcome: "success" })).headers.get("location")!).vnp_ResponseCode).toBe("00");
    expect((await pay(url, { outcome: "success" })).headers.get("location")).toBe("/paymentv2/Payment/Error.html?code=01");
    expect((await get(url)).headers.get("location")).toBe("/paymentv2/Payment/Error.html?code=01");
    expect((await transactionsFor(txnRef)).map((t) => t.responseCode)).toEqual(["00", "24"]);
  });
});
