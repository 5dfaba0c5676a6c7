import { timelineItem, type TimelineItem } from "@tickets/common";
import { eq } from "drizzle-orm";
import type { Db } from "./tickets";
import { voidedOrders, type TicketRow } from "../db/schema";
import { ticketsOfOrder } from "./tickets";

const SERVICE = "tickets";

/** Tickets stamped with the same time were written together: one step per batch. */
function byTime(rows: TicketRow[], at: (r: TicketRow) => number | null): Map<number, TicketRow[]> {
  const groups = new Map<number, TicketRow[]>();
  for (const r of rows) {
    const t = at(r);
    if (t !== null) groups.set(t, [...(groups.get(t) ?? []), r]);
  }
  return groups;
}

const ticketRef = (r: TicketRow) => ({ id: r.id, ticketTypeId: r.ticketTypeId, ticketTypeName: r.ticketTypeName ?? undefined });

/**
 * The tickets side of an order's story, from its own rows: issued (one step per issuing batch),
 * each check-in (who scanned it: full view only, the orders worker decides), and voided.
 */
export async function ticketTimeline(db: Db, orderId: string): Promise<TimelineItem[]> {
  const [rows, voided] = await Promise.all([ticketsOfOrder(db, orderId), db.select().from(voidedOrders).where(eq(voidedOrders.orderId, orderId)).get()]);
  const items: TimelineItem[] = [];
  for (const [at, group] of byTime(rows, (r) => r.issuedAt)) {
    items.push(timelineItem(at, SERVICE, "tickets_issued", { count: group.length, tickets: group.map(ticketRef) }));
  }
  for (const r of rows) {
    if (r.checkedInAt !== null) items.push(timelineItem(r.checkedInAt, SERVICE, "checked_in", { ticket: ticketRef(r), checkedInBy: r.checkedInBy }));
  }
  for (const [at, group] of byTime(rows, (r) => r.voidedAt)) {
    items.push(timelineItem(at, SERVICE, "tickets_voided", { count: group.length, refundId: voided?.refundId, tickets: group.map(ticketRef) }));
  }
  return items;
}
