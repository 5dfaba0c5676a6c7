-- Staff are invited by email and can be revoked. The old grant (event_staff) answered with the
-- account's id and name, so it told an organizer whether an email had an account, and had no
-- way back. An invite names an address; the account with that address (now or once it signs up)
-- is staff of the event; user_id is filled in when that account is first known.
CREATE TABLE IF NOT EXISTS staff_invites (
  id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL REFERENCES events(id),
  email TEXT NOT NULL,
  user_id TEXT,
  invited_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (event_id, email)
);
CREATE INDEX IF NOT EXISTS staff_invites_user ON staff_invites(user_id) WHERE user_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS staff_invites_pending ON staff_invites(email) WHERE user_id IS NULL;
INSERT OR IGNORE INTO staff_invites (id, event_id, email, user_id, invited_by, created_at)
  SELECT 'stf' || lower(hex(randomblob(12))), event_id, lower(trim(email)), user_id, granted_by, created_at FROM event_staff;
DROP TABLE IF EXISTS event_staff;
