-- orders: when the order was confirmed (sold). A refunded order may have been sold or may be a
-- late payment that was never confirmed and only given back; reports' nightly reconciliation
-- needs to tell them apart (OrdersRpc.salesTotals). Earlier confirmations are recovered from the
-- OrderConfirmed rows of the outbox.
ALTER TABLE orders ADD COLUMN confirmed_at INTEGER;
UPDATE orders SET confirmed_at = (
  SELECT MIN(created_at) FROM outbox WHERE outbox.type = 'OrderConfirmed' AND json_extract(outbox.envelope, '$.payload.orderId') = orders.id
) WHERE confirmed_at IS NULL;
