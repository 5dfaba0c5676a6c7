-- vnpay-sandbox: emulator-only IPN controls, so tests can lose an IPN (VNPAY's IPN is not
-- guaranteed) and prove the merchant finds the payment by querydr.
-- scope: a vnp_TxnRef, or '*' for every IPN. remaining NULL: until reset.
CREATE TABLE IF NOT EXISTS ipn_controls (
  scope TEXT PRIMARY KEY,
  mode TEXT NOT NULL CHECK (mode IN ('drop')),
  remaining INTEGER,
  created_at INTEGER NOT NULL
);
