import { ApiError, isAdmin, requireIdentity, type Identity, type Logger } from "@tickets/common";
import type { EventsApi } from "../env";

const eventNotFound = () => new ApiError(404, "event_not_found", "Event not found");

/** Sales figures are for the event's organizer and admins; to anyone else the event does not exist. */
export async function requireReportReader(events: EventsApi, eventId: string, identity: Identity | null, log?: Logger): Promise<Identity> {
  const who = requireIdentity(identity);
  let access: Awaited<ReturnType<EventsApi["getEventAccess"]>>;
  try {
    access = await events.getEventAccess(eventId, who.userId);
  } catch (err) {
    log?.error("events_rpc_failed", { eventId, error: (err as Error).message });
    throw new ApiError(503, "dependency_unavailable", "Event permissions could not be checked; try again");
  }
  if (!access.exists) throw eventNotFound();
  if (!access.isOrganizer && !isAdmin(who)) throw eventNotFound();
  return who;
}
