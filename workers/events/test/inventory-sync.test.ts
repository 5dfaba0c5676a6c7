import { describe, expect, it } from "vitest";
import { runInDurableObject } from "cloudflare:test";
import type { EventInventory } from "../../../durable-objects/event-inventory";
import { loadInventoryConfig } from "../../../durable-objects/inventory/events-db";
import { call, eventWithTicketType, inventory, organizer, testEnv } from "./helpers";

/** The events D1 and the event's inventory object must agree on what is for sale. */
describe("events D1 ↔ inventory object", () => {
  it("keeps both in step under concurrent edits: each edit lands whole or is refused with edit_conflict", async () => {
    const org = organizer();
    const { id, ttId } = await eventWithTicketType(org, { publish: true, ticketType: { quantity: 10 } });
    const results = await Promise.all(
      [11, 12, 13, 14, 15].map((quantity) => call("PATCH", `/api/events/${id}/ticket-types/${ttId}`, org, { quantity })),
    );
    for (const r of results) {
      expect([200, 409]).toContain(r.status);
      if (r.status === 409) expect(r.json.error.code).toBe("edit_conflict");
    }
    const won = results.filter((r) => r.status === 200).map((r) => r.json.ticketType.quantity);
    expect(won.length).toBeGreaterThanOrEqual(1);
    const d1 = await loadInventoryConfig(testEnv.DB, id);
    const object = await inventory(id).availability();
    expect(won).toContain(d1!.ticketTypes[0].quantity);
    expect(object[0].quantity).toBe(d1!.ticketTypes[0].quantity);
    expect(await runInDurableObject(inventory(id), (_: EventInventory, state) => state.storage.sql.exec("SELECT revision FROM event").one().revision)).toBe(d1!.revision);
  });

  it("recovers from a change the object took but D1 never got", async () => {
    const org = organizer();
    const { id, ttId } = await eventWithTicketType(org, { publish: true, ticketType: { quantity: 10 } });
    const d1 = (await loadInventoryConfig(testEnv.DB, id))!;
    // An edit that reached the object and then died before its D1 write.
    const ghost = { ...d1, revision: d1.revision + 1, ticketTypes: [{ ...d1.ticketTypes[0], quantity: 999 }] };
    expect(await inventory(id).configure(ghost, { baseRevision: d1.revision })).toMatchObject({ ok: true });

    // While it could still be in flight, other edits wait.
    const blocked = await call("PATCH", `/api/events/${id}/ticket-types/${ttId}`, org, { quantity: 20 });
    expect(blocked.status).toBe(409);
    expect(blocked.json.error.code).toBe("edit_conflict");

    // Once it is clearly abandoned, the next edit re-syncs the object from D1 and goes through.
    await runInDurableObject(inventory(id), (_: EventInventory, state) => {
      state.storage.sql.exec("UPDATE event SET configured_at = configured_at - 60000");
    });
    const ok = await call("PATCH", `/api/events/${id}/ticket-types/${ttId}`, org, { quantity: 20 });
    expect(ok.status).toBe(200);
    expect((await inventory(id).availability())[0].quantity).toBe(20);
    expect((await loadInventoryConfig(testEnv.DB, id))!.ticketTypes[0].quantity).toBe(20);
  });
});
