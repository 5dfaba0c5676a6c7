import { expect } from "vitest";
import { Client, adminClient, eventually, uniqueEmail } from "../client";
import { buyAndPay, newKey, type Sale } from "../saga-helpers";

/** The callers every route is tried as. `staff` is a buyer account granted check-in rights on the fixture event. */
export const ROLES = ["anonymous", "buyer", "otherBuyer", "organizer", "otherOrganizer", "staff", "admin"] as const;
export type Role = (typeof ROLES)[number];

const PASSWORD = "authz-matrix-pass";
const ADMIN = { email: "admin@example.com", password: "admin-demo-pass" };
export const vnToday = () => new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);

/**
 * Everything the matrix needs to exist, owned by `buyer` and `organizer` (the "other" buyer and
 * organizer own nothing of it): a published event with a ticket type and a staff member, a paid
 * order with its ticket, a refund, a support ticket, a daily report file; plus throwaway
 * resources for the operations that change what they touch (cancel an event, cancel an order,
 * refund an order), so the shared ones stay as the other operations expect them.
 */
export type World = {
  clients: Record<Role, Client>;
  emails: Record<Exclude<Role, "anonymous">, string>;
  sale: Sale;
  /** An unpublished event of `organizer` (with a ticket type and the same staff): it exists for them only. */
  draft: Sale;
  eventToCancel: string;
  order: string;
  ticket: { id: string; code: string };
  refund: string;
  supportTicket: string;
  pendingOrder: string;
  refundableOrder: string;
  reportDate: string;
  /** A new session of that role's user (logout and refresh spend the one they are given). */
  freshSession(role: Exclude<Role, "anonymous">): Promise<{ accessToken: string; refreshToken: string }>;
};

async function register(role: "buyer" | "organizer") {
  const client = new Client();
  const email = uniqueEmail(`authz-${role}`);
  const res = await client.post("/api/auth/register", { email, password: PASSWORD, name: `Authz ${role}`, role });
  expect(res.status, res.text).toBe(201);
  client.token = res.json.accessToken;
  return { client, email };
}

async function publishedEvent(organizer: Client, staffEmail: string, title: string, publish = true): Promise<Sale> {
  const startsAt = new Date(Date.now() + 30 * 86_400_000);
  const event = await organizer.post("/api/events", {
    title,
    venue: "Nha hat Lon",
    city: "Ha Noi",
    startsAt: startsAt.toISOString(),
    endsAt: new Date(startsAt.getTime() + 3 * 3_600_000).toISOString(),
  });
  expect(event.status, event.text).toBe(201);
  const eventId = event.json.event.id as string;
  const tt = await organizer.post(`/api/events/${eventId}/ticket-types`, { name: "Standard", priceVnd: 200_000, quantity: 500, maxPerOrder: 20 });
  expect(tt.status, tt.text).toBe(201);
  if (publish) expect((await organizer.post(`/api/events/${eventId}/publish`)).status).toBe(200);
  expect((await organizer.post(`/api/events/${eventId}/staff`, { email: staffEmail })).status).toBe(201);
  return { eventId, ticketTypeId: tt.json.ticketType.id as string };
}

export async function buildWorld(): Promise<World> {
  const [buyer, otherBuyer, organizer, otherOrganizer, staff, admin] = await Promise.all([
    register("buyer"),
    register("buyer"),
    register("organizer"),
    register("organizer"),
    register("buyer"),
    adminClient(),
  ]);
  const [sale, cancelSale, draft] = await Promise.all([
    publishedEvent(organizer.client, staff.email, "Authz night"),
    publishedEvent(organizer.client, staff.email, "Authz night to cancel"),
    publishedEvent(organizer.client, staff.email, "Authz draft", false),
  ]);
  const [paid, refunded, refundable, pending] = await Promise.all([
    buyAndPay(buyer.client, sale, 1),
    buyAndPay(buyer.client, sale, 1),
    buyAndPay(buyer.client, sale, 1),
    buyer.client.post("/api/orders", { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 1 }] }, { "idempotency-key": newKey() }),
  ]);
  expect(pending.status, pending.text).toBe(201);
  const refund = await buyer.client.post(`/api/orders/${refunded.orderId}/refund`, { reason: "authz fixture" });
  expect(refund.status, refund.text).toBe(202);
  const support = await buyer.client.post("/api/support/tickets", { subject: "Authz", message: "About my order", orderId: paid.orderId });
  expect(support.status, support.text).toBe(201);

  // The daily report file: the job that runs at 07:00 Vietnam time the next day, once the sale shows in the figures.
  const reportDate = vnToday();
  await eventually(async () => {
    const res = await organizer.client.get(`/api/reports/events/${sale.eventId}/sales`);
    return res.status === 200 && res.json.ticketsSold >= 3;
  }, 20_000);
  const runAt = new Date(Date.parse(`${reportDate}T00:00:00.000Z`) + 86_400_000).toISOString();
  const cron = await new Client().post("/__dev/cron", { worker: "reports", cron: "0 0 * * *", scheduledTime: runAt });
  expect(cron.status, cron.text).toBe(200);

  const emails = { buyer: buyer.email, otherBuyer: otherBuyer.email, organizer: organizer.email, otherOrganizer: otherOrganizer.email, staff: staff.email, admin: ADMIN.email };
  return {
    clients: {
      anonymous: new Client(),
      buyer: buyer.client,
      otherBuyer: otherBuyer.client,
      organizer: organizer.client,
      otherOrganizer: otherOrganizer.client,
      staff: staff.client,
      admin,
    },
    emails,
    sale,
    draft,
    eventToCancel: cancelSale.eventId,
    order: paid.orderId,
    ticket: { id: paid.tickets[0].id, code: paid.tickets[0].code },
    refund: refund.json.refund.id,
    supportTicket: support.json.ticket.id,
    pendingOrder: pending.json.order.id,
    refundableOrder: refundable.orderId,
    reportDate,
    async freshSession(role) {
      const password = role === "admin" ? ADMIN.password : PASSWORD;
      const res = await new Client().post("/api/auth/login", { email: emails[role], password });
      expect(res.status, res.text).toBe(200);
      return { accessToken: res.json.accessToken, refreshToken: res.json.refreshToken };
    },
  };
}
