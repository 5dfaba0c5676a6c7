import { describe, expect, it } from "vitest";
import type { Identity } from "@tickets/common";
import { admin, buyer, call, eventOf, expectError, openTicket, orderOf, organizer, reply, staffOf } from "./helpers";

type Ticket = Awaited<ReturnType<typeof openTicket>>;

async function listedFor(who: Identity, ticketId: string) {
  const res = await call("GET", "/api/support/tickets?limit=100", who);
  expect(res.status).toBe(200);
  return res.json.items.some((t: { id: string }) => t.id === ticketId);
}

async function expectVisible(who: Identity, ticket: Ticket) {
  const res = await call("GET", `/api/support/tickets/${ticket.id}`, who);
  expect(res.status, `${who.userId} should see the ticket`).toBe(200);
  expect(res.json.ticket.id).toBe(ticket.id);
  expect(await listedFor(who, ticket.id)).toBe(true);
  const posted = await reply(who, ticket.id, { message: `hello from ${who.userId}` });
  expect(posted.status).toBe(201);
}

async function expectHidden(who: Identity, ticket: Ticket) {
  const res = await call("GET", `/api/support/tickets/${ticket.id}`, who);
  expectError(res, 404, "ticket_not_found");
  // Exactly the answer for an id that does not exist: nothing tells the two apart.
  const missing = await call("GET", `/api/support/tickets/01JXXXXXXXXXXXXXXXXXXXXXXX`, who);
  expect(res.json).toEqual(missing.json);
  expect(await listedFor(who, ticket.id)).toBe(false);
  expectError(await reply(who, ticket.id, { message: "let me in" }), 404, "ticket_not_found");
  expectError(await call("PATCH", `/api/support/tickets/${ticket.id}`, who, { status: "closed" }), 404, "ticket_not_found");
}

describe("who sees a support ticket", () => {
  it("a ticket about an order: the author, the event's organizer and staff, admins; nobody else", async () => {
    const author = buyer();
    const org = organizer();
    const ticket = await openTicket(author, { orderId: orderOf(author, eventOf(org)) });

    for (const who of [author, org, staffOf(org), admin()]) await expectVisible(who, ticket);
    const otherOrganizer = organizer();
    for (const who of [buyer(), otherOrganizer, staffOf(otherOrganizer)]) await expectHidden(who, ticket);
  });

  it("a ticket without an event: the author and admins only (organizers are nobody special here)", async () => {
    const author = buyer();
    const ticket = await openTicket(author);
    for (const who of [author, admin()]) await expectVisible(who, ticket);
    for (const who of [buyer(), organizer()]) await expectHidden(who, ticket);
  });

  it("the organizer of another event of the same organizer's is still the organizer; another event's staff is not", async () => {
    const org = organizer();
    const ticket = await openTicket(buyer(), { eventId: `${eventOf(org)}.2` });
    await expectVisible(org, ticket);
    // staffOf(org) is staff of evt.<org> only, not of evt.<org>.2.
    await expectHidden(staffOf(org), ticket);
  });

  it("changing the status is for the event's organizer and admins: the author and staff get 403", async () => {
    const author = buyer();
    const org = organizer();
    const ticket = await openTicket(author, { eventId: eventOf(org) });
    expectError(await call("PATCH", `/api/support/tickets/${ticket.id}`, author, { status: "closed" }), 403, "forbidden");
    expectError(await call("PATCH", `/api/support/tickets/${ticket.id}`, staffOf(org), { status: "closed" }), 403, "forbidden");
    expect((await call("PATCH", `/api/support/tickets/${ticket.id}`, org, { status: "closed" })).json.ticket.status).toBe("closed");
    expect((await call("PATCH", `/api/support/tickets/${ticket.id}`, admin(), { status: "open" })).json.ticket.status).toBe("open");
  });
});
