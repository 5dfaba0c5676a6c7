import { and, eq, ne } from "drizzle-orm";
import type { Envelope } from "@tickets/common";
import { tickets, voidedOrders } from "../db/schema";
import type { Db } from "./tickets";

/**
 * RefundSucceeded → every ticket of the order becomes void (a check-in racing this is settled
 * by the guarded updates: whichever lands first wins). The order is remembered so tickets
 * issued by a late OrderConfirmed are never valid.
 */
export async function voidOrderTickets(db: Db, event: Envelope<"RefundSucceeded">, now = Date.now()): Promise<number> {
  const { orderId, refundId } = event.payload;
  const [, update] = await db.batch([
    db.insert(voidedOrders).values({ orderId, refundId, voidedAt: now }).onConflictDoNothing(),
    db.update(tickets).set({ status: "void", voidedAt: now }).where(and(eq(tickets.orderId, orderId), ne(tickets.status, "void"))),
  ]);
  return (update as D1Result).meta.changes;
}
