-- payments: callback audit rows are pruned after 90 days (src/domain/callbacks.ts pruneCallbacks).
CREATE INDEX IF NOT EXISTS payment_callbacks_created ON payment_callbacks(created_at);
