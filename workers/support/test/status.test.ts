import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { parseEnvelope } from "@tickets/common";
import worker from "../src/index";
import { admin, buyer, call, eventOf, expectError, openTicket, orderOf, organizer, outboxFor, reply, staffOf, testEnv } from "./helpers";

const statusOf = async (id: string, who: Parameters<typeof call>[2]) => (await call("GET", `/api/support/tickets/${id}`, who)).json.ticket.status;
const patch = (id: string, who: Parameters<typeof call>[2], status: string) => call("PATCH", `/api/support/tickets/${id}`, who, { status });

describe("ticket status: open → pending → closed", () => {
  it("the other side's reply sets pending, the author's reply reopens, also a closed ticket", async () => {
    const author = buyer();
    const org = organizer();
    const { id } = await openTicket(author, { eventId: eventOf(org) });

    expect((await reply(org, id, { message: "Which order?" })).status).toBe(201);
    expect(await statusOf(id, author)).toBe("pending");
    await reply(author, id, { message: "The one from Friday." });
    expect(await statusOf(id, author)).toBe("open");
    await reply(staffOf(org), id, { message: "Checking at the door list." });
    expect(await statusOf(id, author)).toBe("pending");

    expect((await patch(id, org, "closed")).json.ticket.status).toBe("closed");
    await reply(author, id, { message: "Still nothing." });
    expect(await statusOf(id, author)).toBe("open");

    const thread = (await call("GET", `/api/support/tickets/${id}`, author)).json.ticket;
    expect(thread.messages.map((m: any) => [m.authorRole, m.message])).toEqual([
      ["author", "I paid but see nothing."],
      ["organizer", "Which order?"],
      ["author", "The one from Friday."],
      ["staff", "Checking at the door list."],
      ["author", "Still nothing."],
    ]);
    expect(Date.parse(thread.lastActivityAt)).toBe(Date.parse(thread.messages.at(-1).createdAt));
  });

  it("the organizer or an admin may choose the status with a reply; staff and the author may not", async () => {
    const author = buyer();
    const org = organizer();
    const { id } = await openTicket(author, { eventId: eventOf(org) });
    await reply(org, id, { message: "Sent again, closing.", status: "closed" });
    expect(await statusOf(id, org)).toBe("closed");
    await reply(admin(), id, { message: "Reopened for review.", status: "open" });
    expect(await statusOf(id, org)).toBe("open");

    expectError(await reply(staffOf(org), id, { message: "x", status: "closed" }), 403, "forbidden");
    expectError(await reply(author, id, { message: "x", status: "closed" }), 403, "forbidden");
    expectError(await reply(org, id, { message: "x", status: "resolved" }), 400, "invalid_request");
    expectError(await patch(id, org, "archived"), 400, "invalid_request");
    // Refused replies left nothing behind.
    expect((await call("GET", `/api/support/tickets/${id}`, org)).json.ticket.messages).toHaveLength(3);
  });

  it("rejects empty and oversized replies", async () => {
    const author = buyer();
    const { id } = await openTicket(author);
    expectError(await reply(author, id, { message: " " }), 400, "invalid_request");
    expectError(await reply(author, id, { message: "z".repeat(5001) }), 400, "invalid_request");
    expect((await reply(author, id, { message: "z".repeat(5000) })).status).toBe(201);
  });

  it("setting the status it already has changes nothing", async () => {
    const org = organizer();
    const { id } = await openTicket(buyer(), { eventId: eventOf(org) });
    const before = (await call("GET", `/api/support/tickets/${id}`, org)).json.ticket;
    const res = await patch(id, org, "open");
    expect(res.status).toBe(200);
    expect(res.json.ticket).toEqual(before);
  });
});

describe("reply notices (SupportReplyPosted through the outbox)", () => {
  it("the organizer's reply tells the author; the author's reply tells the organizer; each in the same batch as the message", async () => {
    const author = buyer();
    const org = organizer();
    const order = orderOf(author, eventOf(org));
    const { id } = await openTicket(author, { orderId: order, subject: "Lost QR" });
    expect(await outboxFor(id)).toEqual([]); // opening a ticket is not a reply

    const toAuthor = await reply(org, id, { message: "  <b>Check</b> your   spam folder\nplease " });
    const toOrganizer = await reply(author, id, { message: "Found it, thanks!" });
    const rows = await outboxFor(id);
    expect(rows.map((r) => r.type)).toEqual(["SupportReplyPosted", "SupportReplyPosted"]);
    const [first, second] = rows.map((r) => parseEnvelope(JSON.parse(r.envelope)));
    expect(first.payload).toEqual({
      ticketId: id,
      messageId: toAuthor.json.message.id,
      subject: "Lost QR",
      excerpt: "<b>Check</b> your spam folder please",
      recipientId: author.userId,
      recipientEmail: author.email,
      recipientSide: "author",
      orderId: order,
      eventId: eventOf(org),
    });
    expect(first.correlationId).toBe(id);
    expect(second.payload).toMatchObject({ messageId: toOrganizer.json.message.id, recipientId: org.userId, recipientSide: "organizer" });
  });

  it("nobody is told about their own message, and a ticket without an event has no organizer to tell", async () => {
    const org = organizer();
    const own = await openTicket(org, { eventId: eventOf(org) });
    await reply(org, own.id, { message: "note to self" });
    const lonely = await openTicket(buyer());
    expectError(await reply(buyer(), lonely.id, { message: "x" }), 404, "ticket_not_found");
    const author = (await call("GET", `/api/support/tickets/${lonely.id}`, admin())).json.ticket.authorId;
    expect(author).toBeTruthy();
    expect(await outboxFor(own.id)).toEqual([]);
    expect(await outboxFor(lonely.id)).toEqual([]);
    // An admin's reply on it still reaches the author.
    await reply(admin(), lonely.id, { message: "We are on it." });
    expect((await outboxFor(lonely.id)).map((r) => JSON.parse(r.envelope).payload.recipientId)).toEqual([author]);
  });

  it("relays a notice right after the write, and the cron relays what that did not send", async () => {
    const author = buyer();
    const org = organizer();
    const { id } = await openTicket(author, { eventId: eventOf(org) });
    await reply(org, id, { message: "Hello" });
    await vi.waitFor(async () => expect((await outboxFor(id))[0].sent_at).toEqual(expect.any(Number)), { timeout: 5_000 });
    // As if the relay right after the write had crashed.
    await testEnv.DB.prepare("UPDATE outbox SET sent_at = NULL WHERE json_extract(envelope, '$.payload.ticketId') = ?").bind(id).run();
    expect((await outboxFor(id))[0].sent_at).toBeNull();
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: "* * * * *" }), testEnv, ctx);
    await waitOnExecutionContext(ctx);
    expect((await outboxFor(id))[0].sent_at).toEqual(expect.any(Number));
  });
});
