-- payments: reconciliation. Each payment attempt whose IPN has not arrived is checked with
-- VNPAY's querydr on a schedule (src/domain/reconcile.ts); NULL next_check_at: nothing to ask.
ALTER TABLE payment_attempts ADD COLUMN next_check_at INTEGER;
ALTER TABLE payment_attempts ADD COLUMN checks INTEGER NOT NULL DEFAULT 0;
ALTER TABLE payment_attempts ADD COLUMN last_check TEXT;
CREATE INDEX IF NOT EXISTS payment_attempts_next_check ON payment_attempts(next_check_at) WHERE next_check_at IS NOT NULL;
-- Attempts of the last day without any recorded outcome are checked from now on.
UPDATE payment_attempts SET next_check_at = unixepoch() * 1000
WHERE created_at > unixepoch() * 1000 - 86400000
  AND NOT EXISTS (SELECT 1 FROM payment_results r WHERE r.order_id = payment_attempts.order_id);
