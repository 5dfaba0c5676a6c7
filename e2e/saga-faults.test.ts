import { describe, expect, it } from "vitest";
import { Client, eventually } from "./client";
import { available, availableBecomes, getOrder, payAtSandbox, placeOrder, publishedSale, signUp, statusBecomes } from "./saga-helpers";

// Out-of-order and failing steps of the checkout saga on the booted stack. Consumer crashes and
// poison messages are driven inside workerd, where a test can reach the queue: the handler fed
// the same message again after failing once (workers/orders/test/saga.test.ts), and a malformed
// envelope sent to the real orders-inbox that ends in orders-dlq and the operator view
// (workers/orders/test/dead-letters.test.ts). Here: that view through the gateway, and the
// races a real payer can cause.

async function adminClient() {
  const admin = new Client();
  const res = await admin.post("/api/auth/login", { email: "admin@example.com", password: "admin-demo-pass" });
  expect(res.status).toBe(200);
  admin.token = res.json.accessToken;
  return admin;
}

describe("operator view of the orders dead-letter queue", () => {
  it("lists parked messages for an admin only", async () => {
    const admin = await adminClient();
    const view = await admin.get("/api/orders/admin/dead-letters?limit=5");
    expect(view.status).toBe(200);
    expect(view.json).toEqual({ items: expect.any(Array), nextCursor: null });
    const { client: buyer } = await signUp();
    const forbidden = await buyer.get("/api/orders/admin/dead-letters");
    expect(forbidden.status).toBe(403);
    expect(forbidden.json.error.code).toBe("forbidden");
    expect((await new Client().get("/api/orders/admin/dead-letters")).status).toBe(401);
  });
});

describe("a payer acting against the saga", () => {
  it("cancel at the sandbox, then pay in another tab: the payment is honoured whichever event lands first", async () => {
    const { sale } = await publishedSale({ quantity: 3 });
    const { client: buyer } = await signUp();
    const { json } = await placeOrder(buyer, sale, 2);
    await payAtSandbox(json.paymentUrl, "cancel");
    await payAtSandbox(json.paymentUrl, "success");
    await statusBecomes(buyer, json.order.id, "confirmed");
    await availableBecomes(sale, 1);
    await eventually(async () => (await getOrder(buyer, json.order.id)).tickets?.length === 2);
  });

  it("cancel the order, the stock is sold to someone else, then pay: refunded, never confirmed", async () => {
    const { sale } = await publishedSale({ quantity: 1 });
    const { client: first } = await signUp();
    const mine = await placeOrder(first, sale, 1);
    expect((await first.post(`/api/orders/${mine.json.order.id}/cancel`)).status).toBe(200);

    const { client: second } = await signUp();
    const theirs = await placeOrder(second, sale, 1);
    expect(theirs.status).toBe(201);

    // The first buyer still had the payment page open and pays.
    await payAtSandbox(mine.json.paymentUrl, "success");
    const seen = new Set<string>();
    await eventually(async () => {
      const o = await getOrder(first, mine.json.order.id);
      seen.add(o.status);
      return o.status === "refunded";
    }, 20_000, 100);
    expect(seen.has("confirmed")).toBe(false);
    expect((await getOrder(first, mine.json.order.id)).tickets).toEqual([]);

    // The other buyer's hold was never touched.
    await payAtSandbox(theirs.json.paymentUrl, "success");
    await statusBecomes(second, theirs.json.order.id, "confirmed");
    expect(await available(sale)).toBe(0);
  });
});
