-- vnpay-sandbox (local VNPAY emulator): what "VNPAY" knows about payments it processed.

-- One row per completed payment page (paid, failed, cancelled or expired).
CREATE TABLE IF NOT EXISTS transactions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tmn_code TEXT NOT NULL,
  txn_ref TEXT NOT NULL,
  amount TEXT NOT NULL,              -- vnp_Amount as VNPAY counts it (VND x 100)
  order_info TEXT NOT NULL,
  create_date TEXT NOT NULL,         -- the payment URL's vnp_CreateDate
  return_url TEXT NOT NULL,
  response_code TEXT NOT NULL,
  transaction_status TEXT NOT NULL,
  transaction_no TEXT NOT NULL,
  bank_code TEXT NOT NULL,
  card_type TEXT NOT NULL,
  bank_tran_no TEXT,
  pay_date TEXT NOT NULL,
  result_query TEXT NOT NULL,        -- the signed parameters sent to the IPN and the return URL
  ipn_status TEXT NOT NULL DEFAULT 'pending' CHECK (ipn_status IN ('pending', 'confirmed', 'retrying', 'gave_up')),
  ipn_attempts INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS transactions_ref ON transactions(tmn_code, txn_ref);
-- Never charge one TxnRef twice.
CREATE UNIQUE INDEX IF NOT EXISTS transactions_one_success ON transactions(tmn_code, txn_ref) WHERE response_code = '00';
CREATE UNIQUE INDEX IF NOT EXISTS transactions_no ON transactions(transaction_no) WHERE transaction_no <> '0';

-- Every IPN call made to the merchant and what it answered.
CREATE TABLE IF NOT EXISTS ipn_deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  transaction_id INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  http_status INTEGER,
  rsp_code TEXT,
  message TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS ipn_deliveries_tx ON ipn_deliveries(transaction_id, attempt);

-- Refunds accepted through the merchant API (one per transaction).
CREATE TABLE IF NOT EXISTS refunds (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  transaction_id INTEGER NOT NULL UNIQUE,
  request_id TEXT NOT NULL,
  amount TEXT NOT NULL,
  transaction_type TEXT NOT NULL,
  create_by TEXT NOT NULL,
  transaction_no TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

-- querydr/refund request ids already seen (a repeated id is answered 94).
CREATE TABLE IF NOT EXISTS api_requests (
  tmn_code TEXT NOT NULL,
  request_id TEXT NOT NULL,
  command TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (tmn_code, request_id)
);
