import { ApiError, isAdmin, type Identity, type Logger } from "@tickets/common";
import type { RefundRow } from "../db/schema";
import type { EventsApi } from "../env";

const refundNotFound = () => new ApiError(404, "not_found", "Refund not found");

/** A refund is visible to the buyer, the event's organizer and admins; to anyone else it does not exist. */
export async function requireRefundReader(events: EventsApi, refund: RefundRow | undefined, who: Identity, log?: Logger): Promise<RefundRow> {
  if (!refund) throw refundNotFound();
  if (refund.buyerId === who.userId || isAdmin(who)) return refund;
  let isOrganizer: boolean;
  try {
    isOrganizer = (await events.getEventAccess(refund.eventId, who.userId)).isOrganizer;
  } catch (err) {
    log?.error("events_rpc_failed", { eventId: refund.eventId, error: (err as Error).message });
    throw new ApiError(503, "dependency_unavailable", "Event permissions could not be checked; try again");
  }
  if (!isOrganizer) throw refundNotFound();
  return refund;
}
