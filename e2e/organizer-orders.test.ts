import { describe, expect, it } from "vitest";
import { payAtSandbox, placeOrder, publishedSale, signUp, statusBecomes } from "./saga-helpers";

// The organizer dashboard's orders table: GET /api/orders?eventId= through the gateway, with the
// organizer checked by the real events worker (EventsRpc.getEventAccess).
describe("an event's orders for its organizer", () => {
  it("lists the event's orders with buyer emails, filters by status and finds one by email; others get 404", async () => {
    const { organizer, sale } = await publishedSale({ quantity: 20 });
    const paying = await signUp();
    const waiting = await signUp();
    const paid = await placeOrder(paying.client, sale, 2);
    expect(paid.status).toBe(201);
    await payAtSandbox(paid.json.paymentUrl, "success");
    await statusBecomes(paying.client, paid.json.order.id, "confirmed");
    const pending = await placeOrder(waiting.client, sale, 1);
    expect(pending.status).toBe(201);

    const all = await organizer.get(`/api/orders?eventId=${sale.eventId}`);
    expect(all.status).toBe(200);
    expect(all.json.items.map((o: { id: string; buyerEmail: string }) => [o.id, o.buyerEmail])).toEqual([
      [pending.json.order.id, waiting.user.email],
      [paid.json.order.id, paying.user.email],
    ]);

    const confirmed = await organizer.get(`/api/orders?eventId=${sale.eventId}&status=confirmed`);
    expect(confirmed.json.items.map((o: { id: string }) => o.id)).toEqual([paid.json.order.id]);
    const byEmail = await organizer.get(`/api/orders?eventId=${sale.eventId}&q=${encodeURIComponent(waiting.user.email)}`);
    expect(byEmail.json.items.map((o: { id: string }) => o.id)).toEqual([pending.json.order.id]);

    const { client: otherOrganizer } = await signUp("organizer");
    for (const outsider of [otherOrganizer, paying.client]) {
      const res = await outsider.get(`/api/orders?eventId=${sale.eventId}`);
      expect(res.status).toBe(404);
      expect(res.json.error.code).toBe("not_found");
    }
    // Without eventId a buyer still sees only their own orders.
    const own = await paying.client.get("/api/orders");
    expect(own.json.items.map((o: { id: string }) => o.id)).toEqual([paid.json.order.id]);
  });
});
