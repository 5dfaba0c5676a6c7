import { ApiError, errors, isAdmin, type Identity, type Logger } from "@tickets/common";
import type { RefundRow } from "../db/schema";
import type { EventsApi } from "../env";

const refundNotFound = () => errors.notFound("Refund");

/** Whether `who` organizes the event (events worker); 503 when that cannot be checked. */
export async function isOrganizerOf(events: EventsApi, eventId: string, who: Identity, log?: Logger): Promise<boolean> {
  try {
    return (await events.getEventAccess(eventId, who.userId)).isOrganizer;
  } catch (err) {
    log?.error("events_rpc_failed", { eventId, error: (err as Error).message });
    throw new ApiError(503, "dependency_unavailable", "Event permissions could not be checked; try again");
  }
}

/** A refund is visible to the buyer, the event's organizer and admins; to anyone else it does not exist. */
export async function requireRefundReader(events: EventsApi, refund: RefundRow | undefined, who: Identity, log?: Logger): Promise<RefundRow> {
  if (!refund) throw refundNotFound();
  if (refund.buyerId === who.userId || isAdmin(who)) return refund;
  if (!(await isOrganizerOf(events, refund.eventId, who, log))) throw refundNotFound();
  return refund;
}

/** Acting on a refund (retry) is for the event's organizer and admins; the buyer may only read it (403). */
export async function requireRefundManager(events: EventsApi, refund: RefundRow | undefined, who: Identity, log?: Logger): Promise<RefundRow> {
  if (!refund) throw refundNotFound();
  if (isAdmin(who) || (await isOrganizerOf(events, refund.eventId, who, log))) return refund;
  if (refund.buyerId === who.userId) throw errors.forbidden("Only the event's organizer or an admin can retry a refund");
  throw refundNotFound();
}
