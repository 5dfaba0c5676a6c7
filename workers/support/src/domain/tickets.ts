import { and, asc, desc, eq, lt, or, sql, type SQL } from "drizzle-orm";
import { monotonicFactory } from "ulid";
import { ApiError, errors, isAdmin, type Identity } from "@tickets/common";
import { ticketRateLimit, type Env } from "../env";
import { supportMessages, supportTickets, type TicketRow, type TicketStatus } from "../db/schema";
import type { Db } from "../db/client";
import type { CreateTicketInput, TicketSummary } from "../schemas";
import { ticketSummary, ticketView } from "./view";

/** Ids sort in creation order, also within one millisecond (messages are listed by them). */
export const newId = monotonicFactory();

export async function loadTicket(db: Db, id: string): Promise<TicketRow | undefined> {
  return db.select().from(supportTickets).where(eq(supportTickets.id, id)).get();
}

export async function loadThread(db: Db, ticket: TicketRow) {
  const messages = await db
    .select()
    .from(supportMessages)
    .where(eq(supportMessages.ticketId, ticket.id))
    .orderBy(asc(supportMessages.createdAt), asc(supportMessages.id))
    .all();
  return ticketView(ticket, messages);
}

const orderNotFound = () => new ApiError(404, "order_not_found", "Order not found");

/**
 * The order (yours, or of an event you organize; admins any) and its event, or the event alone.
 * Someone else's order is answered exactly like a missing one.
 */
async function resolveLinks(env: Env, who: Identity, input: CreateTicketInput): Promise<{ orderId: string | null; eventId: string | null }> {
  if (input.orderId) {
    const order = await env.ORDERS_RPC.getOrder(input.orderId);
    if (!order) throw orderNotFound();
    if (order.buyerId !== who.userId && !isAdmin(who)) {
      const access = await env.EVENTS_RPC.getEventAccess(order.eventId, who.userId);
      if (!access.isOrganizer) throw orderNotFound();
    }
    if (input.eventId && input.eventId !== order.eventId) {
      throw errors.invalidRequest("eventId is not the event of this order", [{ path: "eventId", message: "does not match the order's event" }]);
    }
    return { orderId: order.id, eventId: order.eventId };
  }
  if (input.eventId) {
    const access = await env.EVENTS_RPC.getEventAccess(input.eventId, who.userId);
    // Someone else's draft is answered like a missing event: a ticket about it would reveal it exists.
    const visible = access.published || access.isOrganizer || access.isStaff || isAdmin(who);
    if (!access.exists || !visible) throw new ApiError(404, "event_not_found", "Event not found");
    return { orderId: null, eventId: input.eventId };
  }
  return { orderId: null, eventId: null };
}

/**
 * Opens a ticket with its first message. The per-author rate limit is part of the insert itself
 * (it only happens while fewer than `limit` tickets were opened in the window), so parallel
 * requests cannot slip past it; the message is written only if its ticket was.
 */
export async function openTicket(env: Env, db: Db, who: Identity, input: CreateTicketInput, now = Date.now()) {
  const links = await resolveLinks(env, who, input);
  const { limit, windowMs } = ticketRateLimit(env);
  const id = newId(now);
  const messageId = newId(now);
  const [ticketInsert] = await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO support_tickets (id, author_id, author_email, subject, status, order_id, event_id, created_at, updated_at, last_activity_at)
       SELECT ?1, ?2, ?3, ?4, 'open', ?5, ?6, ?7, ?7, ?7
       WHERE (SELECT count(*) FROM support_tickets WHERE author_id = ?2 AND created_at > ?8) < ?9`,
    ).bind(id, who.userId, who.email, input.subject, links.orderId, links.eventId, now, now - windowMs, limit),
    env.DB.prepare(
      `INSERT INTO support_messages (id, ticket_id, author_id, author_role, body, created_at)
       SELECT ?1, ?2, ?3, 'author', ?4, ?5 WHERE EXISTS (SELECT 1 FROM support_tickets WHERE id = ?2)`,
    ).bind(messageId, id, who.userId, input.message, now),
  ]);
  if (ticketInsert.meta.changes !== 1) {
    const oldest = await env.DB.prepare("SELECT min(created_at) AS at FROM support_tickets WHERE author_id = ? AND created_at > ?")
      .bind(who.userId, now - windowMs)
      .first<{ at: number | null }>();
    const retryAfter = Math.max(1, Math.ceil(((oldest?.at ?? now) + windowMs - now) / 1000));
    throw new ApiError(429, "rate_limited", `At most ${limit} new support tickets per ${windowMs / 60_000} minutes`, undefined, {
      "retry-after": String(retryAfter),
    });
  }
  return loadThread(db, (await loadTicket(db, id))!);
}

export type ListQuery = { limit: number; cursor?: string; status?: TicketStatus; eventId?: string };

/** Cursor: `<lastActivityAt>.<id>` of the last item of the previous page. */
function parseCursor(cursor: string | undefined) {
  if (!cursor) return null;
  const m = /^(\d{1,15})\.([0-9A-Za-z]{1,64})$/.exec(cursor);
  if (!m) throw errors.invalidRequest("Invalid cursor", [{ path: "cursor", message: "not a cursor this list gave out" }]);
  return { at: Number(m[1]), id: m[2] };
}

/**
 * Newest activity first. Admins see every ticket; everyone else their own and those about the
 * events they organize or are staff of.
 */
export async function listTickets(env: Env, db: Db, who: Identity, q: ListQuery): Promise<{ items: TicketSummary[]; nextCursor: string | null }> {
  const after = parseCursor(q.cursor);
  const t = supportTickets;
  const where: Array<SQL | undefined> = [];
  if (!isAdmin(who)) {
    const managed = await env.EVENTS_RPC.managedEventIds(who.userId);
    // One bound JSON array, however many events: D1 caps bound parameters at 100.
    where.push(managed.length ? or(eq(t.authorId, who.userId), sql`${t.eventId} IN (SELECT value FROM json_each(${JSON.stringify(managed)}))`) : eq(t.authorId, who.userId));
  }
  if (q.status) where.push(eq(t.status, q.status));
  if (q.eventId) where.push(eq(t.eventId, q.eventId));
  if (after) where.push(or(lt(t.lastActivityAt, after.at), and(eq(t.lastActivityAt, after.at), lt(t.id, after.id))));
  const rows = await db
    .select()
    .from(t)
    .where(and(...where))
    .orderBy(desc(t.lastActivityAt), desc(t.id))
    .limit(q.limit + 1)
    .all();
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return { items: page.map(ticketSummary), nextCursor: rows.length > q.limit && last ? `${last.lastActivityAt}.${last.id}` : null };
}
