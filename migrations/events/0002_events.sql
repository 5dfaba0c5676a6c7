-- events, their ticket types, and the availability the inventory objects publish for listings
CREATE TABLE IF NOT EXISTS events (
  id TEXT PRIMARY KEY,
  organizer_id TEXT NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  venue TEXT NOT NULL,
  city TEXT,
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
  refund_full_hours INTEGER NOT NULL DEFAULT 72,
  refund_partial_hours INTEGER NOT NULL DEFAULT 0,
  refund_partial_percent INTEGER NOT NULL DEFAULT 0,
  revision INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  published_at INTEGER,
  CHECK (ends_at > starts_at)
);
CREATE INDEX IF NOT EXISTS events_public ON events(status, starts_at, id);
CREATE INDEX IF NOT EXISTS events_organizer ON events(organizer_id, starts_at, id);

CREATE TABLE IF NOT EXISTS ticket_types (
  id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL REFERENCES events(id),
  name TEXT NOT NULL,
  price_vnd INTEGER NOT NULL CHECK (price_vnd >= 0),
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  max_per_order INTEGER NOT NULL CHECK (max_per_order > 0),
  sales_start_at INTEGER,
  sales_end_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS ticket_types_event ON ticket_types(event_id, created_at, id);

-- Written by the EventInventory object (coalesced, at most about once a second per event).
CREATE TABLE IF NOT EXISTS ticket_availability (
  ticket_type_id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL,
  held INTEGER NOT NULL,
  sold INTEGER NOT NULL,
  version INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS ticket_availability_event ON ticket_availability(event_id);
