import { describe, expect, it } from "vitest";
import { Client } from "./client";
import { signUp } from "./saga-helpers";

// Categories on the booted stack: the fixed taxonomy, an event's category, the listing filter.

describe("categories", () => {
  it("lists the taxonomy to anyone, with Vietnamese and English names", async () => {
    const res = await new Client().get("/api/categories");
    expect(res.status).toBe(200);
    expect(res.json.items.length).toBeGreaterThanOrEqual(8);
    for (const c of res.json.items) expect(c).toEqual({ id: expect.stringMatching(/^[a-z-]+$/), name: { vi: expect.any(String), en: expect.any(String) } });
    expect(res.json.items.map((c: { id: string }) => c.id)).toContain("music");
  });

  it("carries categoryId on events and filters the listing by it; an unknown id is 400", async () => {
    const { client: organizer } = await signUp("organizer");
    const tag = `cat${Date.now()}`;
    const startsAt = new Date(Date.now() + 20 * 86_400_000);
    const make = async (categoryId: string) => {
      const ev = await organizer.post("/api/events", {
        title: `${tag} ${categoryId}`,
        venue: "San van dong My Dinh",
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 7_200_000).toISOString(),
        categoryId,
      });
      expect(ev.status).toBe(201);
      expect(ev.json.event.categoryId).toBe(categoryId);
      const id = ev.json.event.id as string;
      expect((await organizer.post(`/api/events/${id}/ticket-types`, { name: "Standard", priceVnd: 100_000, quantity: 10 })).status).toBe(201);
      expect((await organizer.post(`/api/events/${id}/publish`)).status).toBe(200);
      return id;
    };
    const sports = await make("sports");
    const festival = await make("festival");

    const filtered = await new Client().get(`/api/events?q=${tag}&category=sports`);
    expect(filtered.status).toBe(200);
    expect(filtered.json.items.map((e: { id: string }) => e.id)).toEqual([sports]);
    const all = await new Client().get(`/api/events?q=${tag}`);
    expect(all.json.items.map((e: { id: string }) => e.id).sort()).toEqual([sports, festival].sort());

    const patched = await organizer.patch(`/api/events/${festival}`, { categoryId: "sports" });
    expect(patched.json.event.categoryId).toBe("sports");
    expect((await new Client().get(`/api/events/${festival}`)).json.event.categoryId).toBe("sports");

    const bad = await organizer.patch(`/api/events/${festival}`, { categoryId: "knitting" });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe("invalid_request");
    expect((await new Client().get(`/api/events?category=knitting`)).status).toBe(400);
  });

  it("declares the route in the merged OpenAPI document", async () => {
    const doc = (await new Client().get("/api/openapi.json")).json;
    expect(doc.paths["/api/categories"].get.responses).toHaveProperty("200");
  });
});
