import { WorkerEntrypoint } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { eq } from "drizzle-orm";
import { events } from "./db/schema";
import { isStaff } from "./domain/staff";
import { toIso } from "./domain/validate";
import { eventStatus } from "./domain/present";
import type { Env } from "./env";

export type EventAccess = { exists: boolean; organizerId: string | null; isOrganizer: boolean; isStaff: boolean };
export type RefundPolicy = { fullRefundUntilHours: number; partialRefundUntilHours: number; partialRefundPercent: number };
export type EventSummary = {
  id: string;
  title: string;
  venue: string;
  city: string | null;
  startsAt: string;
  endsAt: string;
  status: "draft" | "published" | "cancelled";
  organizerId: string;
  refundPolicy: RefundPolicy;
  categoryId: string | null;
  /** Why its organizer cancelled it (status cancelled), else null. */
  cancellationReason: string | null;
};

/** What other workers ask the events worker (bound as `services = [{ ..., entrypoint = "EventsRpc" }]`). */
export class EventsRpc extends WorkerEntrypoint<Env> {
  async getEventAccess(eventId: string, userId: string): Promise<EventAccess> {
    const db = drizzle(this.env.DB);
    const event = await db.select({ organizerId: events.organizerId }).from(events).where(eq(events.id, eventId)).get();
    if (!event) return { exists: false, organizerId: null, isOrganizer: false, isStaff: false };
    return {
      exists: true,
      organizerId: event.organizerId,
      isOrganizer: event.organizerId === userId,
      isStaff: await isStaff(db, eventId, userId),
    };
  }

  async getEventSummary(eventId: string): Promise<EventSummary | null> {
    const e = await drizzle(this.env.DB).select().from(events).where(eq(events.id, eventId)).get();
    if (!e) return null;
    return {
      id: e.id,
      title: e.title,
      venue: e.venue,
      city: e.city,
      startsAt: toIso(e.startsAt),
      endsAt: toIso(e.endsAt),
      status: eventStatus(e),
      organizerId: e.organizerId,
      refundPolicy: {
        fullRefundUntilHours: e.refundFullHours,
        partialRefundUntilHours: e.refundPartialHours,
        partialRefundPercent: e.refundPartialPercent,
      },
      categoryId: e.categoryId,
      cancellationReason: e.cancelledAt === null ? null : (e.cancellationReason ?? ""),
    };
  }
}
