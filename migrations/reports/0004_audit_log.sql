-- Audit log of organizer and admin actions (AuditRecorded events from events, refunds, support).
-- id is the event envelope's id: a redelivered event inserts nothing.
CREATE TABLE IF NOT EXISTS audit_log (
  id TEXT PRIMARY KEY,
  at TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  ip TEXT,
  service TEXT NOT NULL,
  details TEXT,
  recorded_at INTEGER NOT NULL
);
-- Newest first, overall and per actor (the two ways GET /api/admin/audit reads it).
CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log(at DESC, id DESC);
CREATE INDEX IF NOT EXISTS audit_log_actor ON audit_log(actor_id, at DESC, id DESC);
