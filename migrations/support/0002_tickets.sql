-- support: tickets with threaded messages. Times are ms since the epoch.
CREATE TABLE IF NOT EXISTS support_tickets (
  id TEXT PRIMARY KEY,
  author_id TEXT NOT NULL,
  author_email TEXT NOT NULL,
  subject TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'pending', 'closed')),
  order_id TEXT,
  event_id TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  last_activity_at INTEGER NOT NULL
);
-- Lists: newest activity first, for everyone (admins), per author and per event.
CREATE INDEX IF NOT EXISTS support_tickets_activity ON support_tickets(last_activity_at, id);
CREATE INDEX IF NOT EXISTS support_tickets_author ON support_tickets(author_id, last_activity_at, id);
CREATE INDEX IF NOT EXISTS support_tickets_event ON support_tickets(event_id, last_activity_at, id);
-- The per-author rate limit on new tickets counts recent creations.
CREATE INDEX IF NOT EXISTS support_tickets_author_created ON support_tickets(author_id, created_at);

CREATE TABLE IF NOT EXISTS support_messages (
  id TEXT PRIMARY KEY,
  ticket_id TEXT NOT NULL REFERENCES support_tickets(id),
  author_id TEXT NOT NULL,
  author_role TEXT NOT NULL CHECK (author_role IN ('author', 'organizer', 'staff', 'admin')),
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS support_messages_ticket ON support_messages(ticket_id, created_at, id);
