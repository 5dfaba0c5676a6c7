-- orders: the order id is derived from (buyer, Idempotency-Key) (workers/orders/src/domain/order-id.ts),
-- so the orders primary key deduplicates checkout retries and the separate claim table goes away.
-- body_hash: the canonical request's SHA-256, so a key reused with another body answers 422.
ALTER TABLE orders ADD COLUMN body_hash TEXT NOT NULL DEFAULT '';
-- Ids are no longer time-ordered: a buyer's list pages by creation time.
DROP INDEX IF EXISTS orders_by_buyer;
CREATE INDEX IF NOT EXISTS orders_by_buyer_created ON orders(buyer_id, created_at, id);
DROP TABLE IF EXISTS idempotency_keys;
