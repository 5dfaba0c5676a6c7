import { and, eq, sql } from "drizzle-orm";
import type { z } from "@hono/zod-openapi";
import { ulid } from "ulid";
import { errors, type Actor } from "@tickets/common";
import { events, ticketTypes, type EventRow, type TicketTypeRow } from "../db/schema";
import type { CreateTicketTypeBody, UpdateTicketTypeBody } from "../schemas";
import type { Env } from "../env";
import { loadEditableEvent, type Db } from "./access";
import { eventAudit, ticketTypesOf } from "./events";
import { commitChange } from "./inventory-sync";
import { ticketTypeJson } from "./present";
import { invalid, toMs } from "./validate";

const MAX_TICKET_TYPES = 50;

const msOrNull = (iso: string | null | undefined) => (iso ? toMs(iso) : null);

/** A sales window must be ordered and close no later than the event ends. */
function checkSalesWindow(event: EventRow, start: number | null, end: number | null) {
  if (start !== null && end !== null && end <= start) throw invalid("salesEndAt", "salesEndAt must be after salesStartAt");
  if (end !== null && end > event.endsAt) throw invalid("salesEndAt", "salesEndAt cannot be after the event ends");
  if (start !== null && start >= event.endsAt) throw invalid("salesStartAt", "salesStartAt must be before the event ends");
}

function countsFrom(availability: Array<{ ticketTypeId: string; held: number; sold: number }>, id: string) {
  return availability.find((a) => a.ticketTypeId === id);
}

export async function addTicketType(env: Env, db: Db, actor: Actor, eventId: string, body: z.infer<typeof CreateTicketTypeBody>) {
  const { event, who } = await loadEditableEvent(db, eventId, actor.identity);
  const salesStartAt = msOrNull(body.salesStartAt);
  const salesEndAt = msOrNull(body.salesEndAt);
  checkSalesWindow(event, salesStartAt, salesEndAt);
  const now = Date.now();
  const row: TicketTypeRow = {
    id: ulid(),
    eventId,
    name: body.name,
    priceVnd: body.priceVnd,
    quantity: body.quantity,
    maxPerOrder: body.maxPerOrder,
    salesStartAt,
    salesEndAt,
    createdAt: now,
    updatedAt: now,
  };
  const types = await ticketTypesOf(db, eventId);
  if (types.length >= MAX_TICKET_TYPES) throw errors.invalidState(`An event has at most ${MAX_TICKET_TYPES} ticket types`);
  const availability = await commitChange(env, db, {
    event,
    next: { event: { ...event, updatedAt: now }, types: [...types, row] },
    audit: eventAudit(who, actor, "ticket_type.create", `ticket_type:${row.id}`, { eventId, priceVnd: row.priceVnd, quantity: row.quantity }),
    writes: (guard) => [
      // insert … select from the event row, so nothing is inserted unless the guard holds
      db.insert(ticketTypes).select(
        db
          .select({
            id: sql`${row.id}`.as("id"),
            eventId: events.id,
            name: sql`${row.name}`.as("name"),
            priceVnd: sql`${row.priceVnd}`.as("price_vnd"),
            quantity: sql`${row.quantity}`.as("quantity"),
            maxPerOrder: sql`${row.maxPerOrder}`.as("max_per_order"),
            salesStartAt: sql`${salesStartAt}`.as("sales_start_at"),
            salesEndAt: sql`${salesEndAt}`.as("sales_end_at"),
            createdAt: sql`${now}`.as("created_at"),
            updatedAt: sql`${now}`.as("updated_at"),
          })
          .from(events)
          .where(and(eq(events.id, eventId), guard)),
      ),
    ],
  });
  return ticketTypeJson(row, countsFrom(availability, row.id));
}

export async function updateTicketType(
  env: Env,
  db: Db,
  actor: Actor,
  eventId: string,
  ttId: string,
  body: z.infer<typeof UpdateTicketTypeBody>,
) {
  const { event, who } = await loadEditableEvent(db, eventId, actor.identity);
  const types = await ticketTypesOf(db, eventId);
  const current = types.find((t) => t.id === ttId);
  if (!current) throw errors.notFound("Ticket type");
  const now = Date.now();
  const updated: TicketTypeRow = {
    ...current,
    ...(body.name !== undefined && { name: body.name }),
    ...(body.priceVnd !== undefined && { priceVnd: body.priceVnd }),
    ...(body.quantity !== undefined && { quantity: body.quantity }),
    ...(body.maxPerOrder !== undefined && { maxPerOrder: body.maxPerOrder }),
    ...(body.salesStartAt !== undefined && { salesStartAt: msOrNull(body.salesStartAt) }),
    ...(body.salesEndAt !== undefined && { salesEndAt: msOrNull(body.salesEndAt) }),
    updatedAt: now,
  };
  checkSalesWindow(event, updated.salesStartAt, updated.salesEndAt);
  const availability = await commitChange(env, db, {
    event,
    next: { event: { ...event, updatedAt: now }, types: types.map((t) => (t.id === ttId ? updated : t)) },
    audit: eventAudit(who, actor, "ticket_type.update", `ticket_type:${ttId}`, { eventId, fields: Object.keys(body).sort() }),
    writes: (guard) => [
      db
        .update(ticketTypes)
        .set({
          name: updated.name,
          priceVnd: updated.priceVnd,
          quantity: updated.quantity,
          maxPerOrder: updated.maxPerOrder,
          salesStartAt: updated.salesStartAt,
          salesEndAt: updated.salesEndAt,
          updatedAt: now,
        })
        .where(and(eq(ticketTypes.id, ttId), guard)),
    ],
  });
  return ticketTypeJson(updated, countsFrom(availability, ttId));
}
