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
    expect(doc.paths["/api/refunds/{id}/retry"].post.responses).toHaveProperty("202");
  });
});

// Organizer refunds and VNPAY refund failures on the booted stack. The sandbox's dev-only
// control (POST /merchant_webapi/__control) makes VNPAY refuse or time out one order's refunds.

const organizerRefund = (client: Client, orderId: string, body: { reason: string; amountVnd?: number }) => client.post(`/api/orders/${orderId}/refund`, body);
const sandboxControl = async (body: Record<string, unknown>) => {
  const res = await new Client().post("/merchant_webapi/__control", body);
  expect(res.status).toBe(200);
};
const refundBecomes = (client: Client, id: string, status: string, timeoutMs = 20_000) =>
  eventually(async () => {
    const r = await client.get(`/api/refunds/${id}`);
    expect(r.status).toBe(200);
    return r.json.refund.status === status ? r.json.refund : null;
  }, timeoutMs);
const ticketStatuses = async (client: Client, orderId: string) => ((await getOrder(client, orderId)).tickets as Ticket[]).map((t) => t.status);

describe("organizer refunds", () => {
  let organizer: Client;
  let sale: Sale;
  let orders: Array<Awaited<ReturnType<typeof buyAndPay>> & { buyer: Client }>;

  beforeAll(async () => {
    ({ organizer, sale } = await publishedSale({ quantity: 10, priceVnd: 200_000 }));
    orders = [];
    // One buyer per order: the per-buyer limit of the event.
    for (let i = 0; i < 4; i++) {
      const buyer = (await signUp()).client;
      orders.push({ buyer, ...(await buyAndPay(buyer, sale, 2)) });
    }
    await eventually(async () => (await available(sale)) === 2, 10_000);
  });

  it("refunds in full although a ticket is checked in (the buyer may not): tickets void, stock back, order refunded", async () => {
    const [a] = orders;
    const { buyer } = a;
    expect((await organizer.post("/api/checkin", { code: a.tickets[0].code })).status).toBe(200);
    const byBuyer = await askRefund(buyer, a.orderId);
    expect(byBuyer.status).toBe(409);
    expect(byBuyer.json.error).toMatchObject({ code: "not_refundable", details: { reason: "checked_in" } });

    const res = await organizerRefund(organizer, a.orderId, { reason: "Seat broken" });
    expect(res.status).toBe(202);
    expect(res.json.refund).toMatchObject({ id: expect.any(String), status: "requested", amountVnd: 400_000 });
    await refundBecomes(organizer, res.json.refund.id, "succeeded");
    await statusBecomes(buyer, a.orderId, "refunded");
    await eventually(async () => (await ticketStatuses(buyer, a.orderId)).every((s) => s === "void"), 10_000);
    await eventually(async () => (await available(sale)) === 4, 10_000);
  });

  it("refunds part of an order as money only, refuses more than is left, then refunds the rest", async () => {
    const b = orders[1];
    const { buyer } = b;
    const part = await organizerRefund(organizer, b.orderId, { reason: "Late start", amountVnd: 150_000 });
    expect(part.status).toBe(202);
    expect(part.json.refund).toMatchObject({ status: "requested", amountVnd: 150_000 });
    await refundBecomes(organizer, part.json.refund.id, "succeeded");
    await statusBecomes(buyer, b.orderId, "partially_refunded");
    expect(await ticketStatuses(buyer, b.orderId)).toEqual(["valid", "valid"]);
    expect(await available(sale)).toBe(4);

    const over = await organizerRefund(organizer, b.orderId, { reason: "Too much", amountVnd: 250_001 });
    expect(over.status).toBe(409);
    expect(over.json.error.code).toBe("not_refundable");

    const rest = await organizerRefund(organizer, b.orderId, { reason: "Show cancelled for this row" });
    expect(rest.status).toBe(202);
    expect(rest.json.refund.amountVnd).toBe(250_000);
    await refundBecomes(organizer, rest.json.refund.id, "succeeded");
    await statusBecomes(buyer, b.orderId, "refunded");
    await eventually(async () => (await ticketStatuses(buyer, b.orderId)).every((s) => s === "void"), 10_000);
    await eventually(async () => (await available(sale)) === 6, 10_000);
    // The buyer is told of each refund, the partial one included.
    await eventually(async () => {
      const res = await buyer.get("/api/notifications");
      return res.json.items.filter((m: { template: string }) => m.template === "refund_succeeded").length === 2;
    }, 20_000);
  });

  it("is 404 when another organizer asks to refund the order", async () => {
    const { client: other } = await signUp("organizer");
    const res = await organizerRefund(other, orders[2].orderId, { reason: "Not mine" });
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe("not_found");
  });

  it("a refund VNPAY refuses ends failed with failureReason; the order stays confirmed; a retry succeeds", async () => {
    const c = orders[2];
    const { buyer } = c;
    await sandboxControl({ refund: "refuse", txnRef: c.orderId, times: 1, code: "99" });
    const res = await organizerRefund(organizer, c.orderId, { reason: "Refund attempt" });
    expect(res.status).toBe(202);
    const failed = await refundBecomes(organizer, res.json.refund.id, "failed");
    expect(failed.failureReason).toEqual(expect.stringContaining("refused"));
    expect((await getOrder(buyer, c.orderId)).status).toBe("confirmed");

    const { client: other } = await signUp("organizer");
    expect((await other.get(`/api/refunds/${failed.id}`)).status).toBe(404);
    expect((await other.post(`/api/refunds/${failed.id}/retry`)).status).toBe(404);

    const retried = await organizer.post(`/api/refunds/${failed.id}/retry`);
    expect(retried.status).toBe(202);
    expect(retried.json.refund).toMatchObject({ id: failed.id, status: "requested" });
    await refundBecomes(organizer, failed.id, "succeeded");
    await statusBecomes(buyer, c.orderId, "refunded");
    const again = await organizer.post(`/api/refunds/${failed.id}/retry`);
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe("invalid_state");
  });

  it("retries a timed-out VNPAY refund with backoff, ends failed after the last attempt, and a manual retry succeeds", async () => {
    const d = orders[3];
    const { buyer } = d;
    await sandboxControl({ refund: "timeout", txnRef: d.orderId, times: 4, delayMs: 4_000 });
    const res = await organizerRefund(organizer, d.orderId, { reason: "Partial goodwill", amountVnd: 100_000 });
    expect(res.status).toBe(202);
    const failed = await refundBecomes(organizer, res.json.refund.id, "failed", 45_000);
    expect(failed).toMatchObject({ attempts: 4, failureReason: expect.stringContaining("could not be reached after 4 attempts") });
    expect((await getOrder(buyer, d.orderId)).status).toBe("confirmed");

    expect((await organizer.post(`/api/refunds/${failed.id}/retry`)).status).toBe(202);
    await refundBecomes(organizer, failed.id, "succeeded");
    await statusBecomes(buyer, d.orderId, "partially_refunded");
  });
});
