import { describe, expect, it } from "vitest";
import type { Identity } from "@tickets/common";
import { admin, buyer, call, eventOf, expectError, openTicket, organizer, reply, staffOf } from "./helpers";

/** Every page of the list, following nextCursor. */
async function allPages(who: Identity, query: string, limit: number) {
  const pages: string[][] = [];
  let cursor: string | null = null;
  do {
    const res = await call("GET", `/api/support/tickets?limit=${limit}${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, who);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.items.length).toBeLessThanOrEqual(limit);
    pages.push(res.json.items.map((t: { id: string }) => t.id));
    cursor = res.json.nextCursor;
  } while (cursor && pages.length < 50);
  return pages;
}

describe("GET /api/support/tickets", () => {
  it("pages through the caller's tickets newest activity first; a reply moves a ticket to the top", async () => {
    const me = buyer();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await openTicket(me, { subject: `q${i}` })).id);
    const pages = await allPages(me, "", 2);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual([...ids].reverse());

    await reply(me, ids[1], { message: "any news?" });
    const first = await call("GET", "/api/support/tickets?limit=1", me);
    expect(first.json.items[0]).toMatchObject({ id: ids[1], subject: "q1", status: "open", authorId: me.userId });
    expect(first.json.items[0].messages).toBeUndefined();
    expect((await allPages(me, "", 100)).flat()).toHaveLength(5);
  });

  it("shows organizers and staff the tickets about their events besides their own; admins everything", async () => {
    const org = organizer();
    const otherOrg = organizer();
    const mine = await openTicket(org);
    const a = await openTicket(buyer(), { eventId: eventOf(org) });
    const b = await openTicket(buyer(), { eventId: `${eventOf(org)}.2` });
    const elsewhere = await openTicket(buyer(), { eventId: eventOf(otherOrg) });
    const unlinked = await openTicket(buyer());

    const seen = async (who: Identity, query = "") => (await allPages(who, query, 100)).flat();
    expect(await seen(org)).toEqual([b.id, a.id, mine.id]);
    expect(await seen(staffOf(org))).toEqual([a.id]);
    expect(await seen(otherOrg)).toEqual([elsewhere.id]);
    const all = await seen(admin());
    for (const t of [mine, a, b, elsewhere, unlinked]) expect(all).toContain(t.id);

    expect(await seen(org, `&eventId=${encodeURIComponent(eventOf(org))}`)).toEqual([a.id]);
    expect(await seen(admin(), `&eventId=${encodeURIComponent(eventOf(otherOrg))}`)).toEqual([elsewhere.id]);
    // A buyer filtering by someone's event still only sees their own tickets.
    expect(await seen(buyer(), `&eventId=${encodeURIComponent(eventOf(org))}`)).toEqual([]);
  });

  it("filters by status", async () => {
    const org = organizer();
    const open = await openTicket(buyer(), { eventId: eventOf(org) });
    const pending = await openTicket(buyer(), { eventId: eventOf(org) });
    const closed = await openTicket(buyer(), { eventId: eventOf(org) });
    await reply(org, pending.id, { message: "Which seat?" });
    await call("PATCH", `/api/support/tickets/${closed.id}`, org, { status: "closed" });
    for (const [status, id] of [["open", open.id], ["pending", pending.id], ["closed", closed.id]]) {
      const res = await call("GET", `/api/support/tickets?status=${status}`, org);
      expect(res.json.items.map((t: { id: string; status: string }) => [t.id, t.status])).toEqual([[id, status]]);
    }
  });

  it("answers 400 for a bad limit, status or cursor", async () => {
    const me = buyer();
    for (const q of ["limit=0", "limit=101", "limit=x", "status=done", "cursor=nope", "cursor=1.%27%20OR%201%3D1"]) {
      expectError(await call("GET", `/api/support/tickets?${q}`, me), 400, "invalid_request");
    }
    const empty = await call("GET", "/api/support/tickets", me);
    expect(empty.json).toEqual({ items: [], nextCursor: null });
  });
});
