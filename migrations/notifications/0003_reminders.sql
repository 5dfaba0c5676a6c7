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

-- Reminders the previous hourly job sent (source 'reminder:<eventId>:<start ISO>', one kind) count
-- as this start's 24 h reminder, so nobody hears it twice across the upgrade.
INSERT OR IGNORE INTO reminders (id, event_id, user_id, kind, starts_at, last_event_id, queued_at)
  SELECT event_id || ':' || user_id || ':24h:' || starts_at, event_id, user_id, '24h', starts_at, 'pre-0003:' || id, created_at
  FROM (
    SELECT id, user_id, created_at,
      substr(source_id, 10, instr(substr(source_id, 10), ':') - 1) AS event_id,
      CAST(round((julianday(substr(source_id, 10 + instr(substr(source_id, 10), ':'))) - 2440587.5) * 86400000) AS INTEGER) AS starts_at
    FROM notifications
    WHERE template = 'event_reminder' AND substr(source_id, 1, 9) = 'reminder:' AND user_id IS NOT NULL
  )
  WHERE starts_at IS NOT NULL;
