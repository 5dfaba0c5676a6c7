import { ApiError, isAdmin, type Identity } from "@tickets/common";
import type { EventsApi } from "../env";
import type { MessageRole, TicketRow } from "../db/schema";

/**
 * What the caller is to a ticket. Only the author, the organizer and staff of the linked event,
 * and admins see it; a ticket without an event is the author's and the admins' alone.
 */
export type TicketAccess = {
  role: MessageRole;
  /** May change the status (PATCH, or `status` with a reply): organizer of the event or admin. */
  mayManage: boolean;
  /** The linked event's organizer (who hears about the author's replies), if any. */
  organizerId: string | null;
};

export async function accessTo(events: EventsApi, who: Identity, ticket: TicketRow): Promise<TicketAccess | null> {
  const event = ticket.eventId ? await events.getEventAccess(ticket.eventId, who.userId) : null;
  const isOrganizer = !!event?.isOrganizer;
  const admin = isAdmin(who);
  const role: MessageRole | null =
    ticket.authorId === who.userId ? "author" : isOrganizer ? "organizer" : admin ? "admin" : event?.isStaff ? "staff" : null;
  if (!role) return null;
  return { role, mayManage: isOrganizer || admin, organizerId: event?.organizerId ?? null };
}

export const ticketNotFound = () => new ApiError(404, "ticket_not_found", "Support ticket not found");

/** The ticket and the caller's access to it, or 404 (never tells an outsider that the ticket exists). */
export async function requireAccess(events: EventsApi, who: Identity, ticket: TicketRow | undefined): Promise<{ ticket: TicketRow; access: TicketAccess }> {
  const access = ticket ? await accessTo(events, who, ticket) : null;
  if (!ticket || !access) throw ticketNotFound();
  return { ticket, access };
}

export function requireManage(access: TicketAccess) {
  if (!access.mayManage) throw new ApiError(403, "forbidden", "Only the event's organizer or an admin can change a ticket's status");
}
