import { ApiError, isAdmin, requireIdentity, type Identity, type Logger } from "@tickets/common";
import type { EventsApi } from "../env";

const eventNotFound = () => new ApiError(404, "event_not_found", "Event not found");

/** A call to the events worker from a request: its failure is a 503 the caller may retry, not a 500. */
export async function askEvents<T>(call: () => Promise<T>, log?: Logger, fields: Record<string, unknown> = {}): Promise<T> {
  try {
    return await call();
  } catch (err) {
    log?.error("events_rpc_failed", { ...fields, error: (err as Error).message });
    throw new ApiError(503, "dependency_unavailable", "The events service could not be asked; try again");
  }
}

/** Sales figures are for the event's organizer and admins; to anyone else the event does not exist. */
export async function requireReportReader(events: EventsApi, eventId: string, identity: Identity | null, log?: Logger): Promise<Identity> {
  const who = requireIdentity(identity);
  const access = await askEvents(() => events.getEventAccess(eventId, who.userId), log, { eventId });
  if (!access.exists) throw eventNotFound();
  if (!access.isOrganizer && !isAdmin(who)) throw eventNotFound();
  return who;
}
