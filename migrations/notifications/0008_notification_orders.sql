-- The order a message is about (null for reminders, daily reports, support replies, an event's
-- cancellation notice), so the order's timeline (GET /api/orders/:id/timeline) can list the
-- messages it caused from this worker's own rows.
ALTER TABLE notifications ADD COLUMN order_id TEXT;
CREATE INDEX IF NOT EXISTS notifications_order ON notifications(order_id, created_at) WHERE order_id IS NOT NULL;
-- Rows written before this migration: the payment link's source names its order; the other
-- templates' sources are saga event ids, which this worker cannot map to an order.
UPDATE notifications SET order_id = substr(source_id, length('payment-link:') + 1) WHERE source_id LIKE 'payment-link:%' AND order_id IS NULL;
