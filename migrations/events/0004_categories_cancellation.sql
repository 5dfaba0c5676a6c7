-- events: a category from the fixed taxonomy (workers/events/src/domain/categories.ts) and cancellation.
-- A cancelled event keeps status 'published'/'draft' in its column (the CHECK of 0002 predates
-- cancellation, and rebuilding a table other tables reference is not worth it in D1); the API
-- reports status "cancelled" whenever cancelled_at is set, and listings leave such events out.
ALTER TABLE events ADD COLUMN category_id TEXT;
ALTER TABLE events ADD COLUMN cancelled_at INTEGER;
ALTER TABLE events ADD COLUMN cancellation_reason TEXT;
ALTER TABLE events ADD COLUMN cancelled_by TEXT;
CREATE INDEX IF NOT EXISTS events_public_category ON events(category_id, status, starts_at, id);
