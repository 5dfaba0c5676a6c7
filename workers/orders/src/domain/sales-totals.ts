import { and, eq, isNotNull, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { orderItems, orders } from "../db/schema";

export type TicketTypeSales = { eventId: string; ticketTypeId: string; ticketsSold: number; grossVnd: number };
export type EventOrderCount = { eventId: string; orders: number };

/**
 * What was sold, from the orders themselves: every order ever confirmed (whatever happened to it
 * later: refunds do not unsell), per event and ticket type, at the prices paid. The source of
 * truth reports reconciles its read model against (nightly, one pass over the orders).
 */
export async function salesTotals(db: Db, eventId?: string): Promise<{ byTicketType: TicketTypeSales[]; orders: EventOrderCount[] }> {
  const sold = eventId ? and(isNotNull(orders.confirmedAt), eq(orders.eventId, eventId)) : isNotNull(orders.confirmedAt);
  const [byTicketType, orderCounts] = await db.batch([
    db
      .select({
        eventId: orders.eventId,
        ticketTypeId: orderItems.ticketTypeId,
        ticketsSold: sql<number>`sum(${orderItems.quantity})`,
        grossVnd: sql<number>`sum(${orderItems.quantity} * ${orderItems.unitPriceVnd})`,
      })
      .from(orders)
      .innerJoin(orderItems, eq(orderItems.orderId, orders.id))
      .where(sold)
      .groupBy(orders.eventId, orderItems.ticketTypeId),
    db
      .select({ eventId: orders.eventId, orders: sql<number>`count(*)` })
      .from(orders)
      .where(sold)
      .groupBy(orders.eventId),
  ]);
  return { byTicketType, orders: orderCounts };
}
