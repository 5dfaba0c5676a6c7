import type { ReminderKind } from "../db/schema";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * When each reminder goes out, as time left before the event's start:
 * - a cron run queues it while `queueUntil < left <= lead`. The cron runs every 15 minutes, so a
 *   late, doubled or missed run is caught by the next while that window is open (3 h for `24h`,
 *   the last 2 h for `2h`); the `24h` window closes 21 h before the start, long before the `2h`
 *   one opens, and nothing is queued once the event has started;
 * - the queue consumer still sends it only while `left > sendUntil` (reminderSkipReason), so a message that waited in
 *   the queue never brings a `24h` reminder once the `2h` one is due, nor anything after the start.
 */
export const REMINDER_SCHEDULE: Record<ReminderKind, { lead: number; queueUntil: number; sendUntil: number }> = {
  "24h": { lead: 24 * HOUR, queueUntil: 21 * HOUR, sendUntil: 2 * HOUR },
  "2h": { lead: 2 * HOUR, queueUntil: 0, sendUntil: 0 },
};

/** The reminder's durable identity: one message per (event, holder, kind) for a given start. */
export const reminderId = (eventId: string, userId: string, kind: ReminderKind, startsAtMs: number) => `${eventId}:${userId}:${kind}:${startsAtMs}`;

/** The window of starts, [from, to) as the tickets RPC takes it, whose `kind` reminders a run at `now` queues. */
export function queueWindow(kind: ReminderKind, now: number): { from: number; to: number } {
  const { lead, queueUntil } = REMINDER_SCHEDULE[kind];
  return { from: now + queueUntil + 1, to: now + lead + 1 };
}

/**
 * Why a queued reminder must not go out now, if it must not: too late for its kind (the 2 h one
 * is due, or the event started), or the event changed since the cron saw it (the events worker's
 * answer, when it gave one): cancelled, or moved, in which case later runs remind of the new start.
 */
export function reminderSkipReason(
  kind: ReminderKind,
  startsAtMs: number,
  now: number,
  event: { status: string; startsAt: string } | null,
): "too_late" | "not_published" | "rescheduled" | null {
  if (startsAtMs - now <= REMINDER_SCHEDULE[kind].sendUntil) return "too_late";
  if (event && event.status !== "published") return "not_published";
  if (event && Date.parse(event.startsAt) !== startsAtMs) return "rescheduled";
  return null;
}

export const minutesUntil = (startsAtMs: number, now: number) => Math.max(0, Math.round((startsAtMs - now) / MINUTE));
