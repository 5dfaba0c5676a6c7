import { beforeAll, describe, expect, it } from "vitest";
import { adminClient, Client, eventually } from "./client";
import { placeOrder, publishedSale, signUp } from "./saga-helpers";

// The audit log on the booted stack: an organizer's changes in the events and support services
// reach the admin's GET /api/admin/audit (through each service's outbox and the reports worker),
// with who, what, when and the client address; nobody but an admin may read it.

type Entry = { id: string; at: string; actorId: string; action: string; target: string; ip: string | null };

describe("audit log of organizer and admin actions", () => {
  let admin: Client;
  let organizer: Client;
  let organizerId: string;
  let eventId: string;

  beforeAll(async () => {
    admin = await adminClient();
    const sale = await publishedSale({ quantity: 5 });
    organizer = sale.organizer;
    eventId = sale.sale.eventId;
    organizerId = (await organizer.get("/api/auth/me")).json.user.id;
  });

  const auditOf = async (actorId: string) => {
    const res = await admin.get(`/api/admin/audit?actorId=${actorId}&limit=100`);
    expect(res.status).toBe(200);
    return res.json.items as Entry[];
  };

  it("shows the organizer's event changes and support actions to an admin, newest first, with the client address", async () => {
    expect((await organizer.patch(`/api/events/${eventId}`, { refundPolicy: { fullRefundUntilHours: 24, partialRefundUntilHours: 0, partialRefundPercent: 0 } })).status).toBe(200);
    const buyer = (await signUp("buyer")).client;
    const order = await placeOrder(buyer, { eventId, ticketTypeId: (await organizer.get(`/api/events/${eventId}`)).json.event.ticketTypes[0].id }, 1);
    expect(order.status).toBe(201);
    const ticket = await buyer.post("/api/support/tickets", { subject: "Parking?", message: "Is there parking?", orderId: order.json.order.id });
    expect(ticket.status).toBe(201);
    const ticketId = ticket.json.ticket.id as string;
    expect((await organizer.post(`/api/support/tickets/${ticketId}/messages`, { message: "Yes, level B2." })).status).toBe(201);
    expect((await organizer.call("PATCH", `/api/support/tickets/${ticketId}`, { body: { status: "closed" } })).status).toBe(200);

    const want = ["support.status", "support.reply", "event.update", "event.publish", "ticket_type.create", "event.create"];
    const entries = await eventually(async () => {
      const items = await auditOf(organizerId);
      return items.length >= want.length ? items : null;
    }, 20_000);
    expect(entries.map((e) => e.action)).toEqual(want);
    for (const e of entries) {
      expect(e).toMatchObject({ actorId: organizerId, ip: organizer.ip, id: expect.any(String) });
      expect(Date.parse(e.at)).toBeGreaterThan(Date.now() - 120_000);
    }
    expect(entries.find((e) => e.action === "event.update")!.target).toBe(`event:${eventId}`);
    expect(entries.find((e) => e.action === "support.reply")!.target).toBe(`support_ticket:${ticketId}`);
    // The buyer's own ticket and message are not organizer actions.
    expect(await auditOf((await buyer.get("/api/auth/me")).json.user.id)).toEqual([]);
  });

  it("is for admins only: 401 without a token, 403 for an organizer or a buyer", async () => {
    expect((await new Client().get("/api/admin/audit")).status).toBe(401);
    for (const who of [organizer, (await signUp("buyer")).client]) {
      const res = await who.get(`/api/admin/audit?actorId=${organizerId}`);
      expect(res.status).toBe(403);
      expect(res.json.error.code).toBe("forbidden");
    }
  });
});
