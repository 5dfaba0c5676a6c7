import { eq } from "drizzle-orm";
import { makeEvent, outboxInsert, type Identity } from "@tickets/common";
import { supportMessages, supportTickets, type TicketRow, type TicketStatus } from "../db/schema";
import type { Db } from "../db/client";
import { requireManage, type TicketAccess } from "./access";
import { loadThread, loadTicket, newId } from "./tickets";
import { excerpt, messageView } from "./view";

/**
 * Who hears about a reply: the author's replies go to the event's organizer, everyone else's to
 * the author; nobody is told about their own message (and a ticket without an event has no
 * organizer to tell).
 */
function recipientOf(who: Identity, ticket: TicketRow, access: TicketAccess) {
  if (access.role === "author") {
    return access.organizerId && access.organizerId !== who.userId ? { recipientId: access.organizerId, recipientSide: "organizer" as const } : null;
  }
  return ticket.authorId !== who.userId
    ? { recipientId: ticket.authorId, recipientEmail: ticket.authorEmail, recipientSide: "author" as const }
    : null;
}

/**
 * Adds a message and moves the status: the author's reply (re)opens the ticket, a reply from the
 * organizer, staff or an admin leaves it `pending` (waiting on the author) unless they chose a
 * status. The message, the status and the SupportReplyPosted notice are one D1 batch.
 */
export async function postReply(db: Db, who: Identity, ticket: TicketRow, access: TicketAccess, input: { message: string; status?: TicketStatus }, now = Date.now()) {
  if (input.status) requireManage(access);
  const status = input.status ?? (access.role === "author" ? "open" : "pending");
  const message = { id: newId(now), ticketId: ticket.id, authorId: who.userId, authorRole: access.role, body: input.message, createdAt: now };
  const recipient = recipientOf(who, ticket, access);
  const notice = recipient
    ? makeEvent(
        "SupportReplyPosted",
        {
          ticketId: ticket.id,
          messageId: message.id,
          subject: ticket.subject,
          excerpt: excerpt(input.message),
          ...recipient,
          ...(ticket.orderId ? { orderId: ticket.orderId } : {}),
          ...(ticket.eventId ? { eventId: ticket.eventId } : {}),
        },
        { correlationId: ticket.id },
      )
    : null;
  await db.batch([
    db.insert(supportMessages).values(message),
    db.update(supportTickets).set({ status, lastActivityAt: now, updatedAt: now }).where(eq(supportTickets.id, ticket.id)),
    ...(notice ? [outboxInsert(db as never, notice)] : []),
  ]);
  return { message: messageView(message), notified: !!notice };
}

/** PATCH status (organizer of the event or admin). Setting the current status again is a no-op. */
export async function setStatus(db: Db, ticket: TicketRow, access: TicketAccess, status: TicketStatus, now = Date.now()) {
  requireManage(access);
  if (ticket.status !== status) {
    await db.update(supportTickets).set({ status, updatedAt: now }).where(eq(supportTickets.id, ticket.id));
  }
  return loadThread(db, (await loadTicket(db, ticket.id))!);
}
