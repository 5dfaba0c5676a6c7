-- notifications: every message we send (or tried to), and the local driver's delivery log
CREATE TABLE IF NOT EXISTS notifications (
  id TEXT PRIMARY KEY,
  source_id TEXT NOT NULL,            -- the saga event (or reminder) that caused it
  template TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
  recipient TEXT NOT NULL,            -- email address or phone number
  user_id TEXT,                       -- whose inbox lists it (GET /api/notifications)
  locale TEXT NOT NULL,
  subject TEXT NOT NULL,
  body_text TEXT NOT NULL,
  body_html TEXT,
  status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  provider_id TEXT,
  claimed_until INTEGER,              -- a sender's lease, so two deliveries never send one row twice
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  sent_at INTEGER
);
-- Sending is idempotent per (cause, template, recipient, channel).
CREATE UNIQUE INDEX IF NOT EXISTS notifications_once ON notifications(source_id, template, recipient, channel);
CREATE INDEX IF NOT EXISTS notifications_user ON notifications(user_id, id);

-- What the "local" channel drivers delivered (development and tests: nothing leaves the machine).
CREATE TABLE IF NOT EXISTS local_outbox (
  id TEXT PRIMARY KEY,                -- the notification id
  channel TEXT NOT NULL,
  recipient TEXT NOT NULL,
  subject TEXT NOT NULL,
  body_text TEXT NOT NULL,
  body_html TEXT,
  created_at INTEGER NOT NULL
);
