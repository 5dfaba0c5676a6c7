import { WorkerEntrypoint } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { asc, eq } from "drizzle-orm";
import { events, ticketTypes } from "./db/schema";
import { isStaff, staffedEventIds } from "./domain/staff";
import { toIso } from "./domain/validate";
import { eventStatus } from "./domain/present";
import type { Env } from "./env";

/** `published`: visible to everyone; a draft exists only for its organizer, its staff and admins (callers must answer 404 to anyone else). */
export type EventAccess = { exists: boolean; published: boolean; organizerId: string | null; isOrganizer: boolean; isStaff: boolean };
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
    const event = await db.select({ organizerId: events.organizerId, status: events.status }).from(events).where(eq(events.id, eventId)).get();
    if (!event) return { exists: false, published: false, organizerId: null, isOrganizer: false, isStaff: false };
    return {
      exists: true,
      published: event.status === "published",
      organizerId: event.organizerId,
      isOrganizer: event.organizerId === userId,
      isStaff: await isStaff(this.env, db, eventId, userId),
    };
  }

  /**
   * Whether buyers can see the event (published or cancelled): orders asks before it touches the
   * event's inventory object. A draft answers false, so an order for someone's draft is the same
   * 404 event_not_found as one for an id that never existed (no existence oracle).
   */
  async eventExists(eventId: string): Promise<boolean> {
    const row = await drizzle(this.env.DB).select({ status: events.status }).from(events).where(eq(events.id, eventId)).get();
    return row !== undefined && row.status !== "draft";
  }

  /** Ids of the events this user organizes or is staff of (support lists the tickets about them). */
  async managedEventIds(userId: string): Promise<string[]> {
    const db = drizzle(this.env.DB);
    const [organized, staffed] = await Promise.all([
      db.select({ id: events.id }).from(events).where(eq(events.organizerId, userId)).all(),
      staffedEventIds(this.env, db, userId),
    ]);
    return [...new Set([...organized.map((r) => r.id), ...staffed])];
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

  /** An organizer's events (any status), for reports' organizer summary. */
  async listOrganizerEvents(organizerId: string): Promise<Array<{ id: string; title: string }>> {
    return drizzle(this.env.DB)
      .select({ id: events.id, title: events.title })
      .from(events)
      .where(eq(events.organizerId, organizerId))
      .orderBy(asc(events.startsAt), asc(events.id))
      .all();
  }

  /** An event's ticket types (id, current name), for reports to list the unsold ones too. */
  async listTicketTypes(eventId: string): Promise<Array<{ id: string; name: string }>> {
    return drizzle(this.env.DB)
      .select({ id: ticketTypes.id, name: ticketTypes.name })
      .from(ticketTypes)
      .where(eq(ticketTypes.eventId, eventId))
      .orderBy(asc(ticketTypes.id))
      .all();
  }
}
