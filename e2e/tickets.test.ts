import { randomUUID } from "node:crypto";
import { createLocalJWKSet, compactVerify } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { Client, eventually, uniqueEmail } from "./client";

// Tickets, check-in and the confirmation message on the booted stack: an organizer publishes an
// event, a buyer pays at the VNPAY sandbox, and the saga issues signed QR tickets.
// (Voiding by a succeeded refund, and check-in refusing void tickets, is covered in e2e/refunds.test.ts.)

type Ticket = { id: string; code: string; status: string; qrUrl: string };

async function signUp(role: "buyer" | "organizer" = "buyer") {
  const client = new Client();
  const res = await client.post("/api/auth/register", { email: uniqueEmail(`tickets-${role}`), password: "correct-horse-battery", name: `Tickets ${role}`, role });
  expect(res.status).toBe(201);
  client.token = res.json.accessToken;
  return { client, user: res.json.user as { id: string; email: string } };
}

async function publishedEvent(organizer: Client) {
  const startsAt = new Date(Date.now() + 20 * 86_400_000);
  const event = await organizer.post("/api/events", {
    title: "Đêm nhạc check-in",
    venue: "Nhà hát Lớn",
    city: "Hà Nội",
    startsAt: startsAt.toISOString(),
    endsAt: new Date(startsAt.getTime() + 3 * 3_600_000).toISOString(),
  });
  expect(event.status).toBe(201);
  const eventId = event.json.event.id as string;
  const tt = await organizer.post(`/api/events/${eventId}/ticket-types`, { name: "Standard", priceVnd: 300_000, quantity: 20, maxPerOrder: 5 });
  expect(tt.status).toBe(201);
  expect((await organizer.post(`/api/events/${eventId}/publish`)).status).toBe(200);
  return { eventId, ticketTypeId: tt.json.ticketType.id as string };
}

/** Orders and pays at the sandbox (scripted payer: POST the payment page, redirect not followed). */
async function buyAndPay(buyer: Client, eventId: string, ticketTypeId: string, quantity: number) {
  const res = await buyer.post("/api/orders", { eventId, items: [{ ticketTypeId, quantity }] }, { "idempotency-key": `tickets-${randomUUID()}` });
  expect(res.status).toBe(201);
  const paid = await fetch(res.json.paymentUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ outcome: "success" }),
    redirect: "manual",
  });
  expect(paid.status).toBe(302);
  return res.json.order.id as string;
}

/** The order as its owner sees it, once it is confirmed and shows all its tickets. */
const ticketsOf = (client: Client, orderId: string, count: number) =>
  eventually(async () => {
    const res = await client.get(`/api/orders/${orderId}`);
    const order = res.json?.order;
    return order?.status === "confirmed" && order.tickets?.length === count ? (order.tickets as Ticket[]) : null;
  }, 20_000);

const checkin = (client: Client, code: string) => client.post("/api/checkin", { code });

describe("tickets, QR codes and check-in", () => {
  let organizer: Client;
  let buyer: { client: Client; user: { id: string; email: string } };
  let eventId: string;
  let ticketTypeId: string;
  let orderId: string;
  let tickets: Ticket[];

  beforeAll(async () => {
    organizer = (await signUp("organizer")).client;
    ({ eventId, ticketTypeId } = await publishedEvent(organizer));
    buyer = await signUp("buyer");
    orderId = await buyAndPay(buyer.client, eventId, ticketTypeId, 3);
    tickets = await ticketsOf(buyer.client, orderId, 3);
  });

  it("shows the paid order's tickets, each with a signed code a scanner verifies offline", async () => {
    expect(tickets.map((t) => t.status)).toEqual(["valid", "valid", "valid"]);
    const jwks = await new Client().get("/api/tickets/jwks.json");
    expect(jwks.status).toBe(200);
    for (const k of jwks.json.keys) expect(k.d).toBeUndefined();
    const keys = createLocalJWKSet(jwks.json);
    for (const t of tickets) {
      expect(t.qrUrl).toBe(`/api/tickets/${t.id}/qr.png`);
      const { payload, protectedHeader } = await compactVerify(t.code, keys);
      expect(protectedHeader).toMatchObject({ alg: "ES256", kid: expect.any(String) });
      expect(JSON.parse(new TextDecoder().decode(payload))).toEqual({ tid: t.id, eid: eventId, v: 1 });
    }
  });

  it("lets the owner and the organizer download the QR PNG; another buyer gets 404", async () => {
    for (const client of [buyer.client, organizer]) {
      const res = await fetch(`${client.baseUrl}${tickets[0].qrUrl}`, { headers: { authorization: `Bearer ${client.token}`, "cf-connecting-ip": client.ip } });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("image/png");
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect([...bytes.slice(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    }
    const stranger = (await signUp("buyer")).client;
    const res = await stranger.get(tickets[0].qrUrl);
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe("not_found");
    expect((await stranger.get(`/api/tickets/${tickets[0].id}`)).status).toBe(404);
    expect((await buyer.client.get(`/api/tickets/${tickets[0].id}`)).json.ticket).toMatchObject({ id: tickets[0].id, orderId, eventId, status: "valid" });
    expect((await new Client().get(tickets[0].qrUrl)).status).toBe(401);
  });

  it("sends the buyer an order confirmation with links to the tickets", async () => {
    const confirmation = await eventually(async () => {
      const res = await buyer.client.get("/api/notifications");
      expect(res.status).toBe(200);
      return res.json.items.find((m: { template: string; channel: string }) => m.template === "order_confirmed" && m.channel === "email");
    }, 20_000);
    expect(confirmation).toMatchObject({ id: expect.any(String), subject: expect.any(String), createdAt: expect.any(String), status: "sent" });
    for (const t of tickets) expect(confirmation.bodyText).toContain(`/api/tickets/${t.id}/qr.png`);
    // Nobody else sees it.
    const stranger = (await signUp("buyer")).client;
    expect((await stranger.get("/api/notifications")).json.items).toEqual([]);
  });

  it("admits a ticket once: the second scan is 409 already_checked_in with the first check-in time", async () => {
    const first = await checkin(organizer, tickets[0].code);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ result: "admitted", ticket: { id: tickets[0].id, status: "checked_in" } });
    const second = await checkin(organizer, tickets[0].code);
    expect(second.status).toBe(409);
    expect(second.json.error.code).toBe("already_checked_in");
    expect(second.json.error.details.checkedInAt).toBe(first.json.ticket.checkedInAt);
    const order = await buyer.client.get(`/api/orders/${orderId}`);
    expect(order.json.order.tickets.find((t: Ticket) => t.id === tickets[0].id).status).toBe("checked_in");
  });

  it("admits exactly once when several gates scan the same ticket at once", async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => checkin(organizer, tickets[2].code)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409 && r.json.error.code === "already_checked_in")).toHaveLength(5);
  });

  it("rejects a forged code with 400", async () => {
    const [header, , signature] = tickets[1].code.split(".");
    const forgedPayload = Buffer.from(JSON.stringify({ tid: tickets[1].id, eid: eventId, v: 2 })).toString("base64url");
    for (const code of [`${header}.${forgedPayload}.${signature}`, "definitely-not-a-ticket"]) {
      const res = await checkin(organizer, code);
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe("invalid_code");
    }
  });

  it("lets staff granted for the event check in; another organizer and the buyer cannot", async () => {
    const otherOrganizer = (await signUp("organizer")).client;
    expect((await checkin(otherOrganizer, tickets[1].code)).status).toBe(403);
    expect((await checkin(buyer.client, tickets[1].code)).status).toBe(403);

    const staff = await signUp("buyer");
    const grant = await organizer.post(`/api/events/${eventId}/staff`, { email: staff.user.email });
    expect(grant.status).toBe(201);
    const res = await checkin(staff.client, tickets[1].code);
    expect(res.status).toBe(200);
    expect(res.json.result).toBe("admitted");

    const stats = await staff.client.get(`/api/checkin/events/${eventId}/stats`);
    expect(stats.status).toBe(200);
    expect(stats.json.totals).toEqual({ issued: 3, valid: 0, checkedIn: 3, void: 0 });
    expect((await otherOrganizer.get(`/api/checkin/events/${eventId}/stats`)).status).toBe(403);
  });

  it("gives staff an offline bundle and settles offline scans on sync", async () => {
    const more = await buyAndPay(buyer.client, eventId, ticketTypeId, 1);
    const [late] = await ticketsOf(buyer.client, more, 1);
    const bundle = await organizer.get(`/api/checkin/events/${eventId}/bundle`);
    expect(bundle.status).toBe(200);
    expect(Date.parse(bundle.json.generatedAt)).toBeGreaterThan(0);
    expect(bundle.json.jwks.keys.length).toBeGreaterThan(0);
    expect(bundle.json.tickets.find((t: { id: string }) => t.id === late.id)).toMatchObject({ status: "valid", checkedInAt: null });

    // Scanned offline after the ticket was issued (sync clamps earlier claims to the issue time).
    const scannedAt = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const sync = await organizer.post(`/api/checkin/events/${eventId}/sync`, {
      scans: [
        { code: late.code, scannedAt },
        { code: late.code, scannedAt: new Date().toISOString() },
        { code: tickets[0].code, scannedAt },
      ],
    });
    expect(sync.status).toBe(200);
    expect(sync.json.results.map((r: { result: string }) => r.result)).toEqual(["admitted", "already_checked_in", "already_checked_in"]);
    expect(sync.json.results[1].checkedInAt).toBe(scannedAt);
  });
});
