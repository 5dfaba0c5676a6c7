import { makeEvent, relayOutbox, stampedOutboxInsert, type Logger } from "@tickets/common";
import type { Env } from "./env";
import { dbOf } from "./db/client";
import { REMINDER_KINDS } from "./db/schema";
import { queueWindow, reminderId } from "./domain/reminder-schedule";

/** Every 15 minutes (UTC, as Cloudflare runs crons): see REMINDER_SCHEDULE for why that is enough. */
export const REMINDER_CRON = "*/15 * * * *";

const HOLDERS_PER_BATCH = 50;
const RELAY_LIMIT = 100;
const MAX_RELAY_ROUNDS = 100;

/**
 * Finds the ticket holders due a reminder at `now` and queues one EventReminderDue per (event,
 * holder, kind, start) ever: each is a `reminders` row plus its outbox envelope in one batch, the
 * envelope written only when the row is new. Then relays the outbox (also what an earlier run
 * could not send). Returns how many reminders this run queued.
 */
export async function queueReminders(env: Env, now: number, log: Logger): Promise<number> {
  const db = dbOf(env);
  let queued = 0;
  for (const kind of REMINDER_KINDS) {
    const { from, to } = queueWindow(kind, now);
    const events = await env.TICKETS_RPC.holdersForEventsStartingBetween(new Date(from).toISOString(), new Date(to).toISOString());
    for (const ev of events) {
      const startsAt = Date.parse(ev.startsAt);
      for (let i = 0; i < ev.holders.length; i += HOLDERS_PER_BATCH) {
        const statements = ev.holders.slice(i, i + HOLDERS_PER_BATCH).flatMap((h) => {
          const id = reminderId(ev.eventId, h.buyerId, kind, startsAt);
          const due = makeEvent("EventReminderDue", {
            eventId: ev.eventId,
            buyerId: h.buyerId,
            buyerEmail: h.buyerEmail ?? undefined,
            startsAt: ev.startsAt,
            title: ev.title,
            kind,
          });
          return [
            env.DB.prepare(
              `INSERT INTO reminders (id, event_id, user_id, kind, starts_at, last_event_id, queued_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`,
            ).bind(id, ev.eventId, h.buyerId, kind, startsAt, due.id, now),
            stampedOutboxInsert(env.DB, due, "reminders", id),
          ];
        });
        const results = await env.DB.batch(statements);
        queued += results.filter((r, n) => n % 2 === 1 && r.meta.changes === 1).length;
      }
    }
  }
  let relayed = 0;
  for (let round = 0; round < MAX_RELAY_ROUNDS; round++) {
    const sent = await relayOutbox(db, env, log, RELAY_LIMIT);
    relayed += sent;
    if (sent < RELAY_LIMIT) break;
  }
  log.info("reminders_queued", { queued, relayed });
  return queued;
}
