import { eq } from "drizzle-orm";
import { auditPayload, makeEvent, outboxInsert, type AuditAction, type AuditDetails, type Identity } from "@tickets/common";
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

/** Replies and status changes by the event's side (organizer, staff, admin) are audited; the author's are not. */
const auditOf = (who: Identity, ip: string | null, action: AuditAction, ticket: TicketRow, details: AuditDetails) =>
  makeEvent("AuditRecorded", auditPayload({ userId: who.userId, ip }, "support", action, `support_ticket:${ticket.id}`, details), { correlationId: ticket.id });

/**
 * Adds a message and moves the status: the author's reply (re)opens the ticket, a reply from the
 * organizer, staff or an admin leaves it `pending` (waiting on the author) unless they chose a
 * status. The message, the status and the SupportReplyPosted notice are one D1 batch.
 */
export async function postReply(
  db: Db,
  who: Identity,
  ticket: TicketRow,
  access: TicketAccess,
  input: { message: string; status?: TicketStatus },
  ip: string | null = null,
  now = Date.now(),
) {
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
    ...(access.role !== "author" ? [outboxInsert(db as never, auditOf(who, ip, "support.reply", ticket, { messageId: message.id, from: ticket.status, to: status }))] : []),
  ]);
  return { message: messageView(message), notified: !!notice || access.role !== "author" };
}

/** PATCH status (organizer of the event or admin). Setting the current status again is a no-op. */
export async function setStatus(db: Db, who: Identity, ticket: TicketRow, access: TicketAccess, status: TicketStatus, ip: string | null = null, now = Date.now()) {
  requireManage(access);
  if (ticket.status !== status) {
    // Guarded on the status read, so of two racing changes only the one that moved it is audited.
    const audit = auditOf(who, ip, "support.status", ticket, { from: ticket.status, to: status });
    await (db.$client as D1Database).batch([
      (db.$client as D1Database)
        .prepare("UPDATE support_tickets SET status = ?1, updated_at = ?2 WHERE id = ?3 AND status = ?4")
        .bind(status, now, ticket.id, ticket.status),
      (db.$client as D1Database)
        .prepare(`INSERT INTO outbox (id, type, envelope, created_at) SELECT ?1, ?2, ?3, ?4 WHERE changes() = 1`)
        .bind(audit.id, audit.type, JSON.stringify(audit), now),
    ]);
  }
  return loadThread(db, (await loadTicket(db, ticket.id))!);
}
