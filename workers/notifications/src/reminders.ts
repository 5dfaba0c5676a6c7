import { makeEvent, publish, type Logger } from "@tickets/common";
import type { Env } from "./env";

const HOUR = 3600_000;
// The cron runs hourly; a two-hour window means a late or missed run still finds every event,
// and the per-(event start, recipient) idempotency key means nobody hears twice.
const WINDOW_FROM = 23 * HOUR;
const WINDOW_TO = 25 * HOUR;
const SEND_BATCH = 100;

/** Finds holders of tickets to events starting in about 24 h and queues one EventReminderDue per holder. */
export async function queueReminders(env: Env, now: number, log: Logger): Promise<number> {
  const events = await env.TICKETS_RPC.holdersForEventsStartingBetween(new Date(now + WINDOW_FROM).toISOString(), new Date(now + WINDOW_TO).toISOString());
  const due = events.flatMap((ev) =>
    ev.holders.map((h) =>
      makeEvent("EventReminderDue", { eventId: ev.eventId, buyerId: h.buyerId, buyerEmail: h.buyerEmail ?? undefined, startsAt: ev.startsAt, title: ev.title }),
    ),
  );
  for (let i = 0; i < due.length; i += SEND_BATCH) await publish(env, due.slice(i, i + SEND_BATCH));
  log.info("reminders_queued", { events: events.length, reminders: due.length });
  return due.length;
}
