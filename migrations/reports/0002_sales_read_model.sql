-- reports: the sales read model, fed by OrderConfirmed, RefundSucceeded and TicketCheckedIn.
-- Facts are kept per order, refund and ticket (the key makes a redelivered event a no-op); the
-- aggregates are bumped in the same D1 batch as the fact insert, guarded by the fact's `stamp`
-- (a fresh id that only the insert which really wrote the fact carries). Days are Vietnam days
-- (Asia/Ho_Chi_Minh, UTC+7, no daylight saving), 'YYYY-MM-DD'; times are ms since the epoch.

CREATE TABLE IF NOT EXISTS event_info (
  event_id TEXT PRIMARY KEY,
  organizer_id TEXT NOT NULL,
  title TEXT NOT NULL,
  refreshed_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS event_info_organizer ON event_info(organizer_id);

CREATE TABLE IF NOT EXISTS ticket_type_names (
  event_id TEXT NOT NULL,
  ticket_type_id TEXT NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY (event_id, ticket_type_id)
);

CREATE TABLE IF NOT EXISTS order_facts (
  order_id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL,
  confirmed_at INTEGER NOT NULL,
  day TEXT NOT NULL,
  total_vnd INTEGER NOT NULL,
  stamp TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS order_facts_event ON order_facts(event_id, day);

CREATE TABLE IF NOT EXISTS order_item_facts (
  order_id TEXT NOT NULL,
  ticket_type_id TEXT NOT NULL,
  unit_price_vnd INTEGER NOT NULL,
  quantity INTEGER NOT NULL,
  PRIMARY KEY (order_id, ticket_type_id)
);

-- applied_stamp: NULL until the refund was spread over its order's ticket types (needs the order fact).
CREATE TABLE IF NOT EXISTS refund_facts (
  refund_id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  amount_vnd INTEGER NOT NULL,
  succeeded_at INTEGER NOT NULL,
  day TEXT NOT NULL,
  applied_stamp TEXT
);
CREATE INDEX IF NOT EXISTS refund_facts_order ON refund_facts(order_id);
CREATE INDEX IF NOT EXISTS refund_facts_event ON refund_facts(event_id);

CREATE TABLE IF NOT EXISTS checkin_facts (
  ticket_id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  ticket_type_id TEXT NOT NULL,
  checked_in_at INTEGER NOT NULL,
  day TEXT NOT NULL,
  stamp TEXT NOT NULL
);

-- Aggregates the reports read (a few rows per event and day, whatever the number of orders).
CREATE TABLE IF NOT EXISTS sales_daily (
  event_id TEXT NOT NULL,
  ticket_type_id TEXT NOT NULL,
  day TEXT NOT NULL,
  tickets_sold INTEGER NOT NULL DEFAULT 0,
  gross_vnd INTEGER NOT NULL DEFAULT 0,
  refunded_vnd INTEGER NOT NULL DEFAULT 0,
  check_ins INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (event_id, ticket_type_id, day)
);
CREATE INDEX IF NOT EXISTS sales_daily_day ON sales_daily(day, event_id);

-- Orders per event and day (an order with two ticket types is one order).
CREATE TABLE IF NOT EXISTS orders_daily (
  event_id TEXT NOT NULL,
  day TEXT NOT NULL,
  orders INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (event_id, day)
);

-- The live chart: confirmed sales per minute (minute = floor(ms / 60000)); pruned after 48 hours.
CREATE TABLE IF NOT EXISTS sales_minutely (
  event_id TEXT NOT NULL,
  minute INTEGER NOT NULL,
  tickets_sold INTEGER NOT NULL DEFAULT 0,
  gross_vnd INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (event_id, minute)
);

CREATE TABLE IF NOT EXISTS reconciliation_runs (
  id TEXT PRIMARY KEY,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  status TEXT NOT NULL,            -- running | ok | drift | failed
  events_checked INTEGER NOT NULL DEFAULT 0,
  drift_count INTEGER NOT NULL DEFAULT 0,
  error TEXT
);
CREATE INDEX IF NOT EXISTS reconciliation_runs_started ON reconciliation_runs(started_at);

CREATE TABLE IF NOT EXISTS reconciliation_drifts (
  run_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  ticket_type_id TEXT NOT NULL,    -- '' for an event-wide figure
  metric TEXT NOT NULL,            -- ticketsSold | grossVnd | orders | refunds | refundsVnd | refundedVnd
  expected INTEGER NOT NULL,       -- what the owning worker (orders, refunds) says
  actual INTEGER NOT NULL,         -- what the read model says
  PRIMARY KEY (run_id, event_id, ticket_type_id, metric)
);

-- Daily organizer reports written (R2 key) and announced (the DailyReportReady outbox row).
CREATE TABLE IF NOT EXISTS daily_reports (
  organizer_id TEXT NOT NULL,
  day TEXT NOT NULL,
  r2_key TEXT NOT NULL,
  notice_id TEXT NOT NULL,         -- id of the DailyReportReady event (one per organizer and day)
  written_at INTEGER NOT NULL,
  PRIMARY KEY (organizer_id, day)
);
