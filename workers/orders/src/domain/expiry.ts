import { makeEvent, withTrace, type Logger } from "@tickets/common";
import type { Db } from "../db/client";
import type { InventoryApi } from "../ports";
import { loadOrder, stalePendingOrders, transition } from "./repo";

/** How long past its hold expiry an order may stay pending before the cron steps in. */
export const EXPIRY_GRACE_MS = 30_000;

/**
 * Safety net behind the inventory object's alarm (which sends HoldExpired): pending orders
 * whose hold ended a while ago are released (idempotent) and expired.
 */
export async function expireStaleOrders(db: Db, inventory: (eventId: string, buyerId: string) => InventoryApi, log: Logger, now = Date.now()) {
  const stale = await stalePendingOrders(db, now, EXPIRY_GRACE_MS);
  let expired = 0;
  for (const { id, eventId, buyerId } of stale) {
    // Each order's expiry in its own trace: the object's release and the log lines carry its id.
    await withTrace({ correlationId: id }, async () => {
      try {
        await inventory(eventId, buyerId).release(id);
        const order = await loadOrder(db, id);
        if (!order) return;
        const event = makeEvent(
          "OrderExpired",
          { orderId: id, eventId, buyerId: order.row.buyerId, buyerEmail: order.row.buyerEmail },
          { correlationId: id },
        );
        if (await transition(db, id, "expired", { from: ["pending_payment"], event })) {
          expired++;
          log.info("order_expired_by_cron", { orderId: id });
        }
      } catch (err) {
        log.error("expire_failed", { orderId: id, error: (err as Error).message });
      }
    });
  }
  return expired;
}
