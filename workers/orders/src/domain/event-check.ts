import { ApiError, retry, withTimeout } from "@tickets/common";
import type { Env } from "../env";

/** One eventExists call may take this long; it is tried twice. */
const EVENTS_TIMEOUT_MS = 2_000;
/** Events known to exist, per isolate: a sale's checkouts ask the events worker once per this long. */
const KNOWN_FOR_MS = 5 * 60_000;
const MAX_KNOWN = 10_000;
const known = new Map<string, number>();

/**
 * An order names an event buyers can see (published or cancelled: the inventory object itself
 * refuses a cancelled one with 409 not_on_sale), else 404 event_not_found, drafts included. Asked BEFORE the event's inventory object is touched:
 * `idFromName(anything).get()` would otherwise create (and store) an object for any string.
 * Only existence is cached; a missing event is asked again each time (it may be created later).
 */
export async function assertEventExists(env: Env, eventId: string): Promise<void> {
  const until = known.get(eventId);
  if (until !== undefined && until > Date.now()) return;
  let exists: boolean;
  try {
    exists = await retry(() => withTimeout(env.EVENTS_RPC.eventExists(eventId), EVENTS_TIMEOUT_MS, "events.eventExists"), { attempts: 2 });
  } catch {
    throw new ApiError(503, "events_unavailable", "The event cannot be checked right now; nothing was held. Retry with the same Idempotency-Key");
  }
  if (!exists) throw new ApiError(404, "event_not_found", "Event not found");
  if (known.size >= MAX_KNOWN) known.clear();
  known.set(eventId, Date.now() + KNOWN_FOR_MS);
}
