import type { Availability, InventoryConfig, InventoryTicketType } from "./types";

/**
 * The inventory object's two touches of the events D1 (it runs inside the events worker):
 * bootstrapping its configuration when it has none, and publishing availability for listings.
 */

type EventRow = {
  id: string;
  status: "draft" | "published";
  starts_at: number;
  ends_at: number;
  revision: number;
  cancelled_at: number | null;
  queue_enabled: number;
  queue_forced: number;
  queue_auto_threshold: number | null;
  queue_auto_at: number | null;
};
type TicketTypeRow = {
  id: string;
  name: string;
  price_vnd: number;
  quantity: number;
  max_per_order: number;
  sales_start_at: number | null;
  sales_end_at: number | null;
};

export async function loadInventoryConfig(db: D1Database, eventId: string): Promise<InventoryConfig | null> {
  const [events, types] = await db.batch([
    db.prepare("SELECT id, status, starts_at, ends_at, revision, cancelled_at, queue_enabled, queue_forced, queue_auto_threshold, queue_auto_at FROM events WHERE id = ?").bind(eventId),
    db
      .prepare(
        "SELECT id, name, price_vnd, quantity, max_per_order, sales_start_at, sales_end_at FROM ticket_types WHERE event_id = ? ORDER BY created_at, id",
      )
      .bind(eventId),
  ]);
  const event = (events.results as EventRow[])[0];
  if (!event) return null;
  return {
    eventId: event.id,
    revision: event.revision,
    status: event.cancelled_at === null ? event.status : "cancelled",
    startsAt: event.starts_at,
    endsAt: event.ends_at,
    ticketTypes: (types.results as TicketTypeRow[]).map(toInventoryTicketType),
    queue: {
      on: !!(event.queue_enabled || event.queue_forced || event.queue_auto_at !== null),
      autoThresholdPerMinute: event.queue_auto_threshold,
    },
  };
}

/** A ticket type row (the events D1 and the object's own table share these columns) as configuration. */
export function toInventoryTicketType(t: TicketTypeRow): InventoryTicketType {
  return {
    id: t.id,
    name: t.name,
    priceVnd: t.price_vnd,
    quantity: t.quantity,
    maxPerOrder: t.max_per_order,
    salesStartAt: t.sales_start_at,
    salesEndAt: t.sales_end_at,
  };
}

/** Demand switched the waiting room on: the event shows it, and later configuration pushes keep it on. */
export async function markQueueAutoOn(db: D1Database, eventId: string, now: number) {
  await db.prepare("UPDATE events SET queue_auto_at = ? WHERE id = ? AND queue_auto_at IS NULL").bind(now, eventId).run();
}

/** Upserts held/sold per ticket type; `version` only moves forward, so a late write never wins. */
export async function writeAvailability(db: D1Database, eventId: string, rows: Availability[], version: number, now: number) {
  if (rows.length === 0) return;
  const stmt = db.prepare(
    `INSERT INTO ticket_availability (ticket_type_id, event_id, held, sold, version, updated_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(ticket_type_id) DO UPDATE SET held = excluded.held, sold = excluded.sold, version = excluded.version, updated_at = excluded.updated_at
     WHERE excluded.version > ticket_availability.version`,
  );
  await db.batch(rows.map((r) => stmt.bind(r.ticketTypeId, eventId, r.held, r.sold, version, now)));
}
