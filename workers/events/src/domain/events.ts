import { asc, eq } from "drizzle-orm";
import type { z } from "@hono/zod-openapi";
import { ulid } from "ulid";
import { ApiError, auditPayload, errors, isAdmin, makeEvent, outboxInsert, requireRole, type Actor, type Identity } from "@tickets/common";
import { events, ticketTypes, type EventRow, type TicketTypeRow } from "../db/schema";
import type { CreateEventBody, UpdateEventBody } from "../schemas";
import type { Env } from "../env";
import { loadEditableEvent, loadVisibleEvent, type Db } from "./access";
import { commitChange } from "./inventory-sync";
import { eventJson, publishedCounts, ticketTypeJson } from "./present";
import { invalid, toMs } from "./validate";

export const DEFAULT_REFUND_POLICY = { fullRefundUntilHours: 72, partialRefundUntilHours: 0, partialRefundPercent: 0 };

export async function ticketTypesOf(db: Db, eventId: string): Promise<TicketTypeRow[]> {
  return db.select().from(ticketTypes).where(eq(ticketTypes.eventId, eventId)).orderBy(asc(ticketTypes.createdAt), asc(ticketTypes.id));
}

function checkTimes(startsAt: number, endsAt: number, startsChanged: boolean, now: number) {
  if (startsChanged && startsAt <= now) throw invalid("startsAt", "startsAt must be in the future");
  if (endsAt <= startsAt) throw invalid("endsAt", "endsAt must be after startsAt");
}

export const eventAudit = (who: { userId: string }, actor: Actor, action: Parameters<typeof auditPayload>[2], target: string, details?: Parameters<typeof auditPayload>[4]) =>
  makeEvent("AuditRecorded", auditPayload({ userId: who.userId, ip: actor.ip }, "events", action, target, details));

export async function createEvent(db: Db, actor: Actor, body: z.infer<typeof CreateEventBody>) {
  const who = requireRole(actor.identity, "organizer", "admin");
  const now = Date.now();
  const startsAt = toMs(body.startsAt);
  const endsAt = toMs(body.endsAt);
  checkTimes(startsAt, endsAt, true, now);
  const policy = body.refundPolicy ?? DEFAULT_REFUND_POLICY;
  const row: EventRow = {
    id: ulid(),
    organizerId: who.userId,
    title: body.title,
    description: body.description ?? "",
    venue: body.venue,
    city: body.city ?? null,
    categoryId: body.categoryId ?? null,
    startsAt,
    endsAt,
    status: "draft",
    refundFullHours: policy.fullRefundUntilHours,
    refundPartialHours: policy.partialRefundUntilHours,
    refundPartialPercent: policy.partialRefundPercent,
    revision: 1,
    createdAt: now,
    updatedAt: now,
    publishedAt: null,
    cancelledAt: null,
    cancellationReason: null,
    cancelledBy: null,
    queueEnabled: false,
    queueAdmitPerMinute: 60,
    queueForced: false,
    queueAutoThreshold: null,
    queueAutoAt: null,
  };
  // No inventory push yet: the object learns the event with its first ticket type.
  await db.batch([db.insert(events).values(row), outboxInsert(db, eventAudit(who, actor, "event.create", `event:${row.id}`))]);
  return eventJson(row);
}

export async function updateEvent(env: Env, db: Db, actor: Actor, id: string, body: z.infer<typeof UpdateEventBody>) {
  const { event, who } = await loadEditableEvent(db, id, actor.identity);
  if (body.queue?.forced !== undefined && !isAdmin(who)) throw new ApiError(403, "forbidden", "Only an admin may force the waiting room");
  const now = Date.now();
  const startsAt = body.startsAt !== undefined ? toMs(body.startsAt) : event.startsAt;
  const endsAt = body.endsAt !== undefined ? toMs(body.endsAt) : event.endsAt;
  checkTimes(startsAt, endsAt, startsAt !== event.startsAt, now);
  const types = await ticketTypesOf(db, id);
  for (const t of types) {
    if (t.salesEndAt !== null && t.salesEndAt > endsAt) throw invalid("endsAt", `Ticket type ${t.name} sells until after this end; change its salesEndAt first`);
    if (t.salesStartAt !== null && t.salesStartAt >= endsAt) throw invalid("endsAt", `Ticket type ${t.name} starts selling after this end`);
  }
  const fields = {
    ...(body.title !== undefined && { title: body.title }),
    ...(body.description !== undefined && { description: body.description }),
    ...(body.venue !== undefined && { venue: body.venue }),
    ...(body.city !== undefined && { city: body.city }),
    ...(body.categoryId !== undefined && { categoryId: body.categoryId }),
    startsAt,
    endsAt,
    ...(body.refundPolicy && {
      refundFullHours: body.refundPolicy.fullRefundUntilHours,
      refundPartialHours: body.refundPolicy.partialRefundUntilHours,
      refundPartialPercent: body.refundPolicy.partialRefundPercent,
    }),
    ...(body.queue && queueFields(body.queue)),
  };
  const next: EventRow = { ...event, ...fields, revision: event.revision + 1, updatedAt: now };
  // The refund policy is one of the fields: its change is audited as event.update with refundPolicy listed.
  const audit = eventAudit(who, actor, "event.update", `event:${id}`, { fields: Object.keys(body).sort() });
  await commitChange(env, db, { event, next: { event: next, types }, eventFields: fields, audit });
  return eventJson(next);
}

/** Turning the room off also forgets a switch-on by demand (the organizer decided). */
function queueFields(q: NonNullable<z.infer<typeof UpdateEventBody>["queue"]>) {
  return {
    queueEnabled: q.enabled,
    ...(q.admitPerMinute !== undefined && { queueAdmitPerMinute: q.admitPerMinute }),
    ...(q.forced !== undefined && { queueForced: q.forced }),
    ...(q.autoThresholdPerMinute !== undefined && { queueAutoThreshold: q.autoThresholdPerMinute }),
    ...(!q.enabled && { queueAutoAt: null }),
  };
}

export async function publishEvent(env: Env, db: Db, actor: Actor, id: string) {
  const { event, who } = await loadEditableEvent(db, id, actor.identity);
  if (event.status === "published") return eventJson(event);
  const now = Date.now();
  if (event.endsAt <= now) throw errors.invalidState("This event has already ended");
  const types = await ticketTypesOf(db, id);
  if (types.length === 0) throw errors.invalidState("Add at least one ticket type before publishing");
  const fields = { status: "published" as const, publishedAt: now };
  const next: EventRow = { ...event, ...fields, revision: event.revision + 1, updatedAt: now };
  await commitChange(env, db, { event, next: { event: next, types }, eventFields: fields, audit: eventAudit(who, actor, "event.publish", `event:${id}`) });
  return eventJson(next);
}

export async function eventDetail(db: Db, identity: Identity | null, id: string) {
  const event = await loadVisibleEvent(db, id, identity);
  const [types, counts] = await Promise.all([ticketTypesOf(db, id), publishedCounts(db, [id])]);
  return { ...eventJson(event), ticketTypes: types.map((t) => ticketTypeJson(t, counts.get(t.id))) };
}
