import { describe, expect, it } from "vitest";
import { ulid } from "ulid";
import { keyRing, signTicketCode } from "../src/domain/codes";
import { admit, clampScanTime, MAX_OFFLINE_MS } from "../src/domain/checkin";
import { dbOf } from "../src/db/client";
import { call, callJson, deliver, identity, orderConfirmed, refundSucceeded, rpc, testEnv } from "./helpers";

/** The TicketCheckedIn events waiting in the outbox for one ticket (reports' read model counts them). */
async function checkedInEvents(ticketId: string) {
  const { results } = await testEnv.DB.prepare("SELECT envelope FROM outbox WHERE type = 'TicketCheckedIn' AND envelope LIKE ?")
    .bind(`%"ticketId":"${ticketId}"%`)
    .all<{ envelope: string }>();
  return results.map((r) => JSON.parse(r.envelope));
}

async function issued(eventId = `evt-${ulid()}`) {
  const order = orderConfirmed({ eventId });
  await deliver([order]);
  const tickets = await rpc.ticketsForOrder(order.payload.orderId);
  return { order, tickets, eventId, buyer: identity(order.payload.buyerId), staff: identity(`staff-${eventId}`), organizer: identity(`org-${eventId}`, ["organizer"]) };
}

describe("check-in", () => {
  it("admits a ticket once; the second scan is 409 already_checked_in with the first time", async () => {
    const { tickets, staff } = await issued();
    const first = await callJson("POST", "/api/checkin", staff, { code: tickets[0].code });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ result: "admitted", ticket: { id: tickets[0].id, status: "checked_in" } });
    const checkedInAt = first.json.ticket.checkedInAt;
    expect(Date.parse(checkedInAt)).toBeGreaterThan(Date.now() - 60_000);

    const again = await callJson("POST", "/api/checkin", staff, { code: tickets[0].code });
    expect(again.status).toBe(409);
    expect(again.json.error).toMatchObject({ code: "already_checked_in", details: { checkedInAt, ticketId: tickets[0].id } });
  });

  it("admits exactly once when many scanners submit the same ticket at the same moment", async () => {
    const { tickets, staff, organizer, eventId } = await issued();
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) => callJson("POST", "/api/checkin", i % 2 ? staff : organizer, { code: tickets[1].code })),
    );
    expect(responses.filter((r) => r.status === 200)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 409 && r.json.error.code === "already_checked_in")).toHaveLength(11);

    // And at the domain level, without HTTP in between.
    const db = dbOf(testEnv);
    const claims = { tid: tickets[2].id, eid: eventId, v: 1 };
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => admit(db, claims, { at: Date.now(), by: `scanner-${i}` })));
    expect(outcomes.filter((o) => o.result === "admitted")).toHaveLength(1);
    expect(outcomes.filter((o) => o.result === "already_checked_in")).toHaveLength(19);

    // Exactly one TicketCheckedIn per admitted ticket, from the scan that admitted it.
    for (const ticket of [tickets[1], tickets[2]]) {
      const events = await checkedInEvents(ticket.id);
      expect(events).toHaveLength(1);
      expect(events[0].payload).toMatchObject({ ticketId: ticket.id, eventId, ticketTypeId: ticket.ticketTypeId });
    }
    const row = await testEnv.DB.prepare("SELECT checked_in_at FROM tickets WHERE id = ?").bind(tickets[2].id).first<{ checked_in_at: number }>();
    expect((await checkedInEvents(tickets[2].id))[0].payload.checkedInAt).toBe(new Date(row!.checked_in_at).toISOString());
  });

  it("rejects forged and malformed codes with 400 invalid_code", async () => {
    const { tickets, staff } = await issued();
    const [h, p, s] = tickets[0].code.split(".");
    const otherPayload = btoa(JSON.stringify({ tid: tickets[1].id, eid: "x", v: 1 })).replace(/=+$/, "");
    for (const code of [`${h}.${otherPayload}.${s}`, `${h}.${p}.${s.split("").reverse().join("")}`, "not-a-code", ""]) {
      const res = await callJson("POST", "/api/checkin", staff, { code });
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe("invalid_code");
    }
  });

  it("answers 404 ticket_not_found for a validly signed code of an unknown ticket", async () => {
    const eventId = `evt-${ulid()}`;
    const code = await signTicketCode(await keyRing(testEnv), { tid: ulid(), eid: eventId, v: 1 });
    const res = await callJson("POST", "/api/checkin", identity(`staff-${eventId}`), { code });
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe("ticket_not_found");
  });

  it("keeps tickets valid through an organizer's money-only partial refund", async () => {
    const { order, tickets, staff } = await issued();
    const partial = refundSucceeded(order);
    await deliver([{ ...partial, payload: { ...partial.payload, amountVnd: 1_000, refundedTotalVnd: 1_000, voidsTickets: false } }]);
    const res = await callJson("POST", "/api/checkin", staff, { code: tickets[0].code });
    expect(res.status).toBe(200);
    expect(res.json.result).toBe("admitted");
  });

  it("rejects void (refunded) tickets with 409 ticket_void", async () => {
    const { order, tickets, staff } = await issued();
    await deliver([refundSucceeded(order)]);
    const res = await callJson("POST", "/api/checkin", staff, { code: tickets[0].code });
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe("ticket_void");
  });

  it("lets only staff, the organizer or an admin check in", async () => {
    const { tickets, buyer, eventId } = await issued();
    for (const who of [buyer, identity("org-some-other-event", ["organizer"]), identity(`staff-other-${eventId}`)]) {
      const res = await callJson("POST", "/api/checkin", who, { code: tickets[0].code });
      expect(res.status).toBe(403);
    }
    expect((await callJson("POST", "/api/checkin", null, { code: tickets[0].code })).status).toBe(401);
    const admin = await callJson("POST", "/api/checkin", identity("root", ["admin"]), { code: tickets[0].code });
    expect(admin.status).toBe(200);
  });

  it("reports per-type counts to staff and the organizer only", async () => {
    const { order, tickets, staff, organizer, buyer, eventId } = await issued();
    await callJson("POST", "/api/checkin", staff, { code: tickets.find((t) => t.ticketTypeId === "tt-ga")!.code });
    const second = orderConfirmed({ eventId, items: [{ ticketTypeId: "tt-vip", quantity: 2, name: "VIP" }] });
    await deliver([second]);
    await deliver([refundSucceeded(second)]);

    const stats = await callJson("GET", `/api/checkin/events/${eventId}/stats`, organizer);
    expect(stats.status).toBe(200);
    expect(stats.json.totals).toEqual({ issued: 5, valid: 2, checkedIn: 1, void: 2 });
    expect(stats.json.byTicketType).toEqual([
      { ticketTypeId: "tt-ga", ticketTypeName: "General admission", issued: 2, valid: 1, checkedIn: 1, void: 0 },
      { ticketTypeId: "tt-vip", ticketTypeName: "VIP", issued: 3, valid: 1, checkedIn: 0, void: 2 },
    ]);
    expect((await callJson("GET", `/api/checkin/events/${eventId}/stats`, staff)).status).toBe(200);
    expect((await callJson("GET", `/api/checkin/events/${eventId}/stats`, buyer)).status).toBe(403);
    expect((await callJson("GET", `/api/checkin/events/missing-${eventId}/stats`, staff)).status).toBe(404);
    expect(order.payload.eventId).toBe(eventId);
  });

  it("answers a draft event's check-in routes with 404 to anyone without standing on it (as if it did not exist)", async () => {
    const draft = `draft-${ulid()}`;
    const stranger = identity(`buyer-${ulid()}`);
    const otherOrganizer = identity(`org-${ulid()}`, ["organizer"]);
    for (const who of [stranger, otherOrganizer]) {
      for (const [method, path, body] of [
        ["GET", `/api/checkin/events/${draft}/stats`],
        ["GET", `/api/checkin/events/${draft}/bundle`],
        ["POST", `/api/checkin/events/${draft}/sync`, { scans: [{ code: "x", scannedAt: new Date().toISOString() }] }],
      ] as const) {
        const res = await callJson(method, path, who, body);
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(res.json.error.code).toBe("not_found");
      }
    }
    expect((await callJson("GET", `/api/checkin/events/${draft}/stats`, identity(`staff-${draft}`))).status).toBe(200);
    expect((await callJson("GET", `/api/checkin/events/${draft}/stats`, identity(`org-${draft}`, ["organizer"]))).status).toBe(200);
  });

  it("gives scanners an offline bundle and settles offline scans exactly once on sync", async () => {
    const { order, tickets, staff, eventId } = await issued();
    const bundle = await callJson("GET", `/api/checkin/events/${eventId}/bundle`, staff);
    expect(bundle.status).toBe(200);
    expect(Date.parse(bundle.json.generatedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(bundle.json.jwks.keys[0]).toMatchObject({ kty: "EC", alg: "ES256" });
    expect(bundle.json.tickets.map((t: { id: string }) => t.id).sort()).toEqual(tickets.map((t) => t.id).sort());
    expect(bundle.json.tickets[0]).toMatchObject({ status: "valid", version: 1, checkedInAt: null });

    const other = await issued();
    await deliver([refundSucceeded(other.order)]);
    const voided = orderConfirmed({ eventId });
    await deliver([voided]);
    const [voidTicket] = await rpc.ticketsForOrder(voided.payload.orderId);
    await deliver([refundSucceeded(voided)]);

    // The tickets were issued an hour ago; the scanner was offline for the last ten minutes.
    await testEnv.DB.prepare("UPDATE tickets SET issued_at = ?1 WHERE event_id = ?2").bind(Date.now() - 60 * 60_000, eventId).run();
    const t0 = Date.now() - 10 * 60_000;
    const at = (min: number) => new Date(t0 + min * 60_000).toISOString();
    // Two gates admitted ticket 0 offline: the later scan is listed first, the earlier one must win.
    const scans = [
      { code: tickets[0].code, scannedAt: at(5) },
      { code: tickets[0].code, scannedAt: at(2) },
      { code: tickets[1].code, scannedAt: at(3) },
      { code: voidTicket.code, scannedAt: at(4) },
      { code: other.tickets[0].code, scannedAt: at(4) },
      { code: "forged.code.here", scannedAt: at(4) },
    ];
    const sync = await callJson("POST", `/api/checkin/events/${eventId}/sync`, staff, { scans });
    expect(sync.status).toBe(200);
    expect(sync.json.results).toEqual([
      { index: 0, ticketId: tickets[0].id, result: "already_checked_in", checkedInAt: at(2) },
      { index: 1, ticketId: tickets[0].id, result: "admitted", checkedInAt: at(2) },
      { index: 2, ticketId: tickets[1].id, result: "admitted", checkedInAt: at(3) },
      { index: 3, ticketId: voidTicket.id, result: "void" },
      { index: 4, ticketId: other.tickets[0].id, result: "invalid", reason: "other_event" },
      { index: 5, ticketId: null, result: "invalid", reason: "malformed" },
    ]);

    // Offline admissions reach reports too, at the time they happened.
    expect((await checkedInEvents(tickets[0].id)).map((e) => e.payload.checkedInAt)).toEqual([at(2)]);
    // Syncing the same scans again (a scanner retrying) admits nobody twice.
    const retry = await callJson("POST", `/api/checkin/events/${eventId}/sync`, staff, { scans: scans.slice(0, 3) });
    expect(retry.json.results.map((r: { result: string }) => r.result)).toEqual(["already_checked_in", "already_checked_in", "already_checked_in"]);
    expect(await checkedInEvents(tickets[1].id)).toHaveLength(1);
    // A live scan afterwards sees the offline admission.
    const live = await callJson("POST", "/api/checkin", staff, { code: tickets[1].code });
    expect(live.json.error).toMatchObject({ code: "already_checked_in", details: { checkedInAt: at(3) } });
    expect(order.payload.eventId).toBe(eventId);
    expect((await callJson("POST", `/api/checkin/events/${eventId}/sync`, other.buyer, { scans })).status).toBe(403);
  });
});

describe("ticket reads", () => {
  it("serves the QR PNG and the ticket to the owner and the organizer, 404 to anyone else", async () => {
    const { tickets, buyer, organizer, staff } = await issued();
    const path = `/api/tickets/${tickets[0].id}/qr.png`;
    for (const who of [buyer, organizer]) {
      const res = await call("GET", path, who);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("image/png");
      expect([...new Uint8Array(await res.arrayBuffer()).slice(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
      const one = await callJson("GET", `/api/tickets/${tickets[0].id}`, who);
      expect(one.status).toBe(200);
      expect(one.json.ticket).toMatchObject({ id: tickets[0].id, code: tickets[0].code, status: "valid", qrUrl: path });
    }
    for (const who of [identity("someone-else"), staff]) {
      const res = await callJson("GET", path, who);
      expect(res.status).toBe(404);
      expect(res.json.error.code).toBe("not_found");
      expect((await callJson("GET", `/api/tickets/${tickets[0].id}`, who)).status).toBe(404);
    }
    expect((await call("GET", path, null)).status).toBe(401);
    expect((await callJson("GET", `/api/tickets/${ulid()}/qr.png`, buyer)).status).toBe(404);
  });

  it("renders the QR PNG on its first request, stores it in R2 and serves the stored one afterwards", async () => {
    const { tickets, buyer, organizer } = await issued();
    const key = `qr/${tickets[0].id}.png`;
    const path = `/api/tickets/${tickets[0].id}/qr.png`;
    expect(await testEnv.TICKETS_BUCKET.head(key)).toBeNull();

    const first = await call("GET", path, buyer);
    expect(first.status).toBe(200);
    const firstPng = new Uint8Array(await first.arrayBuffer());
    expect([...firstPng.slice(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const stored = await testEnv.TICKETS_BUCKET.head(key);
    expect(stored?.httpMetadata?.contentType).toBe("image/png");
    expect(stored?.size).toBe(firstPng.byteLength);

    // The second request (the organizer's) is the stored object, not a new render.
    const second = await call("GET", path, organizer);
    expect(second.status).toBe(200);
    expect(new Uint8Array(await second.arrayBuffer())).toEqual(firstPng);
    expect((await testEnv.TICKETS_BUCKET.head(key))?.uploaded).toEqual(stored?.uploaded);
    expect((await testEnv.TICKETS_BUCKET.head(key))?.etag).toBe(stored?.etag);
    // Other tickets of the order stay unrendered until asked for.
    expect(await testEnv.TICKETS_BUCKET.head(`qr/${tickets[1].id}.png`)).toBeNull();
  });

  it("still serves the QR of a void ticket to its owner (check-in is what refuses it)", async () => {
    const { order, tickets, buyer } = await issued();
    await deliver([refundSucceeded(order)]);
    const res = await call("GET", `/api/tickets/${tickets[0].id}/qr.png`, buyer);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
  });

  it("lists the caller's own tickets", async () => {
    const { tickets, buyer } = await issued();
    const page = await callJson("GET", "/api/tickets?limit=2", buyer);
    expect(page.status).toBe(200);
    expect(page.json.items).toHaveLength(2);
    const rest = await callJson("GET", `/api/tickets?limit=2&cursor=${page.json.nextCursor}`, buyer);
    expect(rest.json).toMatchObject({ nextCursor: null });
    expect([...page.json.items, ...rest.json.items].map((t: { id: string }) => t.id).sort()).toEqual(tickets.map((t) => t.id).sort());
  });

  it("clamps offline scan times: not before the ticket was issued or the offline window, not in the future", async () => {
    const { tickets, staff, eventId } = await issued();
    const issuedAt = Date.now() - 30 * 60_000;
    await testEnv.DB.prepare("UPDATE tickets SET issued_at = ?1 WHERE event_id = ?2").bind(issuedAt, eventId).run();
    const before = Date.now();
    const sync = await callJson("POST", `/api/checkin/events/${eventId}/sync`, staff, {
      scans: [
        { code: tickets[0].code, scannedAt: new Date(issuedAt - 5 * 60_000).toISOString() }, // before the ticket existed
        { code: tickets[1].code, scannedAt: new Date(Date.now() + 3_600_000).toISOString() }, // a scanner clock an hour ahead
      ],
    });
    expect(sync.status).toBe(200);
    const [early, ahead] = sync.json.results;
    expect(early).toMatchObject({ result: "admitted", checkedInAt: new Date(issuedAt).toISOString() });
    expect(Date.parse(ahead.checkedInAt)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(ahead.checkedInAt)).toBeLessThanOrEqual(Date.now());
    expect((await checkedInEvents(tickets[0].id)).map((e) => e.payload.checkedInAt)).toEqual([new Date(issuedAt).toISOString()]);
  });

  it("never places a scan more than a day back or in the future", () => {
    const now = Date.parse("2026-06-10T12:00:00Z");
    expect(clampScanTime(new Date(now - 7 * 86_400_000).toISOString(), now)).toBe(now - MAX_OFFLINE_MS);
    expect(clampScanTime("2026-06-10T11:00:00Z", now)).toBe(Date.parse("2026-06-10T11:00:00Z"));
    expect(clampScanTime("2026-06-10T12:05:00Z", now)).toBe(now);
    expect(clampScanTime("not a date", now)).toBe(now);
  });
});
