-- orders: initial schema
CREATE TABLE IF NOT EXISTS outbox (id TEXT PRIMARY KEY, type TEXT NOT NULL, envelope TEXT NOT NULL, created_at INTEGER NOT NULL, sent_at INTEGER, attempts INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS outbox_unsent ON outbox(sent_at, created_at);
CREATE TABLE IF NOT EXISTS processed_events (event_id TEXT PRIMARY KEY, type TEXT NOT NULL, processed_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS dead_letters (id TEXT PRIMARY KEY, queue TEXT NOT NULL, body TEXT NOT NULL, received_at INTEGER NOT NULL);
