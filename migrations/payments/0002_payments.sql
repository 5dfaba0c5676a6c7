-- payments: VNPAY payment attempts, outcomes (from IPN), every callback received, refunds.

-- One row per payment URL built (vnp_TxnRef = order_id; an order may get several URLs).
CREATE TABLE IF NOT EXISTS payment_attempts (
  id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL,
  amount_vnd INTEGER NOT NULL,
  order_info TEXT NOT NULL,
  locale TEXT NOT NULL,
  client_ip TEXT NOT NULL,
  create_date TEXT NOT NULL,      -- vnp_CreateDate, yyyyMMddHHmmss GMT+7 (refund's TransactionDate)
  expire_date TEXT NOT NULL,      -- vnp_ExpireDate, yyyyMMddHHmmss GMT+7
  expires_at INTEGER NOT NULL,    -- ms epoch
  host TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS payment_attempts_order ON payment_attempts(order_id, created_at);

-- Outcomes reported by VNPAY's IPN. id is the paymentId carried by the saga events.
CREATE TABLE IF NOT EXISTS payment_results (
  id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('succeeded', 'failed')),
  amount_vnd INTEGER NOT NULL,
  response_code TEXT NOT NULL,
  transaction_status TEXT NOT NULL,
  transaction_no TEXT NOT NULL,
  bank_code TEXT,
  card_type TEXT,
  bank_tran_no TEXT,
  pay_date TEXT NOT NULL,
  transaction_date TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
-- At most one success per order: concurrent duplicate IPNs cannot both record (and emit) it.
CREATE UNIQUE INDEX IF NOT EXISTS payment_results_one_success ON payment_results(order_id) WHERE outcome = 'succeeded';
-- The same VNPAY notification is recorded once.
CREATE UNIQUE INDEX IF NOT EXISTS payment_results_once ON payment_results(order_id, transaction_no, pay_date, response_code);

-- Audit trail: every IPN and browser return, with what we answered (rejections included).
CREATE TABLE IF NOT EXISTS payment_callbacks (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('ipn', 'return')),
  order_id TEXT,
  params TEXT NOT NULL,
  verified INTEGER NOT NULL,
  answer_code TEXT NOT NULL,
  answer_message TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS payment_callbacks_order ON payment_callbacks(order_id, created_at);

-- Refund requests sent to VNPAY and their verified answers.
CREATE TABLE IF NOT EXISTS payment_refunds (
  id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL,
  payment_id TEXT NOT NULL,
  request_id TEXT NOT NULL UNIQUE,
  amount_vnd INTEGER NOT NULL,
  transaction_type TEXT NOT NULL,
  reason TEXT NOT NULL,
  requested_by TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  response_code TEXT,
  message TEXT,
  response TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS payment_refunds_order ON payment_refunds(order_id, created_at);
