import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import { ulid } from "ulid";
import type { HoldResult } from "../../../durable-objects/event-inventory";
import { admin, buyer, call, configuredInventory, count, eventWithTicketType, inventory, organizer, testEnv, validEvent } from "./helpers";

const holdOne = (eventId: string, ttId: string, orderId = ulid()) =>
  inventory(eventId).hold({ orderId, eventId, buyerId: ulid(), items: [{ ticketTypeId: ttId, quantity: 2 }], ttlSeconds: 900 }) as Promise<HoldResult>;

const cancelledEnvelopes = async (eventId: string) =>
  (await testEnv.DB.prepare("SELECT envelope, sent_at FROM outbox WHERE type = 'EventCancelled'").all<{ envelope: string; sent_at: number | null }>()).results
    .map((r) => ({ ...JSON.parse(r.envelope), sentAt: r.sent_at }))
    .filter((e) => e.payload.eventId === eventId);

describe("categories", () => {
  it("lists the fixed taxonomy with Vietnamese and English names", async () => {
    const res = await call("GET", "/api/categories", null);
    expect(res.status).toBe(200);
    const ids = res.json.items.map((c: { id: string }) => c.id);
    expect(ids).toEqual(expect.arrayContaining(["music", "theatre", "sports", "conference", "festival", "comedy", "family", "other"]));
    expect(res.json.items.find((c: { id: string }) => c.id === "music").name).toEqual({ vi: "Âm nhạc", en: "Music" });
  });

  it("carries categoryId on create and edit, refuses an unknown one, and filters the listing by it", async () => {
    const org = organizer();
    const tag = `cat-${ulid()}`;
    const { id } = await eventWithTicketType(org, { publish: true, event: { categoryId: "comedy", title: `Stand-up ${tag}` } });
    const other = await eventWithTicketType(org, { publish: true, event: { categoryId: "sports", title: `Match ${tag}` } });
    expect((await call("GET", `/api/events/${id}`, null)).json.event.categoryId).toBe("comedy");

    const unknown = await call("POST", "/api/events", org, validEvent({ categoryId: "knitting" }));
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.code).toBe("invalid_request");
    expect((await call("PATCH", `/api/events/${id}`, org, { categoryId: "nope" })).status).toBe(400);

    const comedy = await call("GET", `/api/events?q=${tag}&category=comedy`, null);
    expect(comedy.json.items.map((e: { id: string }) => e.id)).toEqual([id]);
    expect(comedy.json.items[0].categoryId).toBe("comedy");
    const patched = await call("PATCH", `/api/events/${other.id}`, org, { categoryId: "comedy" });
    expect(patched.status).toBe(200);
    expect(patched.json.event.categoryId).toBe("comedy");
    const both = await call("GET", `/api/events?q=${tag}&category=comedy`, null);
    expect(both.json.items.map((e: { id: string }) => e.id).sort()).toEqual([id, other.id].sort());
    expect((await call("GET", `/api/events?category=knitting`, null)).status).toBe(400);
  });
});

describe("POST /api/events/:id/cancel", () => {
  it("stops sales at once, releases pending holds, records one EventCancelled and leaves the listing", async () => {
    const org = organizer();
    const tag = `cancel-${ulid()}`;
    const { id, ttId } = await eventWithTicketType(org, { publish: true, event: { title: `Gala ${tag}` } });
    const pending = await holdOne(id, ttId);
    expect(pending.ok).toBe(true);
    expect((await call("GET", `/api/events?q=${tag}`, null)).json.items).toHaveLength(1);

    const res = await call("POST", `/api/events/${id}/cancel`, org, { reason: "Venue flooded" });
    expect(res.status).toBe(202);
    expect(res.json.event).toMatchObject({ id, status: "cancelled", cancellation: { reason: "Venue flooded", cancelledAt: expect.any(String) } });

    const refused = await holdOne(id, ttId);
    expect(refused).toMatchObject({ ok: false, code: "not_on_sale" });
    const [stock] = await inventory(id).availability();
    expect(stock).toMatchObject({ held: 0, sold: 0 });

    const sent = await cancelledEnvelopes(id);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ type: "EventCancelled", payload: { eventId: id, reason: "Venue flooded", cancelledBy: org!.userId } });
    expect(sent[0].sentAt).not.toBeNull();

    expect((await call("GET", `/api/events?q=${tag}`, null)).json.items).toHaveLength(0);
    const page = await call("GET", `/api/events/${id}`, null);
    expect(page.status).toBe(200);
    expect(page.json.event.status).toBe("cancelled");
  });

  it("changes nothing when called again (same 202, no second EventCancelled, first reason kept)", async () => {
    const org = organizer();
    const { id } = await eventWithTicketType(org, { publish: true });
    const first = await call("POST", `/api/events/${id}/cancel`, org, { reason: "First" });
    const again = await call("POST", `/api/events/${id}/cancel`, admin(), { reason: "Second" });
    expect(again.status).toBe(202);
    expect(again.json.event).toEqual(first.json.event);
    expect(await cancelledEnvelopes(id)).toHaveLength(1);
  });

  it("lets the organizer of the event or an admin cancel; others get 401, 403 or 404; a bad body is 400", async () => {
    const org = organizer();
    const { id } = await eventWithTicketType(org, { publish: true });
    expect((await call("POST", `/api/events/${id}/cancel`, null, { reason: "x" })).status).toBe(401);
    expect((await call("POST", `/api/events/${id}/cancel`, buyer(), { reason: "x" })).status).toBe(403);
    expect((await call("POST", `/api/events/${id}/cancel`, organizer(), { reason: "x" })).status).toBe(404);
    expect((await call("POST", `/api/events/${id}/cancel`, org, { reason: "" })).status).toBe(400);
    expect((await call("GET", `/api/events/${id}`, null)).json.event.status).toBe("published");
    expect((await call("POST", `/api/events/${id}/cancel`, admin(), { reason: "Admin says so" })).status).toBe(202);
  });

  it("makes the event final: edits, new ticket types and publishing are 409 invalid_state", async () => {
    const org = organizer();
    const { id, ttId } = await eventWithTicketType(org);
    await call("POST", `/api/events/${id}/cancel`, org, { reason: "Never mind" });
    for (const res of [
      await call("PATCH", `/api/events/${id}`, org, { title: "Back on" }),
      await call("POST", `/api/events/${id}/publish`, org),
      await call("POST", `/api/events/${id}/ticket-types`, org, { name: "Late", priceVnd: 1, quantity: 1 }),
      await call("PATCH", `/api/events/${id}/ticket-types/${ttId}`, org, { quantity: 5 }),
    ]) {
      expect(res.status).toBe(409);
      expect(res.json.error.code).toBe("invalid_state");
    }
    expect(await count("events", "id = ? AND cancelled_at IS NOT NULL", id)).toBe(1);
  });
});

describe("the cron (delivery confirmed by effect)", () => {
  it("sends an EventCancelled again when the orders inbox never received it (a crash lost it), and leaves received audit rows alone", async () => {
    const org = organizer();
    const { id } = await eventWithTicketType(org, { publish: true });
    expect((await call("POST", `/api/events/${id}/cancel`, org, { reason: "Storm" })).status).toBe(202);
    const [sent] = await cancelledEnvelopes(id);
    expect(sent.sentAt).not.toBeNull();
    // Sent (and lost) ten minutes ago; the orders stand-in has received nothing, reports everything.
    const tenMinutesAgo = Date.now() - 600_000;
    await testEnv.DB.prepare("UPDATE outbox SET sent_at = ? WHERE id = ? OR id = ?").bind(tenMinutesAgo, sent.id, `audit-event-cancel-${id}`).run();

    const ctx = createExecutionContext();
    await worker.scheduled({} as ScheduledController, testEnv, ctx);
    await waitOnExecutionContext(ctx);

    const rows = (await testEnv.DB.prepare("SELECT id, sent_at, resends, delivered_at, delivered_to FROM outbox WHERE id IN (?, ?)")
      .bind(sent.id, `audit-event-cancel-${id}`)
      .all<{ id: string; sent_at: number; resends: number; delivered_at: number | null; delivered_to: string | null }>()).results;
    const cancelled = rows.find((r) => r.id === sent.id)!;
    expect(cancelled).toMatchObject({ resends: 1, delivered_at: null });
    expect(cancelled.sent_at).toBeGreaterThan(tenMinutesAgo);
    const audit = rows.find((r) => r.id !== sent.id)!;
    expect(audit).toMatchObject({ resends: 0, delivered_to: "reports" });
    expect(audit.delivered_at).not.toBeNull();
  });
});

describe("GET /api/events/:id/cancellation", () => {
  it("reports the batch's counts (from orders) with the reason, to the organizer or an admin only", async () => {
    const org = organizer();
    const { id } = await eventWithTicketType(org, { publish: true });
    expect((await call("GET", `/api/events/${id}/cancellation`, org)).status).toBe(404);
    await call("POST", `/api/events/${id}/cancel`, org, { reason: "Storm" });
    const res = await call("GET", `/api/events/${id}/cancellation`, org);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ total: 3, succeeded: 1, failed: 0, pending: 2, status: "running", reason: "Storm", startedAt: expect.any(String) });
    expect((await call("GET", `/api/events/${id}/cancellation`, admin())).status).toBe(200);
    expect((await call("GET", `/api/events/${id}/cancellation`, organizer())).status).toBe(404);
    expect((await call("GET", `/api/events/${id}/cancellation`, buyer())).status).toBe(403);
    expect((await call("GET", `/api/events/${id}/cancellation`, null)).status).toBe(401);
  });
});

describe("EventInventory.cancel", () => {
  it("is final and idempotent: a later configuration does not put the event back on sale", async () => {
    const { eventId, stub, cfg, tt } = await configuredInventory();
    const orderIds = [ulid(), ulid()];
    for (const orderId of orderIds) expect((await holdOne(eventId, tt[0], orderId)).ok).toBe(true);
    const sold = ulid();
    await holdOne(eventId, tt[0], sold);
    expect((await stub.commit(sold)).ok).toBe(true);

    const first = await stub.cancel(eventId);
    expect(first).toEqual({ cancelled: true, releasedOrderIds: expect.arrayContaining(orderIds) });
    expect(first.releasedOrderIds).toHaveLength(2);
    expect(await stub.cancel(eventId)).toEqual({ cancelled: true, releasedOrderIds: [] });

    await stub.configure({ ...cfg, revision: cfg.revision + 1 });
    expect(await holdOne(eventId, tt[0])).toMatchObject({ ok: false, code: "not_on_sale" });
    const [row] = await stub.availability();
    expect(row).toMatchObject({ held: 0, sold: 2 });
  });
});
