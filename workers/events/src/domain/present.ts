import { inArray } from "drizzle-orm";
import { ticketAvailability, type EventRow, type TicketTypeRow } from "../db/schema";
import type { Db } from "./access";
import type { CategoryId } from "./categories";
import { toIso, toIsoOrNull } from "./validate";

/** Rows → the API's JSON (ISO times, refund policy as one object). */

/** The status the API shows: cancellation (a column of its own, see migration 0004) wins. */
export const eventStatus = (e: Pick<EventRow, "status" | "cancelledAt">) => (e.cancelledAt === null ? e.status : ("cancelled" as const));

export function eventJson(e: EventRow) {
  return {
    id: e.id,
    organizerId: e.organizerId,
    status: eventStatus(e),
    title: e.title,
    description: e.description,
    venue: e.venue,
    city: e.city,
    categoryId: e.categoryId as CategoryId | null,
    startsAt: toIso(e.startsAt),
    endsAt: toIso(e.endsAt),
    refundPolicy: {
      fullRefundUntilHours: e.refundFullHours,
      partialRefundUntilHours: e.refundPartialHours,
      partialRefundPercent: e.refundPartialPercent,
    },
    createdAt: toIso(e.createdAt),
    updatedAt: toIso(e.updatedAt),
    publishedAt: toIsoOrNull(e.publishedAt),
    cancellation: e.cancelledAt === null ? null : { cancelledAt: toIso(e.cancelledAt), reason: e.cancellationReason ?? "" },
    queue: queueJson(e),
  };
}

/** The room is on when the organizer enabled it, an admin forced it, or demand switched it on. */
export const queueActive = (e: Pick<EventRow, "queueEnabled" | "queueForced" | "queueAutoAt">) => e.queueEnabled || e.queueForced || e.queueAutoAt !== null;

export function queueJson(e: EventRow) {
  return {
    enabled: e.queueEnabled,
    admitPerMinute: e.queueAdmitPerMinute,
    forced: e.queueForced,
    autoThresholdPerMinute: e.queueAutoThreshold,
    autoEnabledAt: toIsoOrNull(e.queueAutoAt),
    active: queueActive(e),
  };
}

export type Counts = { held: number; sold: number };

export const availableOf = (t: Pick<TicketTypeRow, "quantity">, c?: Counts) => Math.max(0, t.quantity - (c?.held ?? 0) - (c?.sold ?? 0));

export function ticketTypeJson(t: TicketTypeRow, counts?: Counts) {
  return {
    id: t.id,
    eventId: t.eventId,
    name: t.name,
    priceVnd: t.priceVnd,
    quantity: t.quantity,
    available: availableOf(t, counts),
    maxPerOrder: t.maxPerOrder,
    salesStartAt: toIsoOrNull(t.salesStartAt),
    salesEndAt: toIsoOrNull(t.salesEndAt),
  };
}

/** Held/sold per ticket type as the inventory objects last published them (≈ 1 s behind). */
export async function publishedCounts(db: Db, eventIds: string[]): Promise<Map<string, Counts>> {
  if (eventIds.length === 0) return new Map();
  const rows = await db.select().from(ticketAvailability).where(inArray(ticketAvailability.eventId, eventIds));
  return new Map(rows.map((r) => [r.ticketTypeId, { held: r.held, sold: r.sold }]));
}
