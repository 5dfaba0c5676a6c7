-- orders: orders, their items and the idempotency keys of POST /api/orders
CREATE TABLE IF NOT EXISTS orders (
  id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL,
  buyer_id TEXT NOT NULL,
  buyer_email TEXT NOT NULL,
  status TEXT NOT NULL,
  total_vnd INTEGER NOT NULL,
  hold_expires_at INTEGER NOT NULL,
  payment_url TEXT,
  payment_id TEXT,
  paid_amount_vnd INTEGER,
  transaction_no TEXT,
  paid_at INTEGER,
  note TEXT,
  -- id of the saga event written by the transition that last changed this row; lets the outbox
  -- insert in the same batch fire only when that guarded update actually changed the row
  last_event_id TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS orders_by_buyer ON orders(buyer_id, id);
CREATE INDEX IF NOT EXISTS orders_by_status_expiry ON orders(status, hold_expires_at);

CREATE TABLE IF NOT EXISTS order_items (
  order_id TEXT NOT NULL,
  ticket_type_id TEXT NOT NULL,
  name TEXT NOT NULL,
  unit_price_vnd INTEGER NOT NULL,
  quantity INTEGER NOT NULL,
  PRIMARY KEY (order_id, ticket_type_id)
);

-- status: pending (claimed, order being placed) | done (order written) | failed (hold refused: error kept)
CREATE TABLE IF NOT EXISTS idempotency_keys (
  buyer_id TEXT NOT NULL,
  key TEXT NOT NULL,
  body_hash TEXT NOT NULL,
  order_id TEXT NOT NULL,
  status TEXT NOT NULL,
  error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (buyer_id, key)
);
