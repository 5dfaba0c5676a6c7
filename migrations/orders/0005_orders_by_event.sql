-- An event's orders for its organizer (GET /api/orders?eventId=), newest first.
CREATE INDEX IF NOT EXISTS orders_by_event_created ON orders(event_id, created_at, id);
