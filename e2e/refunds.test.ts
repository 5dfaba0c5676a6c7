import { beforeAll, describe, expect, it } from "vitest";
import { Client, eventually } from "./client";
import { available, buyAndPay, getOrder, publishedSale, signUp, statusBecomes, type Sale, type Ticket } from "./saga-helpers";

// Buyer refunds on the booted stack: a paid order refunded through the VNPAY sandbox, its
// tickets voided, its stock back on sale, the buyer told; and the policy's no-refund window.

const askRefund = (client: Client, orderId: string, reason = "Khong the tham du") => client.post(`/api/orders/${orderId}/refund`, { reason });

describe("buyer refunds", () => {
  let organizer: Client;
  let buyer: Client;
  let sale: Sale;
  let bought: Awaited<ReturnType<typeof buyAndPay>>;
  let refundId: string;

  beforeAll(async () => {
    ({ organizer, sale } = await publishedSale({ quantity: 10, priceVnd: 250_000 }));
    buyer = (await signUp()).client;
    bought = await buyAndPay(buyer, sale, 3);
    await eventually(async () => (await available(sale)) === 7, 10_000);
  });

  it("refunds a paid order in full: 202 requested, then succeeded, and the order is refunded", async () => {
    const res = await askRefund(buyer, bought.orderId);
    expect(res.status).toBe(202);
    expect(res.json.refund).toMatchObject({ id: expect.any(String), status: "requested", amountVnd: 750_000 });
    refundId = res.json.refund.id;

    const refund = await eventually(async () => {
      const r = await buyer.get(`/api/refunds/${refundId}`);
      expect(r.status).toBe(200);
      return r.json.refund.status === "succeeded" ? r.json.refund : null;
    }, 10_000);
    expect(refund).toMatchObject({ id: refundId, amountVnd: 750_000, orderId: bought.orderId, reason: "Khong the tham du", createdAt: expect.any(String) });
    await statusBecomes(buyer, bought.orderId, "refunded");
  });

  it("voids the order's tickets: check-in answers 409 ticket_void", async () => {
    const order = await eventually(async () => {
      const o = await getOrder(buyer, bought.orderId);
      return o.tickets?.every((t) => (t as Ticket).status === "void") ? o : null;
    }, 10_000);
    expect(order.tickets).toHaveLength(3);
    const res = await organizer.post("/api/checkin", { code: bought.tickets[0].code });
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe("ticket_void");
  });

  it("puts the refunded tickets back on sale", async () => {
    await eventually(async () => (await available(sale)) === 10, 10_000);
  });

  it("refuses a second refund of the same order", async () => {
    const res = await askRefund(buyer, bought.orderId);
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe("not_refundable");
  });

  it("tells the buyer the refund went through", async () => {
    const message = await eventually(async () => {
      const res = await buyer.get("/api/notifications");
      expect(res.status).toBe(200);
      return res.json.items.find((m: { template: string }) => m.template === "refund_succeeded");
    }, 20_000);
    expect(message).toMatchObject({ id: expect.any(String), subject: expect.any(String), createdAt: expect.any(String) });
  });

  it("lets the organizer read the refund; another buyer gets 404 on both routes, anonymous 401", async () => {
    expect((await organizer.get(`/api/refunds/${refundId}`)).json.refund).toMatchObject({ id: refundId, status: "succeeded" });
    const stranger = (await signUp()).client;
    const read = await stranger.get(`/api/refunds/${refundId}`);
    expect(read.status).toBe(404);
    expect(read.json.error.code).toBe("not_found");
    const ask = await askRefund(stranger, bought.orderId);
    expect(ask.status).toBe(404);
    expect(ask.json.error.code).toBe("not_found");
    expect((await new Client().get(`/api/refunds/${refundId}`)).status).toBe(401);
    expect((await new Client().post(`/api/orders/${bought.orderId}/refund`, { reason: "x" })).status).toBe(401);
  });

  it("refuses a refund inside the no-refund window of the default policy (event in under 72 h)", async () => {
    const soon = new Date(Date.now() + 48 * 3_600_000);
    const ev = await organizer.post("/api/events", {
      title: "Sap dien ra",
      venue: "Nha hat Lon",
      city: "Ha Noi",
      startsAt: soon.toISOString(),
      endsAt: new Date(soon.getTime() + 3 * 3_600_000).toISOString(),
    });
    expect(ev.status).toBe(201);
    const eventId = ev.json.event.id as string;
    const tt = await organizer.post(`/api/events/${eventId}/ticket-types`, { name: "Standard", priceVnd: 200_000, quantity: 5, maxPerOrder: 2 });
    expect(tt.status).toBe(201);
    expect((await organizer.post(`/api/events/${eventId}/publish`)).status).toBe(200);
    const late = await buyAndPay(buyer, { eventId, ticketTypeId: tt.json.ticketType.id }, 1);

    const res = await askRefund(buyer, late.orderId);
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe("not_refundable");
    expect((await getOrder(buyer, late.orderId)).status).toBe("confirmed");
  });

  it("declares both routes in the merged OpenAPI document", async () => {
    const doc = (await new Client().get("/api/openapi.json")).json;
    expect(doc.paths["/api/orders/{id}/refund"].post.responses).toHaveProperty("202");
    expect(doc.paths["/api/refunds/{id}"].get.responses).toHaveProperty("200");
  });
});
