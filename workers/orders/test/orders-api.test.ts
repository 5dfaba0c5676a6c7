import { describe, expect, it } from "vitest";
import { SUBSCRIPTIONS } from "@tickets/common";
import { deriveOrderId } from "../src/domain/order-id";
import { admin, call, eventsFake, eventually, key, outboxRows, placeOrder, saleOf, stock, testEnv, user } from "./helpers";

describe("POST /api/orders", () => {
  it("holds the tickets and answers 201 with a pending order and its payment URL", async () => {
    const sale = await saleOf(10, 300_000);
    const buyer = user();
    const res = await placeOrder(buyer, key(), { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 2 }] });
    expect(res.status).toBe(201);
    const { order, paymentUrl } = res.json;
    expect(order).toMatchObject({
      eventId: sale.eventId,
      status: "pending_payment",
      totalVnd: 600_000,
      items: [{ ticketTypeId: sale.ticketTypeId, name: "General admission", unitPriceVnd: 300_000, quantity: 2 }],
    });
    expect(Date.parse(order.holdExpiresAt)).toBeGreaterThan(Date.now());
    expect(paymentUrl).toContain("/paymentv2/vpcpay.html?");
    expect(paymentUrl).toContain(`vnp_TxnRef=${order.id}`);
    expect(await sale.available()).toBe(8);
    // Nobody subscribes to OrderCreated yet: no outbox row for it on the hot path.
    expect(SUBSCRIPTIONS.OrderCreated).toEqual([]);
    expect(await outboxRows(order.id, "OrderCreated")).toHaveLength(0);
  });

  it("records OrderCreated in the outbox with the order once somebody subscribes to it", async () => {
    const sale = await saleOf(10, 300_000);
    const buyer = user();
    SUBSCRIPTIONS.OrderCreated.push("notifications");
    try {
      const res = await placeOrder(buyer, key(), { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 1 }] });
      expect(res.status).toBe(201);
      const created = await outboxRows(res.json.order.id, "OrderCreated");
      expect(created).toHaveLength(1);
      expect(created[0].event.payload).toMatchObject({ orderId: res.json.order.id, buyerId: buyer.userId, totalVnd: 300_000 });
    } finally {
      SUBSCRIPTIONS.OrderCreated.length = 0;
    }
  });

  it("uses HOLD_TTL_SECONDS for the hold", async () => {
    const sale = await saleOf();
    const before = Date.now();
    const res = await placeOrder(user(), key(), { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 1 }] });
    const ttl = Number(testEnv.HOLD_TTL_SECONDS);
    expect(Date.parse(res.json.order.holdExpiresAt) - before).toBeGreaterThanOrEqual(ttl * 1000 - 1000);
    expect(Date.parse(res.json.order.holdExpiresAt) - before).toBeLessThanOrEqual(ttl * 1000 + 5000);
  });

  it("needs a signed-in caller", async () => {
    const res = await call("POST", "/api/orders", { body: { eventId: "e", items: [] }, headers: { "idempotency-key": key() } });
    expect(res.status).toBe(401);
  });

  it("refuses a missing or malformed Idempotency-Key with 400 invalid_request, holding nothing", async () => {
    const sale = await saleOf(5);
    const body = { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 1 }] };
    const missing = await call("POST", "/api/orders", { as: user(), body });
    expect(missing.status).toBe(400);
    expect(missing.json.error.code).toBe("invalid_request");
    for (const bad of ["short", "k".repeat(129)]) {
      const res = await placeOrder(user(), bad, body);
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe("invalid_request");
    }
    expect(await sale.available()).toBe(5);
  });

  it("refuses malformed bodies with 400 invalid_request", async () => {
    for (const body of [{}, { eventId: "e", items: [] }, { eventId: "e", items: [{ ticketTypeId: "t", quantity: 0 }] }, { eventId: "e", items: [{ ticketTypeId: "t", quantity: 1.5 }] }]) {
      const res = await placeOrder(user(), key(), body);
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe("invalid_request");
      expect(res.json.error.details).toBeDefined();
    }
  });

  it("returns the same order for the same key and body, without a second hold", async () => {
    const sale = await saleOf(10);
    const buyer = user();
    const k = key();
    const body = { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 3 }] };
    const first = await placeOrder(buyer, k, body);
    const again = await placeOrder(buyer, k, body);
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.json.order.id).toBe(first.json.order.id);
    expect(again.json.paymentUrl).toContain(`vnp_TxnRef=${first.json.order.id}`);
    expect((await placeOrder(buyer, k, body)).json.paymentUrl).toBe(again.json.paymentUrl);
    expect(await sale.available()).toBe(7);
  });

  it("makes one order and one hold from 20 concurrent retries of one key", async () => {
    const sale = await saleOf(50);
    const buyer = user();
    const k = key();
    const body = { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 2 }] };
    const results = await Promise.all(Array.from({ length: 20 }, () => placeOrder(buyer, k, body)));
    expect(results.map((r) => r.status).sort((a, b) => a - b)).toEqual([...Array(19).fill(200), 201]);
    expect(new Set(results.map((r) => r.json.order.id)).size).toBe(1);
    expect(new Set(results.filter((r) => r.status === 200).map((r) => r.json.paymentUrl)).size).toBe(1);
    expect(await sale.available()).toBe(48);
    const [audit] = await stock(sale.eventId).audit();
    expect(audit).toMatchObject({ held: 2, heldFromHolds: 2 }); // one hold of 2
    const count = await testEnv.DB.prepare("SELECT COUNT(*) AS n FROM orders WHERE buyer_id = ?").bind(buyer.userId).first<{ n: number }>();
    expect(count?.n).toBe(1);
  });

  it("answers 422 idempotency_key_reused for the same key with another body", async () => {
    const sale = await saleOf(10);
    const buyer = user();
    const k = key();
    await placeOrder(buyer, k, { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 1 }] });
    const other = await placeOrder(buyer, k, { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 2 }] });
    expect(other.status).toBe(422);
    expect(other.json.error.code).toBe("idempotency_key_reused");
    expect(await sale.available()).toBe(9);
  });

  it("scopes keys per buyer", async () => {
    const sale = await saleOf(10);
    const k = key();
    const body = { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 1 }] };
    const a = await placeOrder(user(), k, body);
    const b = await placeOrder(user(), k, body);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.json.order.id).not.toBe(b.json.order.id);
  });

  it("answers 409 sold_out with nothing held, and the same answer to the same retry", async () => {
    const sale = await saleOf(2);
    const buyer = user();
    const k = key();
    const body = { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 3 }] };
    const res = await placeOrder(buyer, k, body);
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe("sold_out");
    expect(await sale.available()).toBe(2);
    const again = await placeOrder(buyer, k, body);
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe("sold_out");
    const orders = await testEnv.DB.prepare("SELECT COUNT(*) AS n FROM orders WHERE buyer_id = ?").bind(buyer.userId).first<{ n: number }>();
    expect(orders?.n).toBe(0);
  });

  it("answers 404 event_not_found for an event that does not exist, creating no inventory object and no order", async () => {
    const buyer = user();
    const eventId = `ev-missing-${key()}`;
    const res = await placeOrder(buyer, key(), { eventId, items: [{ ticketTypeId: "tt-any", quantity: 1 }] });
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe("event_not_found");
    expect(await eventsFake.inventoryConstructed(testEnv.INVENTORY.idFromName(eventId).toString())).toBe(false);
    const orders = await testEnv.DB.prepare("SELECT COUNT(*) AS n FROM orders WHERE buyer_id = ?").bind(buyer.userId).first<{ n: number }>();
    expect(orders?.n).toBe(0);
    // The hook does see objects that were made: an existing event's checkout constructs its own.
    const sale = await saleOf(5);
    expect(await eventsFake.inventoryConstructed(testEnv.INVENTORY.idFromName(sale.eventId).toString())).toBe(true);
  });

  it("maps limit_exceeded to 409 and an unknown ticket type to 404", async () => {
    const sale = await saleOf(20);
    const over = await placeOrder(user(), key(), { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 7 }] });
    expect(over.status).toBe(409);
    expect(over.json.error.code).toBe("limit_exceeded");
    const unknown = await placeOrder(user(), key(), { eventId: sale.eventId, items: [{ ticketTypeId: "nope", quantity: 1 }] });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe("unknown_ticket_type");
  });
});

describe("GET /api/orders/:id and /api/orders", () => {
  it("shows an order to its owner, the event's organizer and an admin; 404 to anyone else", async () => {
    const sale = await saleOf();
    const buyer = user();
    const organizer = user(["organizer"]);
    await (testEnv.EVENTS_RPC as unknown as { setOrganizer(e: string, u: string): Promise<void> }).setOrganizer(sale.eventId, organizer.userId);
    const { json } = await placeOrder(buyer, key(), { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 1 }] });
    for (const who of [buyer, organizer, admin()]) {
      const res = await call("GET", `/api/orders/${json.order.id}`, { as: who });
      expect(res.status).toBe(200);
      expect(res.json.order).toMatchObject({ id: json.order.id, status: "pending_payment", totalVnd: 250_000, tickets: [] });
    }
    for (const who of [user(), user(["organizer"])]) {
      const res = await call("GET", `/api/orders/${json.order.id}`, { as: who });
      expect(res.status).toBe(404);
      expect(res.json.error.code).toBe("not_found");
    }
    expect((await call("GET", `/api/orders/${json.order.id}`)).status).toBe(401);
    expect((await call("GET", `/api/orders/does-not-exist`, { as: buyer })).status).toBe(404);
  });

  it("lists the caller's own orders, newest first, with cursor pagination", async () => {
    const sale = await saleOf(20);
    const buyer = user();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await placeOrder(buyer, key(), { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 1 }] });
      ids.push(res.json.order.id);
    }
    await placeOrder(user(), key(), { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 1 }] });
    const page1 = await call("GET", "/api/orders?limit=2", { as: buyer });
    expect(page1.status).toBe(200);
    expect(page1.json.items.map((o: { id: string }) => o.id)).toEqual([ids[2], ids[1]]);
    expect(page1.json.nextCursor).toBeTruthy();
    const page2 = await call("GET", `/api/orders?limit=2&cursor=${page1.json.nextCursor}`, { as: buyer });
    expect(page2.json.items.map((o: { id: string }) => o.id)).toEqual([ids[0]]);
    expect(page2.json.nextCursor).toBeNull();
    expect(page2.json.items[0].items).toHaveLength(1);
  });
});

describe("POST /api/orders/:id/cancel", () => {
  it("cancels an unpaid order, gives the stock back and records OrderCancelled; 409 the second time", async () => {
    const sale = await saleOf(5);
    const buyer = user();
    const { json } = await placeOrder(buyer, key(), { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 2 }] });
    expect(await sale.available()).toBe(3);
    const res = await call("POST", `/api/orders/${json.order.id}/cancel`, { as: buyer });
    expect(res.status).toBe(200);
    expect(res.json.order.status).toBe("cancelled");
    expect(await sale.available()).toBe(5);
    expect(await outboxRows(json.order.id, "OrderCancelled")).toHaveLength(1);
    const again = await call("POST", `/api/orders/${json.order.id}/cancel`, { as: buyer });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe("invalid_state");
    expect(await outboxRows(json.order.id, "OrderCancelled")).toHaveLength(1);
  });

  it("is the owner's alone (404 for others)", async () => {
    const sale = await saleOf(5);
    const { json } = await placeOrder(user(), key(), { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 1 }] });
    const res = await call("POST", `/api/orders/${json.order.id}/cancel`, { as: user() });
    expect(res.status).toBe(404);
    expect(await sale.available()).toBe(4);
  });
});

describe("OpenAPI", () => {
  it("publishes every orders route under its public path", async () => {
    const res = await call("GET", "/openapi.json");
    expect(Object.keys(res.json.paths)).toEqual(
      expect.arrayContaining(["/api/orders", "/api/orders/{id}", "/api/orders/{id}/cancel", "/api/orders/admin/dead-letters"]),
    );
  });
});

describe("retries whose earlier request died or whose order ended", () => {
  it("a retry after the request died holding the tickets (no order written) reuses that hold", async () => {
    const sale = await saleOf(10);
    const buyer = user();
    const k = key();
    const body = { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 2 }] };
    // What the dead request left: the hold under the key's order id, no order.
    const orderId = await deriveOrderId(buyer.userId, k);
    const held = await stock(sale.eventId).hold({ orderId, eventId: sale.eventId, buyerId: buyer.userId, items: body.items, ttlSeconds: 900 });
    expect(held.ok).toBe(true);
    expect(await sale.available()).toBe(8);

    const res = await placeOrder(buyer, k, body);
    expect(res.status).toBe(201);
    expect(res.json.order.id).toBe(orderId);
    expect(await sale.available()).toBe(8);
    expect((await placeOrder(buyer, k, body)).json.order.id).toBe(orderId);
  });

  it("a retry after that hold ran out, still with no order, holds afresh under the same order id", async () => {
    const sale = await saleOf(10);
    const buyer = user();
    const k = key();
    const body = { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 2 }] };
    const orderId = await deriveOrderId(buyer.userId, k);
    await stock(sale.eventId).hold({ orderId, eventId: sale.eventId, buyerId: buyer.userId, items: body.items, ttlSeconds: 900 });
    expect(await stock(sale.eventId).expire(orderId)).toBe(true);
    expect(await sale.available()).toBe(10);

    const res = await placeOrder(buyer, k, body);
    expect(res.status).toBe(201);
    expect(res.json.order.id).toBe(orderId);
    expect(await sale.available()).toBe(8);
  });

  it("a retry of an order whose hold expired gets that order back and holds nothing again", async () => {
    const sale = await saleOf(5);
    const buyer = user();
    const k = key();
    const body = { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 2 }] };
    const first = await placeOrder(buyer, k, body);
    expect(first.status).toBe(201);
    await stock(sale.eventId).expire(first.json.order.id);
    expect(await sale.available()).toBe(5);

    const again = await placeOrder(buyer, k, body);
    expect(again.status).toBe(200);
    expect(again.json.order.id).toBe(first.json.order.id);
    expect(await sale.available()).toBe(5);
    const [audit] = await stock(sale.eventId).audit();
    expect(audit).toMatchObject({ held: 0, heldFromHolds: 0 });
  });

  it("a retry of a cancelled order gets the cancelled order back and holds nothing again", async () => {
    const sale = await saleOf(5);
    const buyer = user();
    const k = key();
    const body = { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 2 }] };
    const first = await placeOrder(buyer, k, body);
    expect((await call("POST", `/api/orders/${first.json.order.id}/cancel`, { as: buyer })).status).toBe(200);
    const again = await placeOrder(buyer, k, body);
    expect(again.status).toBe(200);
    expect(again.json.order).toMatchObject({ id: first.json.order.id, status: "cancelled" });
    expect(again.json.paymentUrl).toBeNull();
    expect(await sale.available()).toBe(5);
  });

  it("answers 422 for a key reused with another body after its order ended", async () => {
    const sale = await saleOf(5);
    const buyer = user();
    const k = key();
    const first = await placeOrder(buyer, k, { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 1 }] });
    await stock(sale.eventId).expire(first.json.order.id);
    const other = await placeOrder(buyer, k, { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 2 }] });
    expect(other.status).toBe(422);
    expect(other.json.error.code).toBe("idempotency_key_reused");
    expect(await sale.available()).toBe(5);
  });

  it("answers 422 for a key reused for another event, and gives back what that event's object held", async () => {
    const [a, b] = [await saleOf(5), await saleOf(5)];
    const buyer = user();
    const k = key();
    expect((await placeOrder(buyer, k, { eventId: a.eventId, items: [{ ticketTypeId: a.ticketTypeId, quantity: 1 }] })).status).toBe(201);
    const other = await placeOrder(buyer, k, { eventId: b.eventId, items: [{ ticketTypeId: b.ticketTypeId, quantity: 1 }] });
    expect(other.status).toBe(422);
    expect(other.json.error.code).toBe("idempotency_key_reused");
    await eventually(async () => (await b.available()) === 5);
    expect(await a.available()).toBe(4);
    const again = await placeOrder(buyer, k, { eventId: b.eventId, items: [{ ticketTypeId: b.ticketTypeId, quantity: 1 }] });
    expect(again.status).toBe(422);
    expect(await b.available()).toBe(5);
  });
});

describe("the inventory object's rehold option", () => {
  it("answers hold_ended for an ended hold with rehold: false, and holds again by default (late payments)", async () => {
    const sale = await saleOf(5);
    const inv = stock(sale.eventId);
    const req = { orderId: `o-${Date.now()}`, eventId: sale.eventId, buyerId: user().userId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 2 }], ttlSeconds: 900 };
    expect(await inv.hold({ ...req, rehold: false })).toMatchObject({ ok: true, alreadyHeld: false });
    expect(await inv.hold({ ...req, rehold: false })).toMatchObject({ ok: true, alreadyHeld: true });
    await inv.release(req.orderId);
    expect(await inv.hold({ ...req, rehold: false })).toMatchObject({ ok: false, code: "hold_ended" });
    expect(await sale.available()).toBe(5);
    expect(await inv.hold(req)).toMatchObject({ ok: true, alreadyHeld: false });
    expect(await sale.available()).toBe(3);
  });
});
