import { eq } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { errors, isAdmin, requireRole, type Identity } from "@tickets/common";
import { events, type EventRow } from "../db/schema";

export type Db = DrizzleD1Database<Record<string, unknown>>;

export const ownsOrAdmin = (identity: Identity | null | undefined, event: EventRow) =>
  !!identity && (identity.userId === event.organizerId || isAdmin(identity));

/**
 * Drafts are visible to their organizer and admins only; to anyone else they do not exist. A
 * cancelled event that was published stays visible (its page shows status cancelled).
 */
export async function loadVisibleEvent(db: Db, id: string, identity: Identity | null): Promise<EventRow> {
  const event = await db.select().from(events).where(eq(events.id, id)).get();
  if (!event || (event.status !== "published" && !ownsOrAdmin(identity, event))) throw errors.notFound("Event");
  return event;
}

/** For changes: organizers and admins only (others 401/403); another organizer's event is 404. */
export async function loadManagedEvent(db: Db, id: string, identity: Identity | null): Promise<{ event: EventRow; who: Identity }> {
  const who = requireRole(identity, "organizer", "admin");
  const event = await db.select().from(events).where(eq(events.id, id)).get();
  if (!event || !ownsOrAdmin(who, event)) throw errors.notFound("Event");
  return { event, who };
}

/** For edits: a cancelled event is final (409 invalid_state). */
export async function loadEditableEvent(db: Db, id: string, identity: Identity | null): Promise<{ event: EventRow; who: Identity }> {
  const found = await loadManagedEvent(db, id, identity);
  if (found.event.cancelledAt !== null) throw errors.invalidState("This event is cancelled; it can no longer be changed");
  return found;
}
