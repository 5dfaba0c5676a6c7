import { beforeAll, describe, expect, it } from "vitest";
import { Client, eventually } from "./client";
import {
  buyAndPay,
  getOrder,
  lateWindowPaymentUrl,
  payAtSandbox,
  placeOrder,
  publishedSale,
  signUp,
  statusBecomes,
  type Sale,
  type Ticket,
} from "./saga-helpers";

// Event cancellation on the booted stack: an event with paid, checked-in and unpaid orders is
// cancelled; sales stop at once, unpaid orders are cancelled, every paid order is refunded in
// full exactly once (calling cancel again changes nothing), a payment landing afterwards is given
// back, and every buyer hears about it once.

type Progress = { total: number; succeeded: number; failed: number; pending: number; status: string };
const notificationsOf = async (client: Client, template: string) => {
  const res = await client.get("/api/notifications?limit=100");
  expect(res.status).toBe(200);
  return (res.json.items as Array<{ template: string; channel: string }>).filter((m) => m.template === template);
};

describe("event cancellation", () => {
  let organizer: Client;
  let sale: Sale;
  let paidBuyer: Client;
  let paid: Awaited<ReturnType<typeof buyAndPay>>;
  let checkedInBuyer: Client;
  let checkedIn: Awaited<ReturnType<typeof buyAndPay>>;
  let pendingBuyer: Client;
  let pendingOrderId: string;
  let lateOrder: { id: string; totalVnd: number };

  beforeAll(async () => {
    ({ organizer, sale } = await publishedSale({ quantity: 20, priceVnd: 300_000 }));
    paidBuyer = (await signUp()).client;
    paid = await buyAndPay(paidBuyer, sale, 2);
    checkedInBuyer = (await signUp()).client;
    checkedIn = await buyAndPay(checkedInBuyer, sale, 1);
    const admitted = await organizer.post("/api/checkin", { code: checkedIn.tickets[0].code });
    expect(admitted.json.result).toBe("admitted");
    pendingBuyer = (await signUp()).client;
    const pending = await placeOrder(pendingBuyer, sale, 1);
    expect(pending.status).toBe(201);
    pendingOrderId = pending.json.order.id;
    const late = await placeOrder(pendingBuyer, sale, 1);
    expect(late.status).toBe(201);
    lateOrder = late.json.order;
  }, 90_000);

  it("refuses anyone but the event's organizer or an admin", async () => {
    expect((await paidBuyer.post(`/api/events/${sale.eventId}/cancel`, { reason: "x" })).status).toBe(403);
    const otherOrganizer = (await signUp("organizer")).client;
    const res = await otherOrganizer.post(`/api/events/${sale.eventId}/cancel`, { reason: "x" });
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe("not_found");
    expect((await new Client().post(`/api/events/${sale.eventId}/cancel`, { reason: "x" })).status).toBe(401);
  });

  it("answers 202 with the event cancelled and stops sales at once", async () => {
    const res = await organizer.post(`/api/events/${sale.eventId}/cancel`, { reason: "Mưa bão, địa điểm đóng cửa" });
    expect(res.status).toBe(202);
    expect(res.json.event).toMatchObject({ id: sale.eventId, status: "cancelled" });
    const order = await placeOrder((await signUp()).client, sale, 1);
    expect(order.status).toBe(409);
    expect(order.json.error.code).toBe("not_on_sale");
  });

  it("cancels the unpaid orders", async () => {
    const order = await statusBecomes(pendingBuyer, pendingOrderId, "cancelled", 30_000);
    expect(order.status).toBe("cancelled");
  });

  it("refunds every paid order in full, checked-in ones too, and reports the batch's totals", async () => {
    const progress = await eventually(async () => {
      const res = await organizer.get(`/api/events/${sale.eventId}/cancellation`);
      expect(res.status).toBe(200);
      return res.json.status === "completed" ? (res.json as Progress) : null;
    }, 60_000);
    expect(progress).toMatchObject({ total: 2, succeeded: 2, failed: 0, pending: 0 });
    await statusBecomes(paidBuyer, paid.orderId, "refunded", 30_000);
    await statusBecomes(checkedInBuyer, checkedIn.orderId, "refunded", 30_000);
    const voided = await eventually(async () => {
      const o = await getOrder(checkedInBuyer, checkedIn.orderId);
      return (o.tickets as Ticket[]).every((t) => t.status === "void") ? o : null;
    }, 20_000);
    expect(voided.tickets).toHaveLength(1);
    expect((await organizer.post("/api/checkin", { code: paid.tickets[0].code })).json.error.code).toBe("ticket_void");
  }, 90_000);

  it("changes nothing when cancelled again: same 202, no second refund", async () => {
    const again = await organizer.post(`/api/events/${sale.eventId}/cancel`, { reason: "Again" });
    expect(again.status).toBe(202);
    expect(again.json.event.status).toBe("cancelled");
    expect(again.json.event.cancellation.reason).toBe("Mưa bão, địa điểm đóng cửa");
    await new Promise((r) => setTimeout(r, 3_000));
    const res = await organizer.get(`/api/events/${sale.eventId}/cancellation`);
    expect(res.json).toMatchObject({ total: 2, succeeded: 2, failed: 0, pending: 0, status: "completed" });
    expect(await notificationsOf(paidBuyer, "refund_succeeded")).toHaveLength(1);
  }, 30_000);

  it("gives back a payment that lands after the cancellation", async () => {
    // Its VNPAY window outlives the (short, in e2e) hold, as a real payer's can.
    await payAtSandbox(lateWindowPaymentUrl(lateOrder.id, lateOrder.totalVnd), "success");
    const seen = new Set<string>();
    await eventually(async () => {
      const o = await getOrder(pendingBuyer, lateOrder.id);
      seen.add(o.status);
      return o.status === "refunded";
    }, 45_000).catch((err) => {
      throw new Error(`${err.message}; statuses seen: ${[...seen].join(", ")}`);
    });
    expect(seen.has("confirmed")).toBe(false);
  }, 60_000);

  it("tells every buyer once (event_cancelled), paid or not", async () => {
    for (const buyer of [paidBuyer, checkedInBuyer, pendingBuyer]) {
      const messages = await eventually(async () => {
        const found = await notificationsOf(buyer, "event_cancelled");
        return found.length ? found : null;
      }, 30_000);
      expect(messages.filter((m) => m.channel === "email")).toHaveLength(1);
    }
  }, 60_000);

  it("takes the event out of the public listing; its page shows it cancelled", async () => {
    const list = await new Client().get(`/api/events?limit=100&q=${encodeURIComponent("Saga night")}`);
    expect(list.json.items.map((e: { id: string }) => e.id)).not.toContain(sale.eventId);
    const page = await new Client().get(`/api/events/${sale.eventId}`);
    expect(page.status).toBe(200);
    expect(page.json.event.status).toBe("cancelled");
  });

  it("declares both routes in the merged OpenAPI document", async () => {
    const doc = (await new Client().get("/api/openapi.json")).json;
    expect(doc.paths["/api/events/{id}/cancel"].post.responses).toHaveProperty("202");
    expect(doc.paths["/api/events/{id}/cancellation"].get.responses).toHaveProperty("200");
  });
});
