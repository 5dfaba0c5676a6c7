import { describe, expect, it } from "vitest";
import { admin, call, key, placeOrder, saleOf, testEnv, user } from "./helpers";

const setOrganizer = (eventId: string, userId: string) =>
  (testEnv.EVENTS_RPC as unknown as { setOrganizer(e: string, u: string): Promise<void> }).setOrganizer(eventId, userId);

/** An event with three buyers' orders (one of them cancelled) and its organizer. */
async function eventWithOrders() {
  const sale = await saleOf(20);
  const organizer = user(["organizer"]);
  await setOrganizer(sale.eventId, organizer.userId);
  const buyers = [user(), user(), user()];
  const orders: { id: string; email: string }[] = [];
  for (const buyer of buyers) {
    const res = await placeOrder(buyer, key(), { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 1 }] });
    expect(res.status).toBe(201);
    orders.push({ id: res.json.order.id, email: buyer.email });
  }
  expect((await call("POST", `/api/orders/${orders[1].id}/cancel`, { as: buyers[1] })).status).toBe(200);
  // Another event's order never shows up in this one's list.
  const other = await saleOf(5);
  await placeOrder(buyers[0], key(), { eventId: other.eventId, items: [{ ticketTypeId: other.ticketTypeId, quantity: 1 }] });
  return { sale, organizer, buyers, orders };
}

describe("GET /api/orders?eventId= (an event's orders for its organizer)", () => {
  it("lists every buyer's order of that event, newest first, with the buyer's email, to its organizer and admins", async () => {
    const { sale, organizer, orders } = await eventWithOrders();
    for (const who of [organizer, admin()]) {
      const res = await call("GET", `/api/orders?eventId=${sale.eventId}`, { as: who });
      expect(res.status).toBe(200);
      expect(res.json.items.map((o: { id: string }) => o.id)).toEqual(orders.map((o) => o.id).reverse());
      expect(res.json.items.map((o: { buyerEmail: string }) => o.buyerEmail)).toEqual(orders.map((o) => o.email).reverse());
      expect(res.json.items.every((o: { eventId: string }) => o.eventId === sale.eventId)).toBe(true);
    }
  });

  it("filters by status and finds an order by its id or part of the buyer's email", async () => {
    const { sale, organizer, orders } = await eventWithOrders();
    const list = async (query: string) => {
      const res = await call("GET", `/api/orders?eventId=${sale.eventId}&${query}`, { as: organizer });
      expect(res.status).toBe(200);
      return res.json.items.map((o: { id: string }) => o.id);
    };
    expect(await list("status=cancelled")).toEqual([orders[1].id]);
    expect(await list("status=pending_payment")).toEqual([orders[2].id, orders[0].id]);
    expect(await list(`q=${orders[2].id}`)).toEqual([orders[2].id]);
    expect(await list(`q=${encodeURIComponent(orders[0].email.split("@")[0].toUpperCase())}`)).toEqual([orders[0].id]);
    expect(await list("q=%25")).toEqual([]); // a LIKE wildcard is matched literally
    expect(await list("status=refunded")).toEqual([]);
  });

  it("pages with the cursor", async () => {
    const { sale, organizer, orders } = await eventWithOrders();
    const first = await call("GET", `/api/orders?eventId=${sale.eventId}&limit=2`, { as: organizer });
    expect(first.json.items).toHaveLength(2);
    expect(first.json.nextCursor).toEqual(expect.any(String));
    const second = await call("GET", `/api/orders?eventId=${sale.eventId}&limit=2&cursor=${encodeURIComponent(first.json.nextCursor)}`, { as: organizer });
    expect(second.json.items.map((o: { id: string }) => o.id)).toEqual([orders[0].id]);
    expect(second.json.nextCursor).toBeNull();
  });

  it("answers 404 to another organizer and to buyers, and 400 to an unknown status", async () => {
    const { sale, buyers } = await eventWithOrders();
    for (const who of [user(["organizer"]), buyers[0]]) {
      const res = await call("GET", `/api/orders?eventId=${sale.eventId}`, { as: who });
      expect(res.status).toBe(404);
      expect(res.json.error.code).toBe("not_found");
    }
    const bad = await call("GET", `/api/orders?eventId=${sale.eventId}&status=lost`, { as: admin() });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe("invalid_request");
  });

  it("still lists only the caller's own orders without eventId (status filter applies)", async () => {
    const { buyers, orders } = await eventWithOrders();
    const own = await call("GET", "/api/orders", { as: buyers[1] });
    expect(own.json.items.map((o: { id: string }) => o.id)).toEqual([orders[1].id]);
    expect(own.json.items[0].buyerEmail).toBeUndefined();
    const pending = await call("GET", "/api/orders?status=pending_payment", { as: buyers[1] });
    expect(pending.json.items).toEqual([]);
  });
});
