-- notifications: the Web Push channel.
-- Browsers' push subscriptions, one per endpoint (a browser profile); the endpoint is the key, so
-- subscribing again (or as another user on the same browser) updates the row instead of adding one.
CREATE TABLE IF NOT EXISTS push_subscriptions (
  endpoint TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  p256dh TEXT NOT NULL,               -- the browser's P-256 public key (base64url, 65 bytes)
  auth TEXT NOT NULL,                 -- its 16-byte auth secret (base64url)
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS push_subscriptions_user ON push_subscriptions(user_id);

-- Messages gain the 'push' channel (recipient = the subscription endpoint), a 'dropped' status (a
-- push subscription the push service said is gone: never retried) and the link a push opens.
-- SQLite cannot change a CHECK constraint, so the table is rebuilt with its rows.
CREATE TABLE notifications_v2 (
  id TEXT PRIMARY KEY,
  source_id TEXT NOT NULL,
  template TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'push')),
  recipient TEXT NOT NULL,            -- email address, phone number or push endpoint
  user_id TEXT,
  locale TEXT NOT NULL,
  subject TEXT NOT NULL,
  body_text TEXT NOT NULL,
  body_html TEXT,
  status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed', 'dropped')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  provider_id TEXT,
  claimed_until INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  sent_at INTEGER,
  url TEXT                            -- push: the page the notification opens
);
INSERT INTO notifications_v2 (id, source_id, template, channel, recipient, user_id, locale, subject, body_text, body_html, status, attempts, last_error, provider_id, claimed_until, created_at, updated_at, sent_at)
  SELECT id, source_id, template, channel, recipient, user_id, locale, subject, body_text, body_html, status, attempts, last_error, provider_id, claimed_until, created_at, updated_at, sent_at FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_v2 RENAME TO notifications;
CREATE UNIQUE INDEX IF NOT EXISTS notifications_once ON notifications(source_id, template, recipient, channel);
CREATE INDEX IF NOT EXISTS notifications_user ON notifications(user_id, id);
