import { describe, expect, it } from "vitest";
import { Client, adminClient, eventually } from "./client";
import {
  HOLD_TTL_MS,
  available,
  getOrder,
  lateWindowPaymentUrl,
  payAtSandbox,
  placeOrder,
  publishedSale,
  signUp,
  statusBecomes,
} from "./saga-helpers";

// A lost IPN on the booted stack: the VNPAY sandbox is told to drop an order's IPN deliveries
// (dev-only control), the buyer pays, and the payments cron's reconciliation (querydr) finds the
// payment. The stack checks from 1 s after the payment attempt (PAYMENT_CHECK_AFTER_SECONDS).

const sandboxControl = async (body: Record<string, unknown>) => {
  const res = await new Client().post("/merchant_webapi/__control", body);
  expect(res.status).toBe(200);
};
const runPaymentsCron = async () => {
  const res = await new Client().post("/__dev/cron", { worker: "payments", cron: "* * * * *" });
  expect(res.status, res.text).toBe(200);
};
async function sandboxTransaction(orderId: string) {
  const res = await new Client().get(`/paymentv2/emulator/transactions?txnRef=${orderId}`);
  expect(res.status).toBe(200);
  return res.json.items[0] as { id: number; ipnStatus: string; ipnDeliveries: Array<{ httpStatus: number | null; rspCode: string | null; message: string }> };
}
/** Runs the payments cron until the order reaches `status` (each run asks VNPAY about due attempts). */
const reconciledTo = (buyer: Client, orderId: string, status: string, timeoutMs = 20_000) =>
  eventually(
    async () => {
      await runPaymentsCron();
      const order = await getOrder(buyer, orderId);
      return order.status === status ? order : null;
    },
    timeoutMs,
    500,
  );

describe("payment reconciliation (lost IPN → querydr)", () => {
  it("a paid order whose IPN is lost is confirmed by the payments cron, with tickets; the late real IPN then changes nothing", async () => {
    const { sale } = await publishedSale({ quantity: 5 });
    const { client: buyer } = await signUp();
    const placed = await placeOrder(buyer, sale, 2);
    expect(placed.status).toBe(201);
    const orderId = placed.json.order.id as string;
    await sandboxControl({ ipn: "drop", txnRef: orderId });

    expect(await payAtSandbox(placed.json.paymentUrl, "success")).toContain("vnp_ResponseCode=00");
    const lost = await sandboxTransaction(orderId);
    expect(lost.ipnDeliveries[0]).toMatchObject({ httpStatus: null, rspCode: null, message: "dropped (emulator control)" });
    expect((await getOrder(buyer, orderId)).status).toBe("pending_payment");

    const confirmed = await reconciledTo(buyer, orderId, "confirmed", HOLD_TTL_MS + 10_000);
    expect(confirmed.totalVnd).toBe(700_000);
    const withTickets = await eventually(async () => {
      const o = await getOrder(buyer, orderId);
      return o.tickets?.length === 2 ? o : null;
    });
    expect(await available(sale)).toBe(3);

    // VNPAY's late delivery of the real IPN: "already confirmed", nothing else happens.
    await sandboxControl({ ipn: "ok", txnRef: orderId });
    const late = await new Client().post(`/paymentv2/emulator/transactions/${lost.id}/ipn`);
    expect(late.json).toMatchObject({ RspCode: "02" });
    await runPaymentsCron();
    const after = await getOrder(buyer, orderId);
    expect(after.status).toBe("confirmed");
    expect(after.tickets).toEqual(withTickets.tickets);

    const admin = await adminClient();
    const audit = await admin.get(`/api/payments/orders/${orderId}`);
    expect(audit.status).toBe(200);
    expect(audit.json.payment).toMatchObject({ status: "succeeded", amountVnd: 700_000 });
    expect(audit.json.payment.results.map((r: { outcome: string }) => r.outcome)).toEqual(["succeeded"]);
    expect(audit.json.payment.attempts[0].reconciliation).toMatchObject({ lastCheck: "querydr: paid, recorded", nextCheckAt: null });
  });

  it("a lost IPN of a cancelled payment makes the order fail through querydr, as the IPN would", async () => {
    const { sale } = await publishedSale({ quantity: 5 });
    const { client: buyer } = await signUp();
    const placed = await placeOrder(buyer, sale, 1);
    const orderId = placed.json.order.id as string;
    await sandboxControl({ ipn: "drop", txnRef: orderId });
    await payAtSandbox(placed.json.paymentUrl, "cancel");
    const cancelled = await reconciledTo(buyer, orderId, "cancelled", HOLD_TTL_MS + 10_000);
    expect(cancelled.tickets ?? []).toEqual([]);
    const admin = await adminClient();
    const audit = await admin.get(`/api/payments/orders/${orderId}`);
    expect(audit.json.payment.results.map((r: { outcome: string }) => r.outcome)).toEqual(["failed"]);
  });

  it("a late payment with a lost IPN, after the stock is gone, is found by querydr and refunded (never confirmed)", async () => {
    const { sale } = await publishedSale({ quantity: 1 });
    const { client: late } = await signUp();
    const first = await placeOrder(late, sale, 1);
    expect(first.status).toBe(201);
    const orderId = first.json.order.id as string;
    await statusBecomes(late, orderId, "expired", HOLD_TTL_MS + 15_000);

    const { client: other } = await signUp();
    const second = await placeOrder(other, sale, 1);
    expect(second.status).toBe(201);
    await payAtSandbox(second.json.paymentUrl, "success");
    await statusBecomes(other, second.json.order.id, "confirmed");

    await sandboxControl({ ipn: "drop", txnRef: orderId });
    await payAtSandbox(lateWindowPaymentUrl(orderId, first.json.order.totalVnd), "success");
    const seen = new Set<string>();
    await eventually(
      async () => {
        await runPaymentsCron();
        const o = await getOrder(late, orderId);
        seen.add(o.status);
        return o.status === "refunded";
      },
      40_000,
      500,
    );
    expect(seen.has("confirmed")).toBe(false);
    expect((await getOrder(late, orderId)).tickets).toEqual([]);
    expect(await available(sale)).toBe(0);
  });
});
