-- Contact details are verified before they get SMS (organizer-chosen text must not reach a
-- number its owner never proved: SMS pumping, phishing), and every address gets at most a few
-- messages an hour.
-- A phone number its user proved with a code (POST /api/notifications/contacts/phone/verification[/confirm]).
CREATE TABLE IF NOT EXISTS verified_contacts (
  user_id TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('sms')),
  address TEXT NOT NULL,
  verified_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, channel, address)
);
-- The code waiting to be confirmed (its SHA-256, never the code), one per user and channel.
CREATE TABLE IF NOT EXISTS contact_verifications (
  user_id TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('sms')),
  address TEXT NOT NULL,
  code_hash TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, channel)
);
-- The per-recipient throttle counts an address's recent messages.
CREATE INDEX IF NOT EXISTS notifications_recipient_recent ON notifications(recipient, created_at);
