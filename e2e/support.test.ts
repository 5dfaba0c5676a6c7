import { beforeAll, describe, expect, it } from "vitest";
import { adminClient, Client, eventually } from "./client";
import { placeOrder, publishedSale, signUp } from "./saga-helpers";

// The support desk on the booted stack: tickets about an order, who sees them (asked both ways),
// the status a reply leaves, and the reply notice reaching the other side's notifications.

const supportReplies = async (client: Client) => {
  const res = await client.get("/api/notifications?limit=100");
  expect(res.status).toBe(200);
  return (res.json.items as Array<{ template: string; subject: string }>).filter((n) => n.template === "support_reply");
};

describe("support desk", () => {
  let organizer: Client;
  let eventId: string;
  let author: Client;
  let authorId: string;
  let orderId: string;
  let staff: Client;
  let otherOrganizer: Client;
  let otherBuyer: Client;
  let admin: Client;
  let ticketId: string;

  beforeAll(async () => {
    const sale = await publishedSale({ quantity: 10 });
    organizer = sale.organizer;
    eventId = sale.sale.eventId;
    const buyer = await signUp("buyer");
    author = buyer.client;
    authorId = buyer.user.id;
    const order = await placeOrder(author, sale.sale, 1);
    expect(order.status).toBe(201);
    orderId = order.json.order.id;
    const door = await signUp("buyer");
    staff = door.client;
    expect((await organizer.post(`/api/events/${eventId}/staff`, { email: door.user.email })).status).toBe(201);
    otherOrganizer = (await signUp("organizer")).client;
    otherBuyer = (await signUp("buyer")).client;
    admin = await adminClient();
  });

  it("opens a ticket about the buyer's order, linked to its event; nobody else can open one on that order", async () => {
    const message = "I ordered <b>1</b> ticket & nothing arrived.";
    const res = await author.post("/api/support/tickets", { subject: "No tickets yet", message, orderId });
    expect(res.status).toBe(201);
    expect(res.json.ticket).toMatchObject({ status: "open", subject: "No tickets yet", orderId, eventId, authorId });
    expect(res.json.ticket.messages).toEqual([expect.objectContaining({ authorId, authorRole: "author", message })]);
    ticketId = res.json.ticket.id;

    for (const stranger of [otherBuyer, otherOrganizer]) {
      const refused = await stranger.post("/api/support/tickets", { subject: "Mine?", message: "x", orderId });
      expect(refused.status).toBe(404);
      expect(refused.json.error.code).toBe("order_not_found");
    }
    const invalid = await author.post("/api/support/tickets", { subject: "x".repeat(201), message: "m" });
    expect(invalid.status).toBe(400);
    expect(invalid.json.error.code).toBe("invalid_request");
    expect((await new Client().post("/api/support/tickets", { subject: "s", message: "m" })).status).toBe(401);
  });

  it("shows the ticket to its author, the event's organizer and staff, and admins; to nobody else, not even in lists", async () => {
    for (const [who, client] of Object.entries({ author, organizer, staff, admin })) {
      const res = await client.get(`/api/support/tickets/${ticketId}`);
      expect(res.status, who).toBe(200);
      expect(res.json.ticket).toMatchObject({ id: ticketId, orderId, eventId });
      const list = await client.get("/api/support/tickets?limit=100");
      expect(list.json.items.map((t: { id: string }) => t.id), who).toContain(ticketId);
    }
    for (const [who, client] of Object.entries({ otherOrganizer, otherBuyer })) {
      const res = await client.get(`/api/support/tickets/${ticketId}`);
      expect(res.status, who).toBe(404);
      expect(res.json.error.code).toBe("ticket_not_found");
      expect((await client.post(`/api/support/tickets/${ticketId}/messages`, { message: "hi" })).status, who).toBe(404);
      expect((await client.patch(`/api/support/tickets/${ticketId}`, { status: "closed" })).status, who).toBe(404);
      const list = await client.get("/api/support/tickets?limit=100");
      expect(list.json.items.map((t: { id: string }) => t.id), who).not.toContain(ticketId);
    }
    // The organizer's own view of tickets about the event, by filter.
    const byEvent = await organizer.get(`/api/support/tickets?eventId=${eventId}`);
    expect(byEvent.json.items.map((t: { id: string }) => t.id)).toEqual([ticketId]);
  });

  it("the organizer's reply leaves it pending and reaches the author's notifications", async () => {
    const before = (await supportReplies(author)).length;
    const res = await organizer.post(`/api/support/tickets/${ticketId}/messages`, { message: "Your tickets were just re-sent. <script>x</script>" });
    expect(res.status).toBe(201);
    expect(res.json.message).toMatchObject({ authorRole: "organizer", message: "Your tickets were just re-sent. <script>x</script>" });
    expect((await author.get(`/api/support/tickets/${ticketId}`)).json.ticket.status).toBe("pending");
    const notices = await eventually(async () => {
      const list = await supportReplies(author);
      return list.length > before ? list : null;
    });
    expect(notices[0].subject).toContain("No tickets yet");
  });

  it("the author's reply reopens it and reaches the organizer's notifications, not the author's own", async () => {
    const authorBefore = (await supportReplies(author)).length;
    const res = await author.post(`/api/support/tickets/${ticketId}/messages`, { message: "Got them, thank you!" });
    expect(res.status).toBe(201);
    expect((await organizer.get(`/api/support/tickets/${ticketId}`)).json.ticket.status).toBe("open");
    const notices = await eventually(async () => {
      const list = await supportReplies(organizer);
      return list.length > 0 ? list : null;
    });
    expect(notices[0].subject).toContain("No tickets yet");
    expect((await supportReplies(author)).length).toBe(authorBefore);
    // Nobody else hears about it.
    expect(await supportReplies(otherOrganizer)).toEqual([]);
  });

  it("lets the organizer close it (not the author or staff), and the author's next reply reopens it", async () => {
    for (const client of [author, staff]) {
      const res = await client.patch(`/api/support/tickets/${ticketId}`, { status: "closed" });
      expect(res.status).toBe(403);
    }
    const closed = await organizer.patch(`/api/support/tickets/${ticketId}`, { status: "closed" });
    expect(closed.status).toBe(200);
    expect(closed.json.ticket).toMatchObject({ id: ticketId, status: "closed" });
    expect((await author.get("/api/support/tickets?status=closed")).json.items.map((t: { id: string }) => t.id)).toEqual([ticketId]);
    await author.post(`/api/support/tickets/${ticketId}/messages`, { message: "One more question." });
    const thread = (await admin.get(`/api/support/tickets/${ticketId}`)).json.ticket;
    expect(thread.status).toBe("open");
    expect(thread.messages.map((m: { authorRole: string }) => m.authorRole)).toEqual(["author", "organizer", "author", "author"]);
  });

  it("rate-limits new tickets per user with 429 and Retry-After", async () => {
    const { client } = await signUp("buyer");
    for (let i = 0; i < 5; i++) expect((await client.post("/api/support/tickets", { subject: `q${i}`, message: "m" })).status).toBe(201);
    const limited = await client.post("/api/support/tickets", { subject: "q5", message: "m" });
    expect(limited.status).toBe(429);
    expect(limited.json.error.code).toBe("rate_limited");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("publishes every support route with a summary in the OpenAPI document", async () => {
    const doc = (await new Client().get("/api/openapi.json")).json;
    const ops: Array<[string, string]> = [
      ["/api/support/tickets", "post"],
      ["/api/support/tickets", "get"],
      ["/api/support/tickets/{id}", "get"],
      ["/api/support/tickets/{id}", "patch"],
      ["/api/support/tickets/{id}/messages", "post"],
    ];
    for (const [path, method] of ops) expect(doc.paths[path]?.[method]?.summary, `${method} ${path}`).toEqual(expect.any(String));
  });
});
