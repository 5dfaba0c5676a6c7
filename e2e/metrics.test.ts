import { describe, expect, it } from "vitest";
import { Client, adminClient, eventually } from "./client";
import { buyAndPay, placeOrder, publishedSale, sendIpn, signUp, successIpn } from "./saga-helpers";

// Business metrics on the booted stack: Wrangler drops local Analytics Engine writes, so every
// worker also hands its points to the development-only dev-metrics worker, read here through the
// gateway's dev-only /__dev/metrics route and through the admin summary (its local driver).

type Point = { name: string; worker: string; label: string; subject: string; value: number; at: number };
const points = async (query: Record<string, string>) => {
  const res = await new Client().get(`/__dev/metrics?${new URLSearchParams({ since: "0", ...query })}`);
  expect(res.status).toBe(200);
  return res.json.items as Point[];
};

describe("metrics of a purchase", () => {
  it("an order, its payment, its tickets and a sold-out refusal each write their point across the workers", async () => {
    const admin = await adminClient();
    const before = await admin.get("/api/admin/metrics");
    expect(before.status).toBe(200);
    expect(before.json.source).toBe("local");

    const { sale } = await publishedSale({ quantity: 2, maxPerOrder: 2 });
    const { client: buyer } = await signUp();
    const { orderId, totalVnd } = await buyAndPay(buyer, sale, 2);
    const { client: late } = await signUp();
    const refused = await placeOrder(late, sale, 1);
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe("sold_out");
    // VNPAY retries the IPN after the sandbox already reported it: answered 02, an ipn_error.
    expect((await sendIpn(successIpn(orderId, totalVnd))).json.RspCode).toBe("02");

    const forEvent = await eventually(async () => {
      const found = await points({ subject: sale.eventId });
      return found.length >= 2 ? found : null;
    });
    expect(forEvent.map((p) => `${p.worker}:${p.name}`).sort()).toEqual(["orders:order_created", "orders:order_sold_out"]);

    const forOrder = await eventually(async () => {
      const found = await points({ subject: orderId });
      return found.length >= 3 ? found : null;
    });
    expect(forOrder.map((p) => `${p.worker}:${p.name}:${p.label}`).sort()).toEqual([
      "payments:ipn_error:already_confirmed",
      "payments:payment:succeeded",
      "tickets:tickets_issued:",
    ]);
    const lag = forOrder.find((p) => p.name === "tickets_issued")!.value;
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(lag).toBeLessThan(20_000);

    const after = await eventually(async () => {
      const res = await admin.get("/api/admin/metrics");
      return res.json.counts.tickets_issued > before.json.counts.tickets_issued ? res.json : null;
    });
    for (const name of ["order_created", "order_sold_out", "payment", "ipn_error", "tickets_issued"]) {
      expect(after.counts[name], name).toBeGreaterThan(before.json.counts[name]);
    }
    expect(after.issuanceLagMs.count).toBeGreaterThan(0);
    expect(after.issuanceLagMs.p95).toBeGreaterThanOrEqual(after.issuanceLagMs.p50);
    expect(Object.keys(after.queueLagMaxMs)).toEqual(expect.arrayContaining(["orders-inbox", "tickets-inbox"]));
  });

  it("the summary is for admins only, through the gateway", async () => {
    expect((await new Client().get("/api/admin/metrics")).status).toBe(401);
    const { client: buyer } = await signUp();
    expect((await buyer.get("/api/admin/metrics")).status).toBe(403);
    const { client: organizer } = await signUp("organizer");
    expect((await organizer.get("/api/admin/metrics")).status).toBe(403);
  });
});
