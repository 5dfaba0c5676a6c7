import { describe, expect, it } from "vitest";
import { eventually } from "./client";
import {
  HOLD_TTL_MS,
  available,
  availableBecomes,
  getOrder,
  lateWindowPaymentUrl,
  newKey,
  payAtSandbox,
  placeOrder,
  publishedSale,
  sendIpn,
  signUp,
  statusBecomes,
  successIpn,
  type Order,
} from "./saga-helpers";

// The checkout saga on the booted stack (HOLD_TTL_SECONDS=6): orders, the inventory object,
// payments with the VNPAY sandbox emulator, tickets and the refund consumer, through the gateway.

describe("checkout saga", () => {
  it("buyer orders, pays at the sandbox, and the order is confirmed with its tickets", async () => {
    const { sale } = await publishedSale({ quantity: 10 });
    const { client: buyer } = await signUp();
    const res = await placeOrder(buyer, sale, 2);
    expect(res.status).toBe(201);
    const { order, paymentUrl } = res.json;
    expect(order).toMatchObject({ status: "pending_payment", totalVnd: 700_000 });
    expect(order.items).toEqual([expect.objectContaining({ ticketTypeId: sale.ticketTypeId, quantity: 2, unitPriceVnd: 350_000 })]);
    expect(Date.parse(order.holdExpiresAt)).toBeGreaterThan(Date.now());
    expect(paymentUrl).toMatch(/\/paymentv2\/vpcpay\.html\?.*vnp_SecureHash=/);
    await availableBecomes(sale, 8);

    const location = await payAtSandbox(paymentUrl, "success");
    expect(location).toContain("/api/payments/vnpay/return?");
    const confirmed = await statusBecomes(buyer, order.id, "confirmed");
    expect(confirmed.totalVnd).toBe(700_000);
    const withTickets = await eventually(async () => {
      const o = await getOrder(buyer, order.id);
      return o.tickets?.length === 2 ? o : null;
    });
    expect(withTickets.tickets).toEqual(
      Array.from({ length: 2 }, () => expect.objectContaining({ id: expect.any(String), code: expect.any(String), status: "valid", qrUrl: expect.stringMatching(/^\/api\/tickets\/.+\/qr\.png$/) })),
    );
    expect(await available(sale)).toBe(8);
    const mine = await buyer.get("/api/orders");
    expect(mine.status).toBe(200);
    expect(mine.json.items.map((o: Order) => o.id)).toEqual([order.id]);
    expect(mine.json.nextCursor).toBeNull();
  });

  it("lets the organizer read an order of their event; other buyers get 404", async () => {
    const { organizer, sale } = await publishedSale({ quantity: 3 });
    const { client: buyer } = await signUp();
    const { json } = await placeOrder(buyer, sale, 1);
    expect((await organizer.get(`/api/orders/${json.order.id}`)).status).toBe(200);
    const stranger = (await signUp()).client;
    const res = await stranger.get(`/api/orders/${json.order.id}`);
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe("not_found");
  });

  it("cancel at the sandbox cancels the order and puts the stock back", async () => {
    const { sale } = await publishedSale({ quantity: 5 });
    const { client: buyer } = await signUp();
    const { json } = await placeOrder(buyer, sale, 3);
    await availableBecomes(sale, 2);
    await payAtSandbox(json.paymentUrl, "cancel");
    await statusBecomes(buyer, json.order.id, "cancelled");
    await availableBecomes(sale, 5);
  });

  it("a failed payment cancels the order and puts the stock back", async () => {
    const { sale } = await publishedSale({ quantity: 5 });
    const { client: buyer } = await signUp();
    const { json } = await placeOrder(buyer, sale, 2);
    await payAtSandbox(json.paymentUrl, "fail");
    await statusBecomes(buyer, json.order.id, "cancelled");
    await availableBecomes(sale, 5);
  });

  it("the buyer cancels an unpaid order: 200, stock back; 409 invalid_state after; 404 for others", async () => {
    const { sale } = await publishedSale({ quantity: 4 });
    const { client: buyer } = await signUp();
    const { json } = await placeOrder(buyer, sale, 2);
    await availableBecomes(sale, 2);
    const other = (await signUp()).client;
    expect((await other.post(`/api/orders/${json.order.id}/cancel`)).status).toBe(404);
    const res = await buyer.post(`/api/orders/${json.order.id}/cancel`);
    expect(res.status).toBe(200);
    expect(res.json.order.status).toBe("cancelled");
    await availableBecomes(sale, 4);
    const again = await buyer.post(`/api/orders/${json.order.id}/cancel`);
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe("invalid_state");
  });

  it("refuses more than the stock (409 sold_out) or the per-order limit (409 limit_exceeded), holding nothing", async () => {
    const { sale } = await publishedSale({ quantity: 3, maxPerOrder: 4 });
    const { client: buyer } = await signUp();
    const soldOut = await placeOrder(buyer, sale, 4);
    expect(soldOut.status).toBe(409);
    expect(soldOut.json.error.code).toBe("sold_out");
    const { sale: limited } = await publishedSale({ quantity: 20, maxPerOrder: 2 });
    const over = await placeOrder(buyer, limited, 3);
    expect(over.status).toBe(409);
    expect(over.json.error.code).toBe("limit_exceeded");
    await availableBecomes(sale, 3);
    await availableBecomes(limited, 20);
  });
});

describe("idempotency", () => {
  it("20 concurrent retries of one key make one order and one hold", async () => {
    const { sale } = await publishedSale({ quantity: 30 });
    const { client: buyer } = await signUp();
    const key = newKey();
    const results = await Promise.all(Array.from({ length: 20 }, () => placeOrder(buyer, sale, 3, key)));
    for (const r of results) expect([200, 201]).toContain(r.status);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(new Set(results.map((r) => r.json.order.id)).size).toBe(1);
    for (const r of results) expect(r.json.paymentUrl).toContain(`vnp_TxnRef=${results[0].json.order.id}`);
    await availableBecomes(sale, 27);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await available(sale)).toBe(27);
    const mine = await buyer.get("/api/orders");
    expect(mine.json.items).toHaveLength(1);
  });

  it("the same key with another body is 422 idempotency_key_reused; a missing key is 400", async () => {
    const { sale } = await publishedSale({ quantity: 10 });
    const { client: buyer } = await signUp();
    const key = newKey();
    expect((await placeOrder(buyer, sale, 1, key)).status).toBe(201);
    const reused = await placeOrder(buyer, sale, 2, key);
    expect(reused.status).toBe(422);
    expect(reused.json.error.code).toBe("idempotency_key_reused");
    const missing = await buyer.post("/api/orders", { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 1 }] });
    expect(missing.status).toBe(400);
    expect(missing.json.error.code).toBe("invalid_request");
    await availableBecomes(sale, 9);
  });
});

describe("IPN", () => {
  it("replayed many times at once, confirms the order once", async () => {
    const { sale } = await publishedSale({ quantity: 10 });
    const { client: buyer } = await signUp();
    const { json } = await placeOrder(buyer, sale, 2);
    const ipn = successIpn(json.order.id, json.order.totalVnd);
    const answers = await Promise.all(Array.from({ length: 15 }, () => sendIpn(ipn)));
    for (const a of answers) expect(a.status).toBe(200);
    const codes = answers.map((a) => a.json.RspCode);
    expect(codes.filter((c) => c === "00")).toHaveLength(1);
    expect(codes.filter((c) => c === "02")).toHaveLength(14);
    await statusBecomes(buyer, json.order.id, "confirmed");
    const withTickets = await eventually(async () => {
      const o = await getOrder(buyer, json.order.id);
      return o.tickets?.length === 2 ? o : null;
    });
    expect(withTickets.status).toBe("confirmed");
    // Later replays still change nothing.
    expect((await sendIpn(ipn)).json.RspCode).toBe("02");
    await new Promise((r) => setTimeout(r, 2000));
    expect((await getOrder(buyer, json.order.id)).tickets).toHaveLength(2);
    expect(await available(sale)).toBe(8);
  });

  it("a forged checksum (97), an unknown order (01) or a tampered amount (04) change nothing", async () => {
    const { sale } = await publishedSale({ quantity: 10 });
    const { client: buyer } = await signUp();
    const { json } = await placeOrder(buyer, sale, 1);
    const genuine = successIpn(json.order.id, json.order.totalVnd);

    const forged = { ...genuine, vnp_SecureHash: genuine.vnp_SecureHash.replace(/^./, (c) => (c === "a" ? "b" : "a")) };
    expect((await sendIpn(forged)).json.RspCode).toBe("97");
    const unsignedChange = { ...genuine, vnp_Amount: "100" };
    expect((await sendIpn(unsignedChange)).json.RspCode).toBe("97");
    expect((await sendIpn(successIpn(`01NOSUCHORDER${Date.now()}`, 100_000))).json.RspCode).toBe("01");
    expect((await sendIpn(successIpn(json.order.id, json.order.totalVnd - 1_000))).json.RspCode).toBe("04");

    await new Promise((r) => setTimeout(r, 2500));
    const order = await getOrder(buyer, json.order.id);
    expect(order.status).toBe("pending_payment");
    expect(order.tickets).toEqual([]);
    expect(await available(sale)).toBe(9);
  });
});

describe("hold expiry and late payments", () => {
  it("an unpaid order expires after the hold TTL and its stock comes back", async () => {
    const { sale } = await publishedSale({ quantity: 5 });
    const { client: buyer } = await signUp();
    const started = Date.now();
    const { json } = await placeOrder(buyer, sale, 2);
    await availableBecomes(sale, 3);
    await statusBecomes(buyer, json.order.id, "expired", HOLD_TTL_MS + 15_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(HOLD_TTL_MS - 1000);
    await availableBecomes(sale, 5);
  });

  it("a payment that lands after expiry is honoured when stock remains", async () => {
    const { sale } = await publishedSale({ quantity: 5 });
    const { client: buyer } = await signUp();
    const { json } = await placeOrder(buyer, sale, 1);
    await statusBecomes(buyer, json.order.id, "expired", HOLD_TTL_MS + 15_000);
    await availableBecomes(sale, 5);
    await payAtSandbox(lateWindowPaymentUrl(json.order.id, json.order.totalVnd), "success");
    await statusBecomes(buyer, json.order.id, "confirmed");
    await availableBecomes(sale, 4);
    await eventually(async () => (await getOrder(buyer, json.order.id)).tickets?.length === 1);
  });

  it("a payment that lands after expiry when the stock is gone is refunded, never confirmed", async () => {
    const { sale } = await publishedSale({ quantity: 1 });
    const { client: late } = await signUp();
    const first = await placeOrder(late, sale, 1);
    expect(first.status).toBe(201);
    await statusBecomes(late, first.json.order.id, "expired", HOLD_TTL_MS + 15_000);

    // Someone else takes the last ticket and pays for it.
    const { client: other } = await signUp();
    const second = await placeOrder(other, sale, 1);
    expect(second.status).toBe(201);
    await payAtSandbox(second.json.paymentUrl, "success");
    await statusBecomes(other, second.json.order.id, "confirmed");

    // The first buyer's payment lands late.
    await payAtSandbox(lateWindowPaymentUrl(first.json.order.id, first.json.order.totalVnd), "success");
    const seen = new Set<string>();
    await eventually(async () => {
      const o = await getOrder(late, first.json.order.id);
      seen.add(o.status);
      return o.status === "refunded";
    }, 20_000, 100);
    expect(seen.has("confirmed")).toBe(false);
    const order = await getOrder(late, first.json.order.id);
    expect(order.tickets).toEqual([]);
    expect(await available(sale)).toBe(0);
  });
});
