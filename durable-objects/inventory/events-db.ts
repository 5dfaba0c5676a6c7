import type { Availability, InventoryConfig, InventoryTicketType } from "./types";

/**
 * The inventory object's two touches of the events D1 (it runs inside the events worker):
 * bootstrapping its configuration when it has none, and publishing availability for listings.
 */

type EventRow = { id: string; status: "draft" | "published"; starts_at: number; ends_at: number; revision: number; cancelled_at: number | null };
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
    db.prepare("SELECT id, status, starts_at, ends_at, revision, cancelled_at FROM events WHERE id = ?").bind(eventId),
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
