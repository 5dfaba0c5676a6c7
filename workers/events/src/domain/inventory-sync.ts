import { and, eq, sql, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { ApiError, createLogger, outboxInsertIf, type Envelope } from "@tickets/common";
import { loadInventoryConfig } from "../../../../durable-objects/inventory/events-db";
import type { Availability, InventoryConfig } from "../../../../durable-objects/event-inventory";
import { events, type EventRow, type TicketTypeRow } from "../db/schema";
import type { Env } from "../env";
import type { Db } from "./access";
import { queueActive } from "./present";
import { configureRoom } from "./waiting-room";

const log = createLogger({ service: "events", component: "inventory-sync" });

/** A change the object accepted but whose D1 write never landed is abandoned after this long. */
const ABANDONED_CHANGE_MS = 30_000;

export const inventoryOf = (env: Env, eventId: string) => env.INVENTORY.get(env.INVENTORY.idFromName(eventId));

export function toInventoryConfig(event: EventRow, types: TicketTypeRow[], revision: number): InventoryConfig {
  return {
    eventId: event.id,
    revision,
    status: event.cancelledAt === null ? event.status : "cancelled",
    startsAt: event.startsAt,
    endsAt: event.endsAt,
    ticketTypes: types.map((t) => ({
      id: t.id,
      name: t.name,
      priceVnd: t.priceVnd,
      quantity: t.quantity,
      maxPerOrder: t.maxPerOrder,
      salesStartAt: t.salesStartAt,
      salesEndAt: t.salesEndAt,
    })),
    queue: { on: queueActive(event), autoThresholdPerMinute: event.queueAutoThreshold },
  };
}

/** Overwrites the object's configuration with what D1 says (after a failed or lost write). */
export async function resyncInventory(env: Env, eventId: string) {
  const cfg = await loadInventoryConfig(env.DB, eventId);
  if (cfg) await inventoryOf(env, eventId).configure(cfg);
}

export type Change = {
  /** The event as read; its revision is what this change builds on. */
  event: EventRow;
  /** The event and all its ticket types as they will be. */
  next: { event: EventRow; types: TicketTypeRow[] };
  /** Columns to set on the event row besides revision and updatedAt. */
  eventFields?: Partial<
    Pick<
      EventRow,
      | "title" | "description" | "venue" | "city" | "categoryId" | "startsAt" | "endsAt" | "status" | "publishedAt"
      | "refundFullHours" | "refundPartialHours" | "refundPartialPercent"
      | "queueEnabled" | "queueAdmitPerMinute" | "queueForced" | "queueAutoThreshold" | "queueAutoAt"
    >
  >;
  /** Ticket type writes, each made conditional on `guard` (the event still at the read revision). */
  writes?: (guard: SQL) => BatchItem<"sqlite">[];
  /** The organizer/admin action, written to the outbox only if this change's own update landed. */
  audit?: Envelope<"AuditRecorded">;
};

/**
 * Every change to an event or its ticket types goes through here, so the inventory object and
 * D1 agree: the object first (compare-and-set on the revision; it refuses a quantity below what
 * is sold or held, atomically with holds), then one D1 batch guarded by the same revision. If
 * the D1 write fails, the object is re-synced from D1.
 */
export async function commitChange(env: Env, db: Db, change: Change): Promise<Availability[]> {
  const { event } = change;
  const base = event.revision;
  const cfg = toInventoryConfig(change.next.event, change.next.types, base + 1);
  const stub = inventoryOf(env, event.id);
  let res = await stub.configure(cfg, { baseRevision: base });
  if (!res.ok && res.code === "revision_conflict" && Date.now() - res.configuredAt > ABANDONED_CHANGE_MS) {
    await resyncInventory(env, event.id);
    res = await stub.configure(cfg, { baseRevision: base });
  }
  if (!res.ok) {
    if (res.code === "quantity_below_sold_or_held") throw new ApiError(409, res.code, res.message, res.details);
    throw editConflict();
  }

  const guard = sql`exists (select 1 from events where id = ${event.id} and revision = ${base})`;
  let bumped = 0;
  try {
    const writes = change.writes?.(guard) ?? [];
    const updatedAt = change.next.event.updatedAt;
    const results = await db.batch([
      ...writes,
      db
        .update(events)
        .set({ ...change.eventFields, revision: base + 1, updatedAt })
        .where(and(eq(events.id, event.id), eq(events.revision, base))),
      ...(change.audit ? [auditIfBumped(db, change.audit, event.id, base + 1, updatedAt)] : []),
    ] as unknown as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
    bumped = (results[writes.length] as D1Result).meta.changes;
  } catch (err) {
    await resyncInventory(env, event.id).catch((e) => log.error("inventory_resync_failed", { eventId: event.id, error: (e as Error).message }));
    throw err;
  }
  if (bumped !== 1) {
    await resyncInventory(env, event.id);
    throw editConflict();
  }
  // The waiting room follows (only events whose room is, was or may switch on have one to tell).
  if (hasRoom(event) || hasRoom(change.next.event)) await configureRoom(env, change.next.event, change.next.types);
  return res.availability;
}

/** The audit event's outbox row, inserted only when the event row carries this change's revision and time. */
function auditIfBumped(db: Db, audit: Envelope<"AuditRecorded">, eventId: string, revision: number, updatedAt: number) {
  return outboxInsertIf(db, audit, sql`EXISTS (SELECT 1 FROM events WHERE id = ${eventId} AND revision = ${revision} AND updated_at = ${updatedAt})`);
}

const hasRoom = (e: EventRow) => queueActive(e) || e.queueAutoThreshold !== null;

const editConflict = () => new ApiError(409, "edit_conflict", "The event was changed at the same time; reload it and try again");
