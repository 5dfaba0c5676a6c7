-- notifications: every event reminder ever queued. The id is (event, holder, kind, start), so a
-- cron run that is late, doubled or repeated after a missed one queues each reminder once; the
-- EventReminderDue envelope goes into the outbox in the same batch, only when this row was new.
CREATE TABLE IF NOT EXISTS reminders (
  id TEXT PRIMARY KEY,                -- <eventId>:<userId>:<kind>:<startsAt ms>
  event_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('24h', '2h')),
  starts_at INTEGER NOT NULL,         -- the start it reminds of (a rescheduled event is reminded again)
  last_event_id TEXT NOT NULL,        -- the EventReminderDue envelope queued for it (outbox stamp)
  queued_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS reminders_event ON reminders(event_id, kind);
