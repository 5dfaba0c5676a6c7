import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { eventInfo } from "../db/schema";
import type { EventsApi } from "../env";

/**
 * Title and organizer of an event the read model has figures for, asked of the events worker
 * once. A failing call throws, so the event that needed it is retried by the queue.
 */
export async function ensureEventInfo(db: Db, events: EventsApi, eventId: string): Promise<void> {
  const known = await db.select({ id: eventInfo.eventId }).from(eventInfo).where(eq(eventInfo.eventId, eventId)).get();
  if (known) return;
  const summary = await events.getEventSummary(eventId);
  if (!summary) throw new Error(`event ${eventId} unknown to the events worker`);
  await db
    .insert(eventInfo)
    .values({ eventId, organizerId: summary.organizerId, title: summary.title, refreshedAt: Date.now() })
    .onConflictDoUpdate({ target: eventInfo.eventId, set: { title: summary.title, organizerId: summary.organizerId, refreshedAt: Date.now() } });
}
