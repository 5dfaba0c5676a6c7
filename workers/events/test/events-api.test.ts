import { describe, expect, it } from "vitest";
import { exports } from "cloudflare:workers";
import { ulid } from "ulid";
import type { HoldResult } from "../../../durable-objects/event-inventory";
import type { EventsRpc } from "../src/rpc";
import { admin, buyer, call, count, eventWithTicketType, inDays, inventory, organizer, testEnv, validEvent, type Who } from "./helpers";

const expectError = (res: { status: number; json: any }, status: number, code: string) => {
  expect(res.status).toBe(status);
  expect(res.json).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
};

async function eventRow(id: string) {
  const res = await call("GET", `/api/events/${id}`, admin());
  return res.json.event;
}

async function waitForAvailable(id: string, who: Who, want: number) {
  const deadline = Date.now() + 4_000;
  let last: any;
  while (Date.now() < deadline) {
    last = await call("GET", `/api/events/${id}`, who);
    if (last.json.event.ticketTypes[0].available === want) return last.json.event;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`available never became ${want}: ${JSON.stringify(last?.json)}`);
}

describe("POST /api/events", () => {
  it("lets an organizer create a draft with the default refund policy", async () => {
    const org = organizer();
    const res = await call("POST", "/api/events", org, validEvent());
    expect(res.status).toBe(201);
    expect(res.json.event).toMatchObject({
      id: expect.any(String),
      status: "draft",
      organizerId: org!.userId,
      title: "Summer Concert",
      city: "Ho Chi Minh City",
      refundPolicy: { fullRefundUntilHours: 72, partialRefundUntilHours: 0, partialRefundPercent: 0 },
      publishedAt: null,
    });
    expect(res.json.event.startsAt).toMatch(/Z$/);
  });

  it("keeps a given refund policy", async () => {
    const refundPolicy = { fullRefundUntilHours: 72, partialRefundUntilHours: 24, partialRefundPercent: 50 };
    const res = await call("POST", "/api/events", organizer(), validEvent({ refundPolicy }));
    expect(res.json.event.refundPolicy).toEqual(refundPolicy);
  });

  it("is 401 anonymous and 403 for buyers, even with a bad body", async () => {
    const before = await count("events");
    expectError(await call("POST", "/api/events", null, validEvent()), 401, "unauthorized");
    expectError(await call("POST", "/api/events", buyer(), validEvent()), 403, "forbidden");
    expectError(await call("POST", "/api/events", buyer(), { nonsense: true }), 403, "forbidden");
    expect(await count("events")).toBe(before);
  });

  it("answers bad input with 400 invalid_request and creates nothing", async () => {
    const org = organizer();
    const bad: Array<[string, unknown, string?]> = [
      ["missing title", { ...validEvent(), title: undefined }],
      ["blank title", validEvent({ title: "   " })],
      ["missing venue", { ...validEvent(), venue: undefined }],
      ["not a time", validEvent({ startsAt: "next friday" })],
      ["ends before it starts", validEvent({ startsAt: inDays(10), endsAt: inDays(9) })],
      ["ends when it starts", validEvent({ startsAt: inDays(10), endsAt: inDays(10) })],
      ["starts in the past", validEvent({ startsAt: inDays(-1), endsAt: inDays(1) })],
      ["refund hours negative", validEvent({ refundPolicy: { fullRefundUntilHours: -1 } })],
      ["refund percent over 100", validEvent({ refundPolicy: { fullRefundUntilHours: 72, partialRefundUntilHours: 24, partialRefundPercent: 150 } })],
      ["partial window longer than full", validEvent({ refundPolicy: { fullRefundUntilHours: 24, partialRefundUntilHours: 72, partialRefundPercent: 50 } })],
      ["title too long", validEvent({ title: "x".repeat(201) })],
      ["array body", [validEvent()]],
    ];
    const before = await count("events", "organizer_id = ?", org!.userId);
    for (const [why, body] of bad) {
      const res = await call("POST", "/api/events", org, body);
      expect(res.status, why).toBe(400);
      expect(res.json.error.code, why).toBe("invalid_request");
      expect(Array.isArray(res.json.error.details), why).toBe(true);
    }
    expectError(await call("POST", "/api/events", org, undefined, "{not json"), 400, "invalid_request");
    expect(await count("events", "organizer_id = ?", org!.userId)).toBe(before);
  });
});

describe("PATCH /api/events/:id", () => {
  it("lets the organizer edit, and checks the merged times", async () => {
    const org = organizer();
    const { id } = await eventWithTicketType(org);
    const res = await call("PATCH", `/api/events/${id}`, org, { title: "Renamed", city: null });
    expect(res.status).toBe(200);
    expect(res.json.event).toMatchObject({ id, title: "Renamed", city: null, venue: "Nhà hát Thành phố" });
    const ends = inDays(30, 6);
    expect((await call("PATCH", `/api/events/${id}`, org, { endsAt: ends })).json.event.endsAt).toBe(ends);
    expectError(await call("PATCH", `/api/events/${id}`, org, { endsAt: inDays(29) }), 400, "invalid_request");
    expectError(await call("PATCH", `/api/events/${id}`, org, {}), 400, "invalid_request");
    expectError(await call("PATCH", `/api/events/${id}`, org, { title: 42 }), 400, "invalid_request");
    expect((await eventRow(id)).title).toBe("Renamed");
  });

  it("refuses moving the end before a ticket type's sales end", async () => {
    const org = organizer();
    const { id } = await eventWithTicketType(org, { ticketType: { salesEndAt: inDays(30, 3) } });
    const before = (await eventRow(id)).endsAt;
    expectError(await call("PATCH", `/api/events/${id}`, org, { endsAt: inDays(30, 2) }), 400, "invalid_request");
    expect((await eventRow(id)).endsAt).toBe(before);
  });

  it("hides another organizer's event (404), refuses buyers (403) and lets admins in", async () => {
    const { id } = await eventWithTicketType(organizer());
    expectError(await call("PATCH", `/api/events/${id}`, organizer(), { title: "Mine now" }), 404, "not_found");
    expectError(await call("PATCH", `/api/events/${id}`, buyer(), { title: "Mine now" }), 403, "forbidden");
    expectError(await call("PATCH", `/api/events/${id}`, null, { title: "Mine now" }), 401, "unauthorized");
    expectError(await call("PATCH", `/api/events/${ulid()}`, organizer(), { title: "x" }), 404, "not_found");
    expect((await call("PATCH", `/api/events/${id}`, admin(), { title: "Admin fixed" })).status).toBe(200);
    expect((await eventRow(id)).title).toBe("Admin fixed");
  });
});

describe("ticket types", () => {
  it("adds ticket types with defaults and live availability", async () => {
    const org = organizer();
    const created = await call("POST", "/api/events", org, validEvent());
    const id = created.json.event.id;
    const res = await call("POST", `/api/events/${id}/ticket-types`, org, { name: "Standard", priceVnd: 500_000, quantity: 1000 });
    expect(res.status).toBe(201);
    expect(res.json.ticketType).toEqual({
      id: expect.any(String),
      eventId: id,
      name: "Standard",
      priceVnd: 500_000,
      quantity: 1000,
      available: 1000,
      maxPerOrder: 10,
      salesStartAt: null,
      salesEndAt: null,
    });
    const free = await call("POST", `/api/events/${id}/ticket-types`, org, { name: "Free", priceVnd: 0, quantity: 1 });
    expect(free.status).toBe(201);
  });

  it("answers bad ticket types with 400 and adds nothing", async () => {
    const org = organizer();
    const { id } = await eventWithTicketType(org);
    const bad: Array<[string, unknown]> = [
      ["negative price", { name: "A", priceVnd: -1, quantity: 1 }],
      ["fractional price", { name: "A", priceVnd: 10.5, quantity: 1 }],
      ["zero quantity", { name: "A", priceVnd: 1, quantity: 0 }],
      ["missing name", { priceVnd: 1, quantity: 1 }],
      ["maxPerOrder zero", { name: "A", priceVnd: 1, quantity: 1, maxPerOrder: 0 }],
      ["sales end before start", { name: "A", priceVnd: 1, quantity: 1, salesStartAt: inDays(5), salesEndAt: inDays(4) }],
      ["sales end after the event", { name: "A", priceVnd: 1, quantity: 1, salesEndAt: inDays(31) }],
      ["sales start after the event", { name: "A", priceVnd: 1, quantity: 1, salesStartAt: inDays(32) }],
      ["price as string", { name: "A", priceVnd: "500000", quantity: 1 }],
    ];
    for (const [why, body] of bad) {
      const res = await call("POST", `/api/events/${id}/ticket-types`, org, body);
      expect(res.status, why).toBe(400);
      expect(res.json.error.code, why).toBe("invalid_request");
    }
    expect(await count("ticket_types", "event_id = ?", id)).toBe(1);
    expect(await inventory(id).availability()).toHaveLength(1);
  });

  it("edits a ticket type, refusing a quantity below what is sold or held (409) without changing anything", async () => {
    const org = organizer();
    const { id, ttId } = await eventWithTicketType(org, { publish: true, ticketType: { quantity: 10, maxPerOrder: 10 } });
    const stub = inventory(id);
    const held = (await stub.hold({ orderId: ulid(), eventId: id, buyerId: "b1", items: [{ ticketTypeId: ttId, quantity: 4 }], ttlSeconds: 600 })) as HoldResult;
    expect(held.ok).toBe(true);
    const sold = (await stub.hold({ orderId: "paid", eventId: id, buyerId: "b2", items: [{ ticketTypeId: ttId, quantity: 3 }], ttlSeconds: 600 })) as HoldResult;
    expect(sold.ok).toBe(true);
    await stub.commit("paid");

    const refused = await call("PATCH", `/api/events/${id}/ticket-types/${ttId}`, org, { quantity: 6, name: "Cheaper seats" });
    expectError(refused, 409, "quantity_below_sold_or_held");
    expect(refused.json.error.details).toEqual([{ ticketTypeId: ttId, quantity: 6, held: 4, sold: 3 }]);
    expect((await eventRow(id)).ticketTypes[0]).toMatchObject({ quantity: 10, name: "Standard" });
    expect((await stub.availability())[0].quantity).toBe(10);

    const ok = await call("PATCH", `/api/events/${id}/ticket-types/${ttId}`, org, { quantity: 8, priceVnd: 450_000 });
    expect(ok.status).toBe(200);
    expect(ok.json.ticketType).toMatchObject({ quantity: 8, priceVnd: 450_000, available: 1 });
    expect((await stub.availability())[0]).toMatchObject({ quantity: 8, available: 1 });
    const next = (await stub.hold({ orderId: ulid(), eventId: id, buyerId: "b3", items: [{ ticketTypeId: ttId, quantity: 1 }], ttlSeconds: 600 })) as HoldResult;
    expect(next).toMatchObject({ ok: true, totalVnd: 450_000 });
  });

  it("checks ownership and validity on edits", async () => {
    const org = organizer();
    const { id, ttId } = await eventWithTicketType(org);
    expectError(await call("PATCH", `/api/events/${id}/ticket-types/${ttId}`, organizer(), { quantity: 5 }), 404, "not_found");
    expectError(await call("PATCH", `/api/events/${id}/ticket-types/nope`, org, { quantity: 5 }), 404, "not_found");
    expectError(await call("PATCH", `/api/events/${id}/ticket-types/${ttId}`, org, { quantity: -5 }), 400, "invalid_request");
    expectError(await call("PATCH", `/api/events/${id}/ticket-types/${ttId}`, org, { salesEndAt: inDays(40) }), 400, "invalid_request");
    expectError(await call("POST", `/api/events/${id}/ticket-types`, organizer(), { name: "X", priceVnd: 1, quantity: 1 }), 404, "not_found");
    expect((await eventRow(id)).ticketTypes[0].quantity).toBe(100);
  });
});

describe("publishing and visibility", () => {
  it("refuses to publish without ticket types (409 invalid_state), then publishes", async () => {
    const org = organizer();
    const created = await call("POST", "/api/events", org, validEvent());
    const id = created.json.event.id;
    expectError(await call("POST", `/api/events/${id}/publish`, org), 409, "invalid_state");
    expect((await eventRow(id)).status).toBe("draft");
    await call("POST", `/api/events/${id}/ticket-types`, org, { name: "GA", priceVnd: 100_000, quantity: 5 });
    expectError(await call("POST", `/api/events/${id}/publish`, organizer()), 404, "not_found");
    expectError(await call("POST", `/api/events/${id}/publish`, buyer()), 403, "forbidden");
    const res = await call("POST", `/api/events/${id}/publish`, org);
    expect(res.status).toBe(200);
    expect(res.json.event).toMatchObject({ id, status: "published", publishedAt: expect.any(String) });
    expect((await call("POST", `/api/events/${id}/publish`, org)).status).toBe(200);
    // The inventory object learned it is on sale.
    const hold = await inventory(id).hold({ orderId: ulid(), eventId: id, buyerId: "b", items: [{ ticketTypeId: (await eventRow(id)).ticketTypes[0].id, quantity: 1 }], ttlSeconds: 60 });
    expect(hold.ok).toBe(true);
  });

  it("shows drafts to their organizer and admins only", async () => {
    const org = organizer();
    const { id } = await eventWithTicketType(org);
    expect((await call("GET", `/api/events/${id}`, org)).status).toBe(200);
    expect((await call("GET", `/api/events/${id}`, admin())).status).toBe(200);
    expectError(await call("GET", `/api/events/${id}`, null), 404, "not_found");
    expectError(await call("GET", `/api/events/${id}`, organizer()), 404, "not_found");
    expectError(await call("GET", `/api/events/${id}`, buyer()), 404, "not_found");
    await call("POST", `/api/events/${id}/publish`, org);
    expect((await call("GET", `/api/events/${id}`, null)).status).toBe(200);
  });

  it("shows ticket types with counts that follow sales within a second or two", async () => {
    const org = organizer();
    const { id, ttId } = await eventWithTicketType(org, { publish: true, ticketType: { quantity: 20, maxPerOrder: 4 } });
    const detail = (await call("GET", `/api/events/${id}`, null)).json.event;
    expect(detail.ticketTypes).toEqual([
      { id: ttId, eventId: id, name: "Standard", priceVnd: 500_000, quantity: 20, available: 20, maxPerOrder: 4, salesStartAt: null, salesEndAt: null },
    ]);
    const stub = inventory(id);
    for (let i = 0; i < 3; i++) await stub.hold({ orderId: `o${i}`, eventId: id, buyerId: `b${i}`, items: [{ ticketTypeId: ttId, quantity: 4 }], ttlSeconds: 600 });
    await stub.commit("o0");
    await waitForAvailable(id, null, 8);
    await stub.release("o1");
    await waitForAvailable(id, null, 12);
  });
});

describe("GET /api/events", () => {
  it("lists published events only, filtered and paginated", async () => {
    const org = organizer();
    const tag = ulid().toLowerCase();
    const make = async (title: string, city: string, day: number, publish = true) =>
      (
        await eventWithTicketType(org, {
          publish,
          event: { title: `${title} ${tag}`, city, startsAt: inDays(day), endsAt: inDays(day, 3), description: `about ${title}` },
        })
      ).id;
    const a = await make("Jazz Night", "Ho Chi Minh City", 40);
    const b = await make("Rock Fest", "Hanoi", 41);
    const c = await make("Jazz Brunch", "Hanoi", 42);
    const hidden = await make("Jazz Draft", "Hanoi", 43, false);

    const all = await call("GET", `/api/events?q=${tag}`, null);
    expect(all.status).toBe(200);
    expect(all.json.items.map((e: any) => e.id)).toEqual([a, b, c]);
    expect(all.json.items[0]).toMatchObject({ status: "published", priceFromVnd: 500_000, available: 100 });
    expect(all.json.nextCursor).toBeNull();

    const jazz = await call("GET", `/api/events?q=${encodeURIComponent(`jazz ${tag}`)}`, null);
    expect(jazz.json.items.map((e: any) => e.id)).toEqual([a, c]);
    const hanoi = await call("GET", `/api/events?q=${tag}&city=hanoi`, null);
    expect(hanoi.json.items.map((e: any) => e.id)).toEqual([b, c]);
    const window = await call("GET", `/api/events?q=${tag}&from=${encodeURIComponent(inDays(40, 12))}&to=${encodeURIComponent(inDays(42, 1))}`, null);
    expect(window.json.items.map((e: any) => e.id)).toEqual([b, c]);
    const byDescription = await call("GET", `/api/events?q=${encodeURIComponent(`about rock ${tag}`)}`, null);
    expect(byDescription.json.items.map((e: any) => e.id)).toEqual([b]);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: any = await call("GET", `/api/events?q=${tag}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, null);
      expect(page.status).toBe(200);
      expect(page.json.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.json.items.map((e: any) => e.id));
      cursor = page.json.nextCursor;
      pages++;
    } while (cursor && pages < 5);
    expect(seen).toEqual([a, b, c]);
    expect(pages).toBe(2);

    const mine = await call("GET", `/api/events?mine=true&q=${tag}`, org);
    expect(mine.json.items.map((e: any) => e.id)).toEqual([a, b, c, hidden]);
  });

  it("treats % and _ in q as plain characters", async () => {
    const res = await call("GET", "/api/events?q=%25%25_", null);
    expect(res.status).toBe(200);
    expect(res.json.items).toEqual([]);
  });

  it("answers bad queries with 400", async () => {
    for (const qs of ["limit=0", "limit=101", "limit=abc", "cursor=not-a-cursor", "from=yesterday", "mine=maybe"]) {
      const res = await call("GET", `/api/events?${qs}`, null);
      expect(res.status, qs).toBe(400);
      expect(res.json.error.code, qs).toBe("invalid_request");
    }
    expectError(await call("GET", "/api/events?mine=true", null), 401, "unauthorized");
    expectError(await call("GET", "/api/events?mine=true", buyer()), 403, "forbidden");
  });
});

describe("staff (invited by email, revocable)", () => {
  const rpc = () => (exports as unknown as { EventsRpc: EventsRpc }).EventsRpc;
  const auth = () => testEnv.AUTH_RPC as unknown as { signUp(u: { id: string; email: string }): Promise<void> };

  it("answers an invite alike whether or not the address has an account, never naming it; idempotent; paged list", async () => {
    const org = organizer();
    const { id } = await eventWithTicketType(org);
    const known = await call("POST", `/api/events/${id}/staff`, org, { email: "Staff@Example.test" });
    const unknown = await call("POST", `/api/events/${id}/staff`, org, { email: "nobody-yet@example.test" });
    for (const res of [known, unknown]) {
      expect(res.status).toBe(201);
      expect(Object.keys(res.json.staff).sort()).toEqual(["email", "eventId", "id", "invitedAt"]);
    }
    expect(known.json.staff).toMatchObject({ eventId: id, email: "staff@example.test" });
    expect(JSON.stringify(known.json)).not.toMatch(/user-staff-1|Door Staff/);
    const again = await call("POST", `/api/events/${id}/staff`, org, { email: "staff@example.test" });
    expect(again.json.staff.id).toBe(known.json.staff.id);

    const list = await call("GET", `/api/events/${id}/staff`, org);
    expect(list.status).toBe(200);
    expect(list.json.items.map((s: any) => s.email).sort()).toEqual(["nobody-yet@example.test", "staff@example.test"]);
    expect(JSON.stringify(list.json)).not.toMatch(/user-staff-1|Door Staff/);
    const page = await call("GET", `/api/events/${id}/staff?limit=1`, org);
    const rest = await call("GET", `/api/events/${id}/staff?limit=1&cursor=${page.json.nextCursor}`, org);
    expect([...page.json.items, ...rest.json.items].map((s: any) => s.id).sort()).toEqual(list.json.items.map((s: any) => s.id).sort());
    expect(rest.json.nextCursor).toBeNull();
  });

  it("makes the account staff, also one that signs up after the invite, until the invite is revoked", async () => {
    const org = { ...organizer()!, ip: "192.0.2.44" };
    const { id } = await eventWithTicketType(org);
    const later = `later-${ulid()}@example.test`;
    const invite = await call("POST", `/api/events/${id}/staff`, org, { email: later });
    const laterId = `user-${ulid()}`;
    expect((await rpc().getEventAccess(id, laterId)).isStaff).toBe(false);
    await auth().signUp({ id: laterId, email: later.toUpperCase() });
    expect((await rpc().getEventAccess(id, laterId)).isStaff).toBe(true);
    expect(await rpc().managedEventIds(laterId)).toEqual([id]);

    const revoked = await call("DELETE", `/api/events/${id}/staff/${invite.json.staff.id}`, org);
    expect(revoked.status).toBe(204);
    expect((await rpc().getEventAccess(id, laterId)).isStaff).toBe(false);
    expect(await rpc().managedEventIds(laterId)).toEqual([]);
    expectError(await call("DELETE", `/api/events/${id}/staff/${invite.json.staff.id}`, org), 404, "staff_not_found");

    const audit = await testEnv.DB.prepare("SELECT envelope FROM outbox WHERE type = 'AuditRecorded' AND envelope LIKE ?").bind(`%staff:${invite.json.staff.id}%`).all<{ envelope: string }>();
    expect(audit.results.map((r) => JSON.parse(r.envelope).payload)).toEqual([
      expect.objectContaining({ action: "staff.invite", actorId: org.userId, ip: "192.0.2.44", details: { eventId: id } }),
      expect.objectContaining({ action: "staff.revoke", actorId: org.userId, ip: "192.0.2.44" }),
    ]);
  });

  it("refuses bad emails and strangers, and revokes nothing of another event", async () => {
    const org = organizer();
    const { id } = await eventWithTicketType(org);
    const { id: otherEvent } = await eventWithTicketType(org);
    const invite = await call("POST", `/api/events/${id}/staff`, org, { email: "staff@example.test" });
    expectError(await call("POST", `/api/events/${id}/staff`, org, { email: "not-an-email" }), 400, "invalid_request");
    expectError(await call("POST", `/api/events/${id}/staff`, organizer(), { email: "staff@example.test" }), 404, "not_found");
    expectError(await call("POST", `/api/events/${id}/staff`, buyer(), { email: "staff@example.test" }), 403, "forbidden");
    expectError(await call("GET", `/api/events/${id}/staff`, organizer()), 404, "not_found");
    expectError(await call("GET", `/api/events/${id}/staff`, null), 401, "unauthorized");
    expectError(await call("DELETE", `/api/events/${id}/staff/${invite.json.staff.id}`, organizer()), 404, "not_found");
    expectError(await call("DELETE", `/api/events/${id}/staff/${invite.json.staff.id}`, buyer()), 403, "forbidden");
    expectError(await call("DELETE", `/api/events/${otherEvent}/staff/${invite.json.staff.id}`, org), 404, "staff_not_found");
    expect(await count("staff_invites", "event_id = ?", id)).toBe(1);
    expect((await rpc().getEventAccess(id, "user-staff-1")).isStaff).toBe(true);
  });
});

describe("EventsRpc", () => {
  const rpc = () => (exports as unknown as { EventsRpc: EventsRpc }).EventsRpc;

  it("tells who may act on an event", async () => {
    const org = organizer();
    const { id } = await eventWithTicketType(org);
    await call("POST", `/api/events/${id}/staff`, org, { email: "staff@example.test" });
    // A draft: callers answer 404 to anyone without standing on it, so they are told it is not published.
    expect(await rpc().getEventAccess(id, org!.userId)).toEqual({ exists: true, published: false, organizerId: org!.userId, isOrganizer: true, isStaff: false });
    expect(await rpc().getEventAccess(id, "user-staff-1")).toEqual({ exists: true, published: false, organizerId: org!.userId, isOrganizer: false, isStaff: true });
    expect(await rpc().getEventAccess(id, "someone")).toEqual({ exists: true, published: false, organizerId: org!.userId, isOrganizer: false, isStaff: false });
    expect(await rpc().getEventAccess(ulid(), "someone")).toEqual({ exists: false, published: false, organizerId: null, isOrganizer: false, isStaff: false });
    expect((await call("POST", `/api/events/${id}/publish`, org)).status).toBe(200);
    expect(await rpc().getEventAccess(id, "someone")).toEqual({ exists: true, published: true, organizerId: org!.userId, isOrganizer: false, isStaff: false });
  });

  it("tells whether buyers can see an event: a draft looks missing", async () => {
    const org = organizer();
    const { id } = await eventWithTicketType(org);
    expect(await rpc().eventExists(id)).toBe(false);
    expect((await call("POST", `/api/events/${id}/publish`, org)).status).toBe(200);
    expect(await rpc().eventExists(id)).toBe(true);
    expect(await rpc().eventExists(ulid())).toBe(false);
  });

  it("lists the events a user organizes or is staff of", async () => {
    const org = organizer();
    const other = organizer();
    const { id: own } = await eventWithTicketType(org);
    const { id: staffed } = await eventWithTicketType(other);
    await eventWithTicketType(other);
    await call("POST", `/api/events/${staffed}/staff`, other, { email: "staff@example.test" });
    expect(await rpc().managedEventIds(org!.userId)).toEqual([own]);
    expect((await rpc().managedEventIds(other!.userId)).length).toBe(2);
    expect(await rpc().managedEventIds("user-staff-1")).toContain(staffed);
    expect(await rpc().managedEventIds("nobody")).toEqual([]);
  });

  it("summarises an event", async () => {
    const org = organizer();
    const { id } = await eventWithTicketType(org, { event: { refundPolicy: { fullRefundUntilHours: 48, partialRefundUntilHours: 24, partialRefundPercent: 50 } } });
    expect(await rpc().getEventSummary(id)).toEqual({
      id,
      title: "Summer Concert",
      venue: "Nhà hát Thành phố",
      city: "Ho Chi Minh City",
      startsAt: expect.stringMatching(/Z$/),
      endsAt: expect.stringMatching(/Z$/),
      status: "draft",
      organizerId: org!.userId,
      refundPolicy: { fullRefundUntilHours: 48, partialRefundUntilHours: 24, partialRefundPercent: 50 },
      categoryId: null,
      cancellationReason: null,
    });
    expect(await rpc().getEventSummary(ulid())).toBeNull();
  });
});
