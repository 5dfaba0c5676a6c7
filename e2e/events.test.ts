import { describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { Client, eventually, uniqueEmail } from "./client";

// Events and ticket types through the gateway, on the booted stack.

const DAY = 86_400_000;
const at = (days: number, hours = 0) => new Date(Date.now() + days * DAY + hours * 3_600_000).toISOString();

async function registered(role: "buyer" | "organizer") {
  const client = new Client();
  const email = uniqueEmail(`events-${role}`);
  const res = await client.post("/api/auth/register", { email, password: "events-e2e-password", name: `Events ${role}`, role });
  expect(res.status).toBe(201);
  client.token = res.json.accessToken;
  return { client, email, user: res.json.user as { id: string } };
}

const eventBody = (over: Record<string, unknown> = {}) => ({
  title: "E2E Gala",
  description: "A night out",
  venue: "Nhà hát Lớn Hà Nội",
  city: "Hanoi",
  startsAt: at(20),
  endsAt: at(20, 3),
  ...over,
});

describe("events through the gateway", () => {
  it("organizer creates, edits, adds ticket types and publishes; detail shows available counts", async () => {
    const { client: org, user } = await registered("organizer");
    const created = await org.post("/api/events", eventBody());
    expect(created.status).toBe(201);
    const event = created.json.event;
    expect(event).toMatchObject({ status: "draft", organizerId: user.id, refundPolicy: { fullRefundUntilHours: 72 } });

    const edited = await org.patch(`/api/events/${event.id}`, { title: "E2E Gala (edited)" });
    expect(edited.status).toBe(200);
    expect(edited.json.event.title).toBe("E2E Gala (edited)");

    const noTypes = await org.post(`/api/events/${event.id}/publish`);
    expect(noTypes.status).toBe(409);
    expect(noTypes.json.error.code).toBe("invalid_state");

    const standard = await org.post(`/api/events/${event.id}/ticket-types`, { name: "Standard", priceVnd: 300_000, quantity: 50, maxPerOrder: 4 });
    expect(standard.status).toBe(201);
    const vip = await org.post(`/api/events/${event.id}/ticket-types`, { name: "VIP", priceVnd: 1_200_000, quantity: 5 });
    expect(vip.status).toBe(201);
    const renamed = await org.patch(`/api/events/${event.id}/ticket-types/${vip.json.ticketType.id}`, { name: "VIP Lounge", quantity: 6 });
    expect(renamed.status).toBe(200);
    expect(renamed.json.ticketType).toMatchObject({ name: "VIP Lounge", quantity: 6, available: 6, maxPerOrder: 10 });

    const published = await org.post(`/api/events/${event.id}/publish`);
    expect(published.status).toBe(200);
    expect(published.json.event.status).toBe("published");

    const detail = await new Client().get(`/api/events/${event.id}`);
    expect(detail.status).toBe(200);
    expect(detail.json.event.ticketTypes).toEqual([
      expect.objectContaining({ id: standard.json.ticketType.id, name: "Standard", priceVnd: 300_000, quantity: 50, available: 50, maxPerOrder: 4 }),
      expect.objectContaining({ id: vip.json.ticketType.id, name: "VIP Lounge", priceVnd: 1_200_000, quantity: 6, available: 6, maxPerOrder: 10 }),
    ]);

    // A buyer's hold shows up in the public count within a second or two.
    const { client: buyer } = await registered("buyer");
    const order = await buyer.post(
      "/api/orders",
      { eventId: event.id, items: [{ ticketTypeId: standard.json.ticketType.id, quantity: 3 }] },
      { "idempotency-key": `events-e2e-${randomUUID()}` },
    );
    expect(order.status).toBe(201);
    await eventually(async () => {
      const res = await new Client().get(`/api/events/${event.id}`);
      return res.json.event.ticketTypes[0].available === 47;
    }, 10_000);

    // Lowering the quantity below what is held is refused.
    const tooLow = await org.patch(`/api/events/${event.id}/ticket-types/${standard.json.ticketType.id}`, { quantity: 2 });
    expect(tooLow.status).toBe(409);
    expect(tooLow.json.error.code).toBe("quantity_below_sold_or_held");
  });

  it("keeps buyers, strangers and other organizers out", async () => {
    const { client: org } = await registered("organizer");
    const { client: other } = await registered("organizer");
    const { client: buyer } = await registered("buyer");

    const byBuyer = await buyer.post("/api/events", eventBody());
    expect(byBuyer.status).toBe(403);
    expect(byBuyer.json.error.code).toBe("forbidden");
    const anonymous = await new Client().post("/api/events", eventBody());
    expect(anonymous.status).toBe(401);

    const draft = (await org.post("/api/events", eventBody({ title: "Secret draft" }))).json.event;
    const edit = await other.patch(`/api/events/${draft.id}`, { title: "Taken over" });
    expect(edit.status).toBe(404);
    expect(edit.json.error.code).toBe("not_found");
    expect((await other.post(`/api/events/${draft.id}/ticket-types`, { name: "X", priceVnd: 1, quantity: 1 })).status).toBe(404);

    for (const viewer of [new Client(), buyer, other]) expect((await viewer.get(`/api/events/${draft.id}`)).status).toBe(404);
    const own = await org.get(`/api/events/${draft.id}`);
    expect(own.status).toBe(200);
    expect(own.json.event.title).toBe("Secret draft");

    const bad = await org.post("/api/events", eventBody({ startsAt: at(5), endsAt: at(4) }));
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe("invalid_request");
  });

  it("lists published events with filters and cursor pagination", async () => {
    const { client: org } = await registered("organizer");
    const tag = `tag${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`;
    const ids: string[] = [];
    for (const [i, city] of ["Hanoi", "Da Nang", "Hanoi"].entries()) {
      const e = (await org.post("/api/events", eventBody({ title: `Listing ${tag} ${i}`, city, startsAt: at(50 + i), endsAt: at(50 + i, 2) }))).json.event;
      await org.post(`/api/events/${e.id}/ticket-types`, { name: "GA", priceVnd: 100_000 * (i + 1), quantity: 10 });
      await org.post(`/api/events/${e.id}/publish`);
      ids.push(e.id);
    }
    await org.post("/api/events", eventBody({ title: `Listing ${tag} draft`, city: "Hanoi", startsAt: at(49), endsAt: at(49, 2) }));

    const anyone = new Client();
    const all = await anyone.get(`/api/events?q=${tag}`);
    expect(all.status).toBe(200);
    expect(all.json.items.map((e: { id: string }) => e.id)).toEqual(ids);
    expect(all.json.items[1]).toMatchObject({ city: "Da Nang", priceFromVnd: 200_000, available: 10 });

    expect((await anyone.get(`/api/events?q=${tag}&city=hanoi`)).json.items.map((e: { id: string }) => e.id)).toEqual([ids[0], ids[2]]);
    const ranged = await anyone.get(`/api/events?q=${tag}&from=${encodeURIComponent(at(50, 12))}&to=${encodeURIComponent(at(51, 12))}`);
    expect(ranged.json.items.map((e: { id: string }) => e.id)).toEqual([ids[1]]);

    const first = await anyone.get(`/api/events?q=${tag}&limit=2`);
    expect(first.json.items).toHaveLength(2);
    expect(first.json.nextCursor).toEqual(expect.any(String));
    const second = await anyone.get(`/api/events?q=${tag}&limit=2&cursor=${encodeURIComponent(first.json.nextCursor)}`);
    expect(second.json).toEqual({ items: [expect.objectContaining({ id: ids[2] })], nextCursor: null });

    const tooMany = await anyone.get("/api/events?limit=500");
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.error.code).toBe("invalid_request");
  });

  it("invites staff by email without telling whether the address has an account; the account (also one made later) may scan until revoked", async () => {
    const { client: org } = await registered("organizer");
    const { email, client: door } = await registered("buyer");
    const e = (await org.post("/api/events", eventBody())).json.event;
    const stats = (who: Client) => who.get(`/api/checkin/events/${e.id}/stats`);
    // A draft: to anyone without rights on it, it does not exist.
    expect((await stats(door)).status).toBe(404);

    const invited = await org.post(`/api/events/${e.id}/staff`, { email });
    const laterEmail = uniqueEmail("events-later");
    const pending = await org.post(`/api/events/${e.id}/staff`, { email: laterEmail });
    for (const res of [invited, pending]) {
      expect(res.status).toBe(201);
      expect(Object.keys(res.json.staff).sort()).toEqual(["email", "eventId", "id", "invitedAt"]);
    }
    expect(invited.json.staff).toMatchObject({ eventId: e.id, email });
    expect((await stats(door)).status).toBe(200);

    // The second address signs up after its invite: it is staff from its first request on.
    const later = new Client();
    const signedUp = await later.post("/api/auth/register", { email: laterEmail, password: "events-e2e-password", name: "Later" });
    later.token = signedUp.json.accessToken;
    expect((await stats(later)).status).toBe(200);

    const list = await org.get(`/api/events/${e.id}/staff`);
    expect(list.json.items.map((s: { email: string }) => s.email).sort()).toEqual([email, laterEmail].sort());
    expect((await org.call("DELETE", `/api/events/${e.id}/staff/${invited.json.staff.id}`)).status).toBe(204);
    expect((await stats(door)).status).toBe(404);
    expect((await stats(later)).status).toBe(200);
    expect((await org.call("DELETE", `/api/events/${e.id}/staff/${invited.json.staff.id}`)).json.error.code).toBe("staff_not_found");
  });

  it("has the seeded demo event and documents the routes", async () => {
    const demo = await new Client().get(`/api/events?q=${encodeURIComponent("Demo Flash Sale")}`);
    expect(demo.json.items).toEqual(expect.arrayContaining([expect.objectContaining({ title: "Demo Flash Sale", city: "Ho Chi Minh City", status: "published" })]));
    const doc = await new Client().get("/api/openapi.json");
    for (const path of ["/api/events", "/api/events/{id}", "/api/events/{id}/publish", "/api/events/{id}/ticket-types", "/api/events/{id}/ticket-types/{ttId}", "/api/events/{id}/staff", "/api/events/{id}/staff/{staffId}"]) {
      expect(doc.json.paths[path], path).toBeDefined();
    }
  });
});
