import { beforeAll, describe, expect, it } from "vitest";
import { Client, eventually, uniqueEmail } from "./client";
import { buyAndPay, lateWindowPaymentUrl, signUp } from "./saga-helpers";
import { writeReliabilityCounts } from "./openapi-ops";

// Hostile strings go in through the public API, come back out verbatim, and are escaped wherever
// they are rendered as HTML (emails' HTML part, the VNPAY sandbox page). The dashboard renders
// through React, which escapes text by construction.

const SQL = "'; DROP TABLE orders;--";
const SCRIPT = "<script>alert(1)</script>";
const VIETNAMESE = "Nguyễn Thị Hương";
const EMOJI = "🎫🎉👩🏽‍💻";
const NUL = "a\u0000b";
/** One value with everything at once, short enough for a name (100) or a title (200). */
const MIXED = `${SCRIPT} ${SQL} ${VIETNAMESE} ${EMOJI} ${NUL} "q" & 'a'`;
const BIG = (n: number) => `${MIXED}\n`.repeat(Math.ceil(n / (MIXED.length + 1))).slice(0, n);

/** No hostile markup survives unescaped in an HTML document. */
function expectEscaped(html: string) {
  expect(html).not.toContain("<script>");
  expect(html).not.toContain("<img");
  expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
}

let checked = 0;
const roundTrip = (actual: unknown, expected: string) => {
  checked++;
  expect(actual).toBe(expected);
};

describe("hostile strings round-trip verbatim and are escaped where rendered", () => {
  let organizer: Client;
  let buyer: Client;
  let eventId: string;
  let ticketTypeId: string;

  beforeAll(async () => {
    organizer = (await signUp("organizer")).client;
    buyer = new Client();
    const reg = await buyer.post("/api/auth/register", { email: uniqueEmail("hostile"), password: "hostile-strings-pass", name: MIXED, locale: "en" });
    expect(reg.status, reg.text).toBe(201);
    buyer.token = reg.json.accessToken;
  });

  it("names: every hostile string is kept as sent", async () => {
    for (const name of [SQL, SCRIPT, VIETNAMESE, EMOJI, NUL, MIXED]) {
      const c = new Client();
      const reg = await c.post("/api/auth/register", { email: uniqueEmail("hostile-name"), password: "hostile-strings-pass", name });
      expect(reg.status, reg.text).toBe(201);
      c.token = reg.json.accessToken;
      roundTrip(reg.json.user.name, name);
      roundTrip((await c.get("/api/auth/me")).json.user.name, name);
    }
  });

  it("event title and description: kept as sent (5,000 characters of them); 10,000 is refused cleanly", async () => {
    const startsAt = new Date(Date.now() + 40 * 86_400_000);
    const body = { title: MIXED, description: BIG(5000), venue: `${VIETNAMESE} ${SCRIPT}`, city: EMOJI, startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString() };
    const created = await organizer.post("/api/events", body);
    expect(created.status, created.text).toBe(201);
    eventId = created.json.event.id;
    const read = (await organizer.get(`/api/events/${eventId}`)).json.event;
    for (const k of ["title", "description", "venue", "city"] as const) roundTrip(read[k], body[k]);

    const mine = async () => (await organizer.get("/api/events?mine=true&limit=100")).json.items.length;
    const before = await mine();
    const tooLong = await organizer.post("/api/events", { ...body, description: BIG(10_000) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.json.error.code).toBe("invalid_request");
    expect(await mine()).toBe(before);

    const tt = await organizer.post(`/api/events/${eventId}/ticket-types`, { name: `${SCRIPT} ${VIETNAMESE}`, priceVnd: 150_000, quantity: 20 });
    expect(tt.status, tt.text).toBe(201);
    ticketTypeId = tt.json.ticketType.id;
    expect((await organizer.post(`/api/events/${eventId}/publish`)).status).toBe(200);
    const listed = await new Client().get(`/api/events/${eventId}`);
    roundTrip(listed.json.event.title, MIXED);
    roundTrip(listed.json.event.ticketTypes[0].name, `${SCRIPT} ${VIETNAMESE}`);
  });

  it("the order confirmation email shows the title and the buyer's name escaped in HTML, verbatim in text", async () => {
    await buyAndPay(buyer, { eventId, ticketTypeId }, 1);
    const email = await eventually(async () => {
      const items = (await buyer.get("/api/notifications")).json.items as Array<{ template: string; channel: string; subject: string; bodyText: string; bodyHtml: string | null }>;
      return items.find((m) => m.template === "order_confirmed" && m.channel === "email");
    }, 20_000);
    expect(email.subject).toContain(MIXED);
    expect(email.bodyText).toContain(MIXED);
    expect(email.bodyHtml).toBeTruthy();
    expectEscaped(email.bodyHtml!);
    expect(email.bodyHtml).toContain("&#39;; DROP TABLE orders;--");
    expect(email.bodyHtml).toContain(`${VIETNAMESE} ${EMOJI}`);
  });

  it("support tickets and replies: kept as sent, and the reply email escapes the excerpt", async () => {
    const message = BIG(5000);
    const opened = await buyer.post("/api/support/tickets", { subject: MIXED, message, eventId });
    expect(opened.status, opened.text).toBe(201);
    const id = opened.json.ticket.id;
    const reply = `${SCRIPT} <img src=x onerror=alert(1)> ${VIETNAMESE}`;
    expect((await organizer.post(`/api/support/tickets/${id}/messages`, { message: reply })).status).toBe(201);
    const ticket = (await buyer.get(`/api/support/tickets/${id}`)).json.ticket;
    roundTrip(ticket.subject, MIXED);
    roundTrip(ticket.messages[0].message, message);
    roundTrip(ticket.messages[1].message, reply);

    const email = await eventually(async () => {
      const items = (await buyer.get("/api/notifications")).json.items as Array<{ template: string; channel: string; bodyHtml: string | null }>;
      return items.find((m) => m.template === "support_reply" && m.channel === "email");
    }, 20_000);
    expectEscaped(email.bodyHtml!);
  });

  it("the VNPAY sandbox refuses hostile order information (code 03, like VNPAY) and escapes what the payer types", async () => {
    const hostileUrl = lateWindowPaymentUrl(`HOSTILE${Date.now()}`, 100_000, `${SCRIPT} <img src=x onerror=alert(1)> ${VIETNAMESE}`);
    const refused = await fetch(hostileUrl);
    const refusedHtml = await refused.text();
    expect(refusedHtml).toContain("Code 03");
    expect(refusedHtml).not.toContain("<script>");
    expect(refusedHtml).not.toContain("<img");

    // A real order's page, posted with a hostile "card number": the page shown again escapes it.
    const order = await buyer.post("/api/orders", { eventId, items: [{ ticketTypeId, quantity: 1 }] }, { "idempotency-key": `hostile-${Date.now()}` });
    expect(order.status, order.text).toBe(201);
    const typed = await fetch(order.json.paymentUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ outcome: "success", card: `"><script>alert(1)</script><img src=x onerror=alert(1)>` }),
      redirect: "manual",
    });
    const html = await typed.text();
    expect(typed.status).toBe(400);
    expectEscaped(html);
    expect(html).toContain("&quot;&gt;&lt;script&gt;");
    writeReliabilityCounts("hostile", { roundTrips: checked });
  });
});

