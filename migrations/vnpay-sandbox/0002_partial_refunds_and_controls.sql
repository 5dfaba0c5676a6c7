-- vnpay-sandbox: several (partial) refunds per transaction, up to the amount paid, and the
-- emulator-only refund controls tests use to make VNPAY refuse or time out.
CREATE TABLE refunds_v2 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  transaction_id INTEGER NOT NULL,
  request_id TEXT NOT NULL,
  amount TEXT NOT NULL,
  transaction_type TEXT NOT NULL,
  create_by TEXT NOT NULL,
  transaction_no TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
INSERT INTO refunds_v2 SELECT id, transaction_id, request_id, amount, transaction_type, create_by, transaction_no, created_at FROM refunds;
DROP TABLE refunds;
ALTER TABLE refunds_v2 RENAME TO refunds;
CREATE INDEX refunds_tx ON refunds(transaction_id);
CREATE UNIQUE INDEX refunds_request ON refunds(request_id);

-- scope: a vnp_TxnRef, or '*' for every refund. remaining NULL: until reset.
CREATE TABLE IF NOT EXISTS refund_controls (
  scope TEXT PRIMARY KEY,
  mode TEXT NOT NULL CHECK (mode IN ('refuse', 'timeout', 'unavailable')),
  remaining INTEGER,
  code TEXT NOT NULL DEFAULT '99',
  delay_ms INTEGER NOT NULL DEFAULT 30000,
  created_at INTEGER NOT NULL
);
