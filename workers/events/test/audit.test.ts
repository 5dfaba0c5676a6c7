import { describe, expect, it } from "vitest";
import { ulid } from "ulid";
import type { HoldResult } from "../../../durable-objects/event-inventory";
import { call, eventWithTicketType, inventory, organizer, admin, testEnv, validEvent } from "./helpers";

type AuditPayload = { actorId: string; action: string; target: string; ip: string | null; service: string; details?: Record<string, unknown> };

/** The AuditRecorded events this worker's outbox holds for a target, oldest first. */
async function auditOf(target: string): Promise<AuditPayload[]> {
  const { results } = await testEnv.DB.prepare("SELECT envelope FROM outbox WHERE type = 'AuditRecorded' ORDER BY created_at, id").all<{ envelope: string }>();
  return results.map((r) => JSON.parse(r.envelope).payload as AuditPayload).filter((p) => p.target === target || p.details?.eventId === target.slice("event:".length));
}

describe("audit of organizer and admin changes (AuditRecorded in the outbox, same batch as the change)", () => {
  it("records create, ticket type, update and publish with who and from where", async () => {
    const org = { ...organizer()!, ip: "203.0.113.9" };
    const { id, ttId } = await eventWithTicketType(org);
    expect((await call("PATCH", `/api/events/${id}`, org, { title: "Renamed", refundPolicy: { fullRefundUntilHours: 48, partialRefundUntilHours: 0, partialRefundPercent: 0 } })).status).toBe(200);
    expect((await call("PATCH", `/api/events/${id}/ticket-types/${ttId}`, org, { priceVnd: 400_000 })).status).toBe(200);
    expect((await call("POST", `/api/events/${id}/publish`, org)).status).toBe(200);

    const rows = await auditOf(`event:${id}`);
    expect(rows.map((r) => r.action)).toEqual(["event.create", "ticket_type.create", "event.update", "ticket_type.update", "event.publish"]);
    for (const r of rows) expect(r).toMatchObject({ actorId: org.userId, ip: "203.0.113.9", service: "events" });
    expect(rows[2].details).toEqual({ fields: ["refundPolicy", "title"] });
    expect(rows[3]).toMatchObject({ target: `ticket_type:${ttId}`, details: { eventId: id, fields: ["priceVnd"] } });
  });

  it("records nothing for a refused change (400, 404, 409)", async () => {
    const org = organizer();
    const { id, ttId } = await eventWithTicketType(org, { publish: true, ticketType: { quantity: 5, maxPerOrder: 5 } });
    const before = (await auditOf(`event:${id}`)).length;
    const held = (await inventory(id).hold({ orderId: ulid(), eventId: id, buyerId: "b1", items: [{ ticketTypeId: ttId, quantity: 4 }], ttlSeconds: 600 })) as HoldResult;
    expect(held.ok).toBe(true);
    expect((await call("PATCH", `/api/events/${ttId}`, org, { title: "x" })).status).toBe(404);
    expect((await call("PATCH", `/api/events/${id}`, organizer(), { title: "Not mine" })).status).toBe(404);
    expect((await call("PATCH", `/api/events/${id}`, org, { endsAt: "not a date" })).status).toBe(400);
    expect((await call("PATCH", `/api/events/${id}/ticket-types/${ttId}`, org, { quantity: 2 })).status).toBe(409);
    expect((await call("POST", "/api/events", org, { ...validEvent(), startsAt: "2001-01-01T00:00:00Z" })).status).toBe(400);
    expect(await auditOf(`event:${id}`)).toHaveLength(before);
  });

  it("records a cancellation once, by whoever cancelled it first (an admin here)", async () => {
    const org = organizer();
    const boss = { ...admin()!, ip: "198.51.100.77" };
    const { id } = await eventWithTicketType(org, { publish: true });
    expect((await call("POST", `/api/events/${id}/cancel`, boss, { reason: "Venue closed" })).status).toBe(202);
    expect((await call("POST", `/api/events/${id}/cancel`, org, { reason: "Again" })).status).toBe(202);
    const cancels = (await auditOf(`event:${id}`)).filter((r) => r.action === "event.cancel");
    expect(cancels).toEqual([expect.objectContaining({ actorId: boss.userId, ip: "198.51.100.77" })]);
  });
});
