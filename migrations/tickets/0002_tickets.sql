-- tickets: issued tickets, refunded orders, and a snapshot of event schedules (for reminders)
CREATE TABLE IF NOT EXISTS tickets (
  id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  ticket_type_id TEXT NOT NULL,
  ticket_type_name TEXT,
  seat_index INTEGER NOT NULL,
  owner_id TEXT NOT NULL,
  owner_email TEXT,
  code TEXT NOT NULL,
  kid TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  status TEXT NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'checked_in', 'void')),
  issued_at INTEGER NOT NULL,
  checked_in_at INTEGER,
  checked_in_by TEXT,
  voided_at INTEGER
);
-- One ticket per seat bought: a redelivered OrderConfirmed can never issue a second set.
CREATE UNIQUE INDEX IF NOT EXISTS tickets_seat ON tickets(order_id, ticket_type_id, seat_index);
CREATE INDEX IF NOT EXISTS tickets_event ON tickets(event_id, ticket_type_id);
CREATE INDEX IF NOT EXISTS tickets_owner ON tickets(owner_id, id);

-- Orders whose refund succeeded: their tickets are void, even if issuance arrives late.
CREATE TABLE IF NOT EXISTS voided_orders (
  order_id TEXT PRIMARY KEY,
  refund_id TEXT NOT NULL,
  voided_at INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS event_info (
  event_id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  venue TEXT NOT NULL,
  starts_at INTEGER NOT NULL,
  status TEXT NOT NULL,
  refreshed_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS event_info_starts ON event_info(starts_at);
