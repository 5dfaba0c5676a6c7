-- Delivery confirmed by effect (packages/common/src/delivery.ts): which subscriber inboxes
-- confirmed receipt of a sent row, when all did, and how often the cron re-sent it.
ALTER TABLE outbox ADD COLUMN delivered_to TEXT;
ALTER TABLE outbox ADD COLUMN delivered_at INTEGER;
ALTER TABLE outbox ADD COLUMN resends INTEGER NOT NULL DEFAULT 0;
-- Rows sent before receipts existed count as delivered: nothing can confirm them now.
UPDATE outbox SET delivered_at = sent_at WHERE sent_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS outbox_undelivered ON outbox(sent_at) WHERE sent_at IS NOT NULL AND delivered_at IS NULL;
