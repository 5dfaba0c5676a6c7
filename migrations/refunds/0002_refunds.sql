-- refunds: one refund per order (automatic ones from the checkout saga; buyer requests later)
CREATE TABLE IF NOT EXISTS refunds (
  id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL UNIQUE,
  event_id TEXT NOT NULL,
  buyer_id TEXT NOT NULL,
  buyer_email TEXT,
  amount_vnd INTEGER NOT NULL,
  reason TEXT NOT NULL,
  source TEXT NOT NULL,            -- automatic (saga) | buyer
  status TEXT NOT NULL,            -- requested | processing | succeeded | failed
  response_code TEXT,
  message TEXT,
  last_event_id TEXT,              -- stamp of the transition that wrote the outbox event
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS refunds_by_buyer ON refunds(buyer_id, id);
