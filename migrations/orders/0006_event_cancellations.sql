-- orders: an event cancellation's refund batch (one row per cancelled event), resumable: the
-- cursor is the last paid order id whose refund was requested; last_event_id is the step
-- message allowed to move it on (a duplicate or stale step changes nothing).
CREATE TABLE IF NOT EXISTS event_cancellations (
  id TEXT PRIMARY KEY,             -- the event id
  reason TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'completed')),
  total INTEGER NOT NULL,          -- paid orders when the batch started
  requested INTEGER NOT NULL DEFAULT 0,
  cursor TEXT NOT NULL DEFAULT '',
  last_event_id TEXT,
  started_at INTEGER NOT NULL,
  completed_at INTEGER,
  updated_at INTEGER NOT NULL
);
-- the batch pages an event's orders by status and id
CREATE INDEX IF NOT EXISTS orders_by_event_status ON orders(event_id, status, id);
