import { describe, expect, it } from "vitest";
import { call, checkedIn, confirmed, deliver, eventOf, refunded, user } from "./helpers";

const quoted: { ticketTypeId: string; name: string; unitPriceVnd: number; quantity: number } = {
  ticketTypeId: "tt-q",
  name: 'Vé "Đặc biệt", hạng nhất',
  unitPriceVnd: 2_000_000,
  quantity: 2,
};

describe("GET /api/reports/events/:id/sales", () => {
  it("answers the same figures as CSV: RFC 4180, UTF-8 with BOM, whole VND, Vietnamese names intact", async () => {
    const { eventId, organizer } = await eventOf("Lễ hội Áo dài");
    await deliver(
      confirmed(eventId, `${eventId}:o-1`, [quoted], "2026-11-20T03:00:00.000Z"),
      refunded(eventId, `${eventId}:o-1`, `${eventId}:r-1`, 1_000_000, "2026-11-21T03:00:00.000Z"),
      checkedIn(eventId, `${eventId}:o-1`, `${eventId}:t-1`, "tt-q", "2026-11-21T04:00:00.000Z"),
    );
    const res = await call(`/api/reports/events/${eventId}/sales?format=csv`, organizer);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="sales-Le-hoi-Ao-dai\.csv"; filename\*=UTF-8''/);
    expect(res.text.charCodeAt(0)).toBe(0xfeff);
    expect(res.text.slice(1).split("\r\n")).toEqual([
      "section,date,ticket_type_id,ticket_type,tickets_sold,gross_vnd,refunded_vnd,net_vnd,orders,check_ins",
      'ticket_type,,tt-q,"Vé ""Đặc biệt"", hạng nhất",2,4000000,1000000,3000000,,1',
      "day,2026-11-20,,,2,4000000,0,4000000,1,0",
      "day,2026-11-21,,,0,0,1000000,-1000000,0,1",
      "total,,,,2,4000000,1000000,3000000,1,1",
      "",
    ]);
  });

  it("is 404 event_not_found for another organizer, a buyer and an unknown event; 401 without a token", async () => {
    const { eventId, organizer } = await eventOf();
    await deliver(confirmed(eventId, `${eventId}:o-1`, [quoted]));
    for (const who of [user(["organizer"]), user(["buyer"])]) {
      for (const path of [`/api/reports/events/${eventId}/sales`, `/api/reports/events/${eventId}/sales/series`]) {
        const res = await call(path, who);
        expect(res.status).toBe(404);
        expect(res.json.error.code).toBe("event_not_found");
      }
    }
    expect((await call(`/api/reports/events/ev-nope/sales`, organizer)).json.error.code).toBe("event_not_found");
    expect((await call(`/api/reports/events/${eventId}/sales`)).status).toBe(401);
    // An admin sees any event.
    expect((await call(`/api/reports/events/${eventId}/sales`, user(["admin"]))).json.grossVnd).toBe(4_000_000);
  });

  it("keeps a name that looks like a spreadsheet formula from being evaluated, and numbers as they are", async () => {
    const { eventId, organizer } = await eventOf();
    const formula = { ticketTypeId: "tt-f", name: "=HYPERLINK(\"http://x\")", unitPriceVnd: 100_000, quantity: 1 };
    await deliver(confirmed(eventId, `${eventId}:o-1`, [formula]), refunded(eventId, `${eventId}:o-1`, `${eventId}:r-1`, 100_000, new Date(Date.now() + 86_400_000)));
    const lines = (await call(`/api/reports/events/${eventId}/sales?format=csv`, organizer)).text.split("\r\n");
    expect(lines[1]).toBe(`ticket_type,,tt-f,"'=HYPERLINK(""http://x"")",1,100000,100000,0,,0`);
    expect(lines.some((l) => l.startsWith("day,") && l.includes(",-100000,"))).toBe(true);
  });

  it("lists the event's unsold ticket types too, and each type under its current name", async () => {
    const types = [
      { id: "tt-q", name: "Vé hạng nhất (đổi tên)" },
      { id: "tt-none", name: "Vé đứng" },
    ];
    const { eventId, organizer } = await eventOf("Đêm nhạc", undefined, types);
    await deliver(confirmed(eventId, `${eventId}:o-1`, [quoted]));
    const res = await call(`/api/reports/events/${eventId}/sales`, organizer);
    // Sorted by name in Vietnamese order: "đ" comes before "h".
    expect(res.json.byTicketType).toEqual([
      { ticketTypeId: "tt-none", name: "Vé đứng", ticketsSold: 0, grossVnd: 0, refundedVnd: 0, netVnd: 0, checkIns: 0 },
      { ticketTypeId: "tt-q", name: "Vé hạng nhất (đổi tên)", ticketsSold: 2, grossVnd: 4_000_000, refundedVnd: 0, netVnd: 4_000_000, checkIns: 0 },
    ]);
    expect(res.json.ticketsSold).toBe(2);
  });

  it("is 400 for an unknown format", async () => {
    const { eventId, organizer } = await eventOf();
    expect((await call(`/api/reports/events/${eventId}/sales?format=xlsx`, organizer)).json.error.code).toBe("invalid_request");
  });
});

describe("GET /api/reports/events/:id/sales/series", () => {
  it("has one point per minute, zero-filled, with the sale in its minute", async () => {
    const { eventId, organizer } = await eventOf();
    const twoMinutesAgo = new Date(Date.now() - 2 * 60_000);
    await deliver(confirmed(eventId, `${eventId}:o-1`, [quoted], twoMinutesAgo), confirmed(eventId, `${eventId}:o-old`, [quoted], new Date(Date.now() - 90 * 60_000)));
    const res = await call(`/api/reports/events/${eventId}/sales/series?minutes=10`, organizer);
    expect(res.status).toBe(200);
    const items: Array<{ at: string; ticketsSold: number; grossVnd: number }> = res.json.items;
    expect(items).toHaveLength(10);
    for (let i = 1; i < items.length; i++) expect(Date.parse(items[i].at) - Date.parse(items[i - 1].at)).toBe(60_000);
    const minute = new Date(Math.floor(twoMinutesAgo.getTime() / 60_000) * 60_000).toISOString();
    expect(items.filter((p) => p.ticketsSold > 0)).toEqual([{ at: minute, ticketsSold: 2, grossVnd: 4_000_000 }]);
    // The default is the last hour; the sale 90 minutes ago shows in a 2-hour window.
    expect((await call(`/api/reports/events/${eventId}/sales/series`, organizer)).json.items).toHaveLength(60);
    const twoHours = (await call(`/api/reports/events/${eventId}/sales/series?minutes=120`, organizer)).json.items;
    expect(twoHours.reduce((s: number, p: { ticketsSold: number }) => s + p.ticketsSold, 0)).toBe(4);
  });

  it("accepts 1 to 2880 minutes", async () => {
    const { eventId, organizer } = await eventOf();
    for (const minutes of ["0", "2881", "abc"]) {
      expect((await call(`/api/reports/events/${eventId}/sales/series?minutes=${minutes}`, organizer)).status).toBe(400);
    }
    expect((await call(`/api/reports/events/${eventId}/sales/series?minutes=2880`, organizer)).json.items).toHaveLength(2880);
  });
});

describe("GET /api/reports/organizer/summary", () => {
  it("totals the caller's events (also those without sales), and only theirs", async () => {
    const first = await eventOf("Sự kiện một");
    const { eventId: other } = await eventOf("Someone else's");
    await deliver(
      confirmed(first.eventId, `${first.eventId}:o-1`, [quoted]),
      refunded(first.eventId, `${first.eventId}:o-1`, `${first.eventId}:r-1`, 500_000),
      confirmed(other, `${other}:o-1`, [quoted]),
    );
    const res = await call("/api/reports/organizer/summary", first.organizer);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      events: [{ eventId: first.eventId, title: "Sự kiện một", ticketsSold: 2, grossVnd: 4_000_000, refundedVnd: 500_000, netVnd: 3_500_000 }],
      totals: { ticketsSold: 2, grossVnd: 4_000_000, refundedVnd: 500_000, netVnd: 3_500_000 },
    });
    const fresh = user(["organizer"]);
    expect((await call("/api/reports/organizer/summary", fresh)).json).toEqual({ events: [], totals: { ticketsSold: 0, grossVnd: 0, refundedVnd: 0, netVnd: 0 } });
    expect((await call("/api/reports/organizer/summary", user(["buyer"]))).status).toBe(403);
    const admin = (await call("/api/reports/organizer/summary", user(["admin"]))).json;
    expect(admin.events.map((e: { eventId: string }) => e.eventId)).toEqual(expect.arrayContaining([first.eventId, other]));
  });
});
