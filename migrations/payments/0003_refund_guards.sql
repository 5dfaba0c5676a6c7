-- payments: refunds keyed by the refunds worker's refund id (several partial refunds per order),
-- at most one request in flight per order, and never more than was paid (guarded insert in code).
ALTER TABLE payment_refunds ADD COLUMN refund_id TEXT;
CREATE INDEX IF NOT EXISTS payment_refunds_refund ON payment_refunds(refund_id, status);
-- Rows left pending by a crash before this migration: keep the newest per order as the one in flight.
UPDATE payment_refunds SET status = 'failed', message = 'Superseded: outcome never recorded'
WHERE status = 'pending' AND id NOT IN (SELECT MAX(id) FROM payment_refunds WHERE status = 'pending' GROUP BY order_id);
-- One refund request in flight per order: a second one waits until the first is decided.
CREATE UNIQUE INDEX IF NOT EXISTS payment_refunds_one_pending ON payment_refunds(order_id) WHERE status = 'pending';
