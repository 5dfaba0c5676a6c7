import { describe, expect, it } from "vitest";
import { auditPayload } from "@tickets/common";
import { call, deliver, envelope, user } from "./helpers";

const recorded = (actorId: string, action: Parameters<typeof auditPayload>[2], target: string, at: string, ip: string | null = "203.0.113.5") =>
  envelope("AuditRecorded", { ...auditPayload({ userId: actorId, ip }, "events", action, target, { fields: ["title"] }), at });

describe("GET /api/admin/audit (the audit log kept from AuditRecorded events)", () => {
  it("lists actions newest first, each once however often it arrives, filtered by actor and paged", async () => {
    const admin = user(["admin"]);
    const actor = user(["organizer"]);
    const other = user(["organizer"]);
    const a = recorded(actor.userId, "event.create", "event:e1", "2026-11-01T10:00:00.000Z");
    const b = recorded(actor.userId, "event.publish", "event:e1", "2026-11-01T10:05:00.000Z");
    const c = recorded(actor.userId, "staff.invite", "event:e1", "2026-11-01T10:10:00.000Z", null);
    const d = recorded(other.userId, "event.create", "event:e2", "2026-11-01T10:07:00.000Z");
    await deliver(b, a, d);
    await deliver(c, b, a); // redelivered: still one row each

    const first = await call(`/api/admin/audit?actorId=${actor.userId}&limit=2`, admin);
    expect(first.status).toBe(200);
    expect(first.json.items).toEqual([
      { id: c.id, at: c.payload.at, actorId: actor.userId, action: "staff.invite", target: "event:e1", ip: null, service: "events", details: { fields: ["title"] } },
      expect.objectContaining({ id: b.id, action: "event.publish", ip: "203.0.113.5" }),
    ]);
    const second = await call(`/api/admin/audit?actorId=${actor.userId}&limit=2&cursor=${first.json.nextCursor}`, admin);
    expect(second.json).toEqual({ items: [expect.objectContaining({ id: a.id, action: "event.create" })], nextCursor: null });

    const all = await call("/api/admin/audit?limit=100", admin);
    const mine = all.json.items.filter((i: { actorId: string }) => i.actorId === actor.userId || i.actorId === other.userId);
    expect(mine.map((i: { id: string }) => i.id)).toEqual([c.id, d.id, b.id, a.id]);
  });

  it("is for admins only: 401 anonymous, 403 for organizers and buyers (even with a bad query)", async () => {
    expect((await call("/api/admin/audit")).status).toBe(401);
    for (const who of [user(["organizer"]), user(["buyer"])]) {
      const res = await call("/api/admin/audit?limit=5000", who);
      expect(res.status).toBe(403);
      expect(res.json.error.code).toBe("forbidden");
    }
    const bad = await call("/api/admin/audit?cursor=garbage", user(["admin"]));
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe("invalid_request");
  });
});
