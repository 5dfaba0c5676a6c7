import { ApiError, errors, isAdmin, type Identity, type Logger } from "@tickets/common";
import type { EventsApi } from "../env";

export type EventAccess = { exists: boolean; published: boolean; isOrganizer: boolean; isStaff: boolean };

/** The caller's standing on an event, from the events worker (admins may do everything). */
export async function eventAccess(events: EventsApi, eventId: string, who: Identity, log?: Logger): Promise<EventAccess> {
  if (isAdmin(who)) return { exists: true, published: true, isOrganizer: true, isStaff: true };
  try {
    const a = await events.getEventAccess(eventId, who.userId);
    return { exists: a.exists, published: a.exists && a.published, isOrganizer: a.exists && a.isOrganizer, isStaff: a.exists && a.isStaff };
  } catch (err) {
    log?.error("events_rpc_failed", { eventId, error: (err as Error).message });
    throw new ApiError(503, "dependency_unavailable", "Event permissions could not be checked; try again");
  }
}

/** Staff or organizer of the event (or admin), for check-in. */
export async function requireScanner(events: EventsApi, eventId: string, who: Identity, log?: Logger) {
  const access = await eventAccess(events, eventId, who, log);
  if (!access.isStaff && !access.isOrganizer) throw errors.forbidden("Only staff or the organizer of this event may check tickets in");
  return access;
}

/**
 * Same, for routes addressed by event id: an unknown event is 404, not someone else's 403, and so
 * is a draft to anyone without standing on it (drafts exist only for their organizer and staff).
 */
export async function requireEventScanner(events: EventsApi, eventId: string, who: Identity, log?: Logger) {
  const access = await eventAccess(events, eventId, who, log);
  if (!access.exists || (!access.published && !access.isStaff && !access.isOrganizer)) throw errors.notFound("Event");
  if (!access.isStaff && !access.isOrganizer) throw errors.forbidden("Only staff or the organizer of this event may do this");
  return access;
}

/** A ticket is visible to its owner, the event's organizer and admins; to anyone else it does not exist. */
export async function requireTicketReader(events: EventsApi, ticket: { ownerId: string; eventId: string }, who: Identity, log?: Logger) {
  if (ticket.ownerId === who.userId || isAdmin(who)) return;
  const access = await eventAccess(events, ticket.eventId, who, log);
  if (!access.isOrganizer) throw new ApiError(404, "not_found", "Ticket not found");
}
