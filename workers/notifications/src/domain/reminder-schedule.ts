import type { ReminderKind } from "../db/schema";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * When each reminder goes out, as time left before the event's start:
 * - a cron run queues it while `queueUntil < left <= lead`. The cron runs every 15 minutes, so a
 *   late, doubled or missed run is caught by the next while that window is open (3 h for `24h`,
 *   the last 2 h for `2h`); the `24h` window closes 21 h before the start, long before the `2h`
 *   one opens, and nothing is queued once the event has started;
 * - the queue consumer still sends it only while `left > sendUntil`, so a message that waited in
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

export function stillWorthSending(kind: ReminderKind, startsAtMs: number, now: number): boolean {
  return startsAtMs - now > REMINDER_SCHEDULE[kind].sendUntil;
}

export const minutesUntil = (startsAtMs: number, now: number) => Math.max(0, Math.round((startsAtMs - now) / MINUTE));
