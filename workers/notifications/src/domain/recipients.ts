import type { Logger } from "@tickets/common";
import type { AuthApi, EventsApi, Locale } from "../env";
import type { Recipient } from "./dispatch";

const DEFAULT_LOCALE: Locale = "vi";

/**
 * Who gets the message: the user's profile from auth (email, phone, language). If auth does not
 * know the user or cannot answer, the buyer email the saga event carried is used; with neither,
 * an auth failure is rethrown (the queue retries) and an unknown user gets nothing.
 */
export async function resolveRecipient(
  auth: AuthApi,
  who: { userId: string | null; email?: string | null; locale?: Locale | null },
  log: Logger,
): Promise<Recipient | null> {
  const fallback = who.email
    ? { userId: who.userId, email: who.email, phone: null, locale: who.locale ?? DEFAULT_LOCALE, name: null }
    : null;
  if (!who.userId) return fallback;
  try {
    const user = await auth.getUser(who.userId);
    if (user) {
      return {
        userId: user.id,
        email: user.email || who.email || null,
        phone: user.phone || null,
        locale: user.locale === "en" || user.locale === "vi" ? user.locale : (who.locale ?? DEFAULT_LOCALE),
        name: user.name || null,
      };
    }
    return fallback;
  } catch (err) {
    log.warn("auth_get_user_failed", { userId: who.userId, error: (err as Error).message });
    if (fallback) return fallback;
    throw err;
  }
}

/** Event title/venue/start (and status) for the message; messages still go out without them. */
export async function eventDetails(events: EventsApi, eventId: string | undefined, log: Logger) {
  if (!eventId) return null;
  try {
    const e = await events.getEventSummary(eventId);
    return e ? { title: e.title, venue: [e.venue, e.city].filter(Boolean).join(", "), startsAt: e.startsAt, status: e.status } : null;
  } catch (err) {
    log.warn("events_get_summary_failed", { eventId, error: (err as Error).message });
    return null;
  }
}
