import { describe, expect, it } from "vitest";
import { admin, buyer, call, eventOf, expectError, openTicket, orderOf, organizer, testEnv } from "./helpers";

const countTickets = async (authorId: string) =>
  (await testEnv.DB.prepare("SELECT count(*) AS n FROM support_tickets WHERE author_id = ?").bind(authorId).first<{ n: number }>())!.n;

describe("POST /api/support/tickets", () => {
  it("opens a ticket with its first message, stored and returned as written", async () => {
    const me = buyer();
    const text = "  <script>alert('x')</script> & \"quotes\"\nline two  ";
    const res = await call("POST", "/api/support/tickets", me, { subject: "  Refund? ", message: text });
    expect(res.status).toBe(201);
    const { ticket } = res.json;
    expect(ticket).toMatchObject({ id: expect.any(String), subject: "Refund?", status: "open", authorId: me.userId });
    expect(ticket.orderId).toBeUndefined();
    expect(ticket.eventId).toBeUndefined();
    expect(ticket.messages).toEqual([
      { id: expect.any(String), authorId: me.userId, authorRole: "author", message: text.trim(), createdAt: ticket.createdAt },
    ]);
    const again = await call("GET", `/api/support/tickets/${ticket.id}`, me);
    expect(again.json.ticket).toEqual(ticket);
  });

  it("links an order's event; an order of someone else is 404 unless the caller organizes its event or is an admin", async () => {
    const me = buyer();
    const org = organizer();
    const order = orderOf(me, eventOf(org));
    expect(await openTicket(me, { orderId: order })).toMatchObject({ orderId: order, eventId: eventOf(org) });

    expectError(await call("POST", "/api/support/tickets", buyer(), { subject: "s", message: "m", orderId: order }), 404, "order_not_found");
    expectError(await call("POST", "/api/support/tickets", organizer(), { subject: "s", message: "m", orderId: order }), 404, "order_not_found");
    expectError(await call("POST", "/api/support/tickets", me, { subject: "s", message: "m", orderId: "ord:missing:evt.x" }), 404, "order_not_found");
    expect(await openTicket(org, { orderId: order })).toMatchObject({ orderId: order, eventId: eventOf(org) });
    expect(await openTicket(admin(), { orderId: order })).toMatchObject({ orderId: order });
  });

  it("links an event that exists; an unknown event is 404 and an event other than the order's is 400", async () => {
    const me = buyer();
    const org = organizer();
    expect(await openTicket(me, { eventId: eventOf(org) })).toMatchObject({ eventId: eventOf(org) });
    expectError(await call("POST", "/api/support/tickets", me, { subject: "s", message: "m", eventId: "evt.missing-1" }), 404, "event_not_found");
    const mismatch = await call("POST", "/api/support/tickets", me, { subject: "s", message: "m", orderId: orderOf(me, eventOf(org)), eventId: `${eventOf(org)}.2` });
    expectError(mismatch, 400, "invalid_request");
  });

  it("answers someone else's draft event like a missing one (404, nothing stored); its organizer and admins may link it", async () => {
    const me = buyer();
    const org = organizer();
    const draft = `${eventOf(org)}.draft`;
    expectError(await call("POST", "/api/support/tickets", me, { subject: "s", message: "m", eventId: draft }), 404, "event_not_found");
    expectError(await call("POST", "/api/support/tickets", organizer(), { subject: "s", message: "m", eventId: draft }), 404, "event_not_found");
    expect(await countTickets(me.userId)).toBe(0);
    expect(await openTicket(org, { eventId: draft })).toMatchObject({ eventId: draft });
    expect(await openTicket(admin(), { eventId: draft })).toMatchObject({ eventId: draft });
  });

  it("refuses bad input with 400 invalid_request and writes nothing", async () => {
    const me = buyer();
    const bad = [
      {},
      { subject: "s" },
      { subject: "", message: "m" },
      { subject: "   ", message: "m" },
      { subject: "x".repeat(201), message: "m" },
      { subject: "s", message: "   \n " },
      { subject: "s", message: "x".repeat(5001) },
      { subject: "s", message: 42 },
    ];
    for (const body of bad) expectError(await call("POST", "/api/support/tickets", me, body), 400, "invalid_request");
    expectError(await call("POST", "/api/support/tickets", me, "{not json"), 400, "invalid_request");
    expect(await countTickets(me.userId)).toBe(0);
    // The limits themselves are allowed.
    await openTicket(me, { subject: "x".repeat(200), message: ` ${"y".repeat(5000)} ` });
  });

  it("needs a signed-in caller", async () => {
    expectError(await call("POST", "/api/support/tickets", undefined, { subject: "s", message: "m" }), 401, "unauthorized");
    expectError(await call("GET", "/api/support/tickets"), 401, "unauthorized");
  });

  it("rate-limits new tickets per user: the 6th within 10 minutes is 429 with Retry-After and writes nothing", async () => {
    const me = buyer();
    for (let i = 0; i < 5; i++) await openTicket(me, { subject: `question ${i}` });
    const res = await call("POST", "/api/support/tickets", me, { subject: "one more", message: "m" });
    expectError(res, 429, "rate_limited");
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(500);
    expect(retryAfter).toBeLessThanOrEqual(600);
    expect(await countTickets(me.userId)).toBe(5);
    // Replies are not limited, and other users are not affected.
    await openTicket(buyer());
  });

  it("lets parallel requests past the rate limit no more than the limit allows", async () => {
    const me = buyer();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => call("POST", "/api/support/tickets", me, { subject: `burst ${i}`, message: "m" })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(5);
    expect(results.filter((r) => r.status === 429)).toHaveLength(3);
    expect(await countTickets(me.userId)).toBe(5);
  });

  it("counts only the window: tickets older than 10 minutes do not count", async () => {
    const me = buyer();
    for (let i = 0; i < 5; i++) await openTicket(me);
    await testEnv.DB.prepare("UPDATE support_tickets SET created_at = created_at - 601000 WHERE author_id = ?").bind(me.userId).run();
    await openTicket(me);
  });
});
