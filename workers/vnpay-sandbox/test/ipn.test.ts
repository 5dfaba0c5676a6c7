import { describe, expect, it } from "vitest";
import { HOST, eventually, pay, paymentUrl, sandbox, transactionsFor } from "./helpers";

describe("IPN delivery to the merchant", () => {
  it("retries in the background until the merchant answers 00 (99 twice first)", async () => {
    const { url, txnRef } = paymentUrl({ txnRef: `flaky-${Date.now()}` });
    expect((await pay(url, { outcome: "success" })).headers.get("location")).toContain("vnp_ResponseCode=");
    const tx = await eventually(async () => {
      const [t] = await transactionsFor(txnRef);
      return t.ipnStatus === "confirmed" && t;
    });
    expect(tx.ipnDeliveries.map((d: any) => d.rspCode)).toEqual(["99", "99", "00"]);
    expect(tx.ipnAttempts).toBe(3);
  });

  it("gives up after IPN_MAX_TRIES when the merchant never confirms, counting a non-JSON answer as none", async () => {
    for (const prefix of ["never-", "broken-"]) {
      const { url, txnRef } = paymentUrl({ txnRef: `${prefix}${Date.now()}` });
      expect((await pay(url, { outcome: "cancel" })).headers.get("location")).toContain("vnp_ResponseCode=");
      const tx = await eventually(async () => {
        const [t] = await transactionsFor(txnRef);
        return t.ipnStatus === "gave_up" && t;
      });
      expect(tx.ipnDeliveries).toHaveLength(4);
      expect(tx.ipnDeliveries[0]).toMatchObject(prefix === "never-" ? { rspCode: "01", httpStatus: 200 } : { rspCode: null, httpStatus: 500 });
    }
  });

  it("can deliver an IPN again, as VNPAY's duplicates do", async () => {
    const { url, txnRef } = paymentUrl();
    await pay(url, { outcome: "success" });
    const [tx] = await transactionsFor(txnRef);
    const res = await sandbox.fetch(`${HOST}/paymentv2/emulator/transactions/${tx.id}/ipn`, { method: "POST" });
    expect(await res.json()).toMatchObject({ RspCode: "02" });
    const [after] = await transactionsFor(txnRef);
    expect(after.ipnDeliveries.map((d: any) => [d.attempt, d.rspCode])).toEqual([
      [1, "00"],
      [2, "02"],
    ]);
  });

  describe("emulator IPN control (POST /merchant_webapi/__control {ipn})", () => {
    const control = (body: unknown) =>
      sandbox.fetch(`${HOST}/merchant_webapi/__control`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

    it("drops every delivery of one TxnRef (the merchant never hears of the payment) until reset", async () => {
      const { url, txnRef } = paymentUrl();
      const other = paymentUrl();
      expect(await (await control({ ipn: "drop", txnRef })).json()).toEqual({ control: { scope: txnRef, ipn: "drop", times: null } });
      expect((await pay(url, { outcome: "success" })).headers.get("location")).toContain("vnp_ResponseCode=00");
      await pay(other.url, { outcome: "success" });
      const tx = await eventually(async () => {
        const [t] = await transactionsFor(txnRef);
        return t.ipnStatus === "gave_up" && t;
      });
      expect(tx.ipnDeliveries).toHaveLength(4);
      expect(tx.ipnDeliveries.every((d: any) => d.httpStatus === null && d.message === "dropped (emulator control)")).toBe(true);
      expect((await transactionsFor(other.txnRef))[0].ipnDeliveries.map((d: any) => d.rspCode)).toEqual(["00"]);

      // Reset: a late delivery reaches the merchant.
      await control({ ipn: "ok", txnRef });
      const late = await sandbox.fetch(`${HOST}/paymentv2/emulator/transactions/${tx.id}/ipn`, { method: "POST" });
      expect(await late.json()).toMatchObject({ RspCode: "00" });
    });

    it("drops only `times` deliveries: the retry after them is the late IPN", async () => {
      const { url, txnRef } = paymentUrl();
      await control({ ipn: "drop", txnRef, times: 1 });
      await pay(url, { outcome: "success" });
      const tx = await eventually(async () => {
        const [t] = await transactionsFor(txnRef);
        return t.ipnStatus === "confirmed" && t;
      });
      expect(tx.ipnDeliveries.map((d: any) => d.rspCode)).toEqual([null, "00"]);
    });

    it("refuses a malformed control", async () => {
      expect((await control({ ipn: "lose" })).status).toBe(400);
      expect((await control({ ipn: "drop", times: 0 })).status).toBe(400);
      expect((await control({ ipn: "drop", refund: "refuse" })).status).toBe(400);
    });
  });
});
