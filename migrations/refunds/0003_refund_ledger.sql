-- refunds: several refunds per order (organizer partial refunds), a lease for the one settler,
-- retries with backoff, and idempotency keys for callers that may ask twice (saga, cancellation).
-- SQLite cannot drop the old UNIQUE(order_id): the table is rebuilt.
CREATE TABLE refunds_v3 (
  id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  buyer_id TEXT NOT NULL,
  buyer_email TEXT,
  amount_vnd INTEGER NOT NULL,
  paid_vnd INTEGER,                -- what the order was paid in total when this refund was asked for
  reason TEXT NOT NULL,
  source TEXT NOT NULL,            -- buyer | automatic | organizer | admin | event_cancelled
  requested_by TEXT,               -- user id, or "system"
  request_key TEXT UNIQUE,         -- idempotency key of the request (automatic:<orderId>, a caller's own)
  status TEXT NOT NULL,            -- requested | processing | succeeded | failed
  response_code TEXT,
  message TEXT,
  failure_reason TEXT,             -- why it ended failed (VNPAY's refusal, or unreachable after the retries)
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,         -- requested: not to be claimed before (ms)
  lease_until INTEGER,             -- processing: the claimer's lease (ms); past it, another may claim
  lease_token TEXT,
  last_event_id TEXT,              -- stamp of the transition that wrote the outbox event
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
INSERT INTO refunds_v3 (id, order_id, event_id, buyer_id, buyer_email, amount_vnd, paid_vnd, reason, source, requested_by, request_key,
                        status, response_code, message, failure_reason, attempts, next_attempt_at, last_event_id, created_at, updated_at)
SELECT id, order_id, event_id, buyer_id, buyer_email, amount_vnd, NULL, reason, source,
       CASE source WHEN 'automatic' THEN 'system' ELSE buyer_id END,
       CASE source WHEN 'automatic' THEN 'automatic:' || order_id ELSE NULL END,
       status, response_code, message,
       CASE status WHEN 'failed' THEN COALESCE(response_code, '') || ': ' || COALESCE(message, '') ELSE NULL END,
       CASE status WHEN 'requested' THEN 0 ELSE 1 END, created_at, last_event_id, created_at, updated_at
FROM refunds;
DROP TABLE refunds;
ALTER TABLE refunds_v3 RENAME TO refunds;
CREATE INDEX refunds_by_buyer ON refunds(buyer_id, id);
CREATE INDEX refunds_by_order ON refunds(order_id, status);
CREATE INDEX refunds_due ON refunds(status, next_attempt_at);
