import { ApiError, errors, signQueueToken, verifyQueueToken, type Identity } from "@tickets/common";
import type { RoomConfig, RoomStatus } from "../../../../durable-objects/waiting-room";
import type { EventRow, TicketTypeRow } from "../db/schema";
import type { Env } from "../env";
import { loadManagedEvent, loadVisibleEvent, type Db } from "./access";
import { ticketTypesOf } from "./events";
import { eventStatus, queueActive } from "./present";

/** How long a socket token (GET …/queue/ws?token=) stays usable for opening the socket. */
const SOCKET_TOKEN_TTL_MS = 10 * 60_000;

export const roomOf = (env: Env, eventId: string) => env.WAITING_ROOM.get(env.WAITING_ROOM.idFromName(eventId));

/** On-sale: the first ticket type's sales start (null when some type sells from publication). */
export function onSaleAt(types: Pick<TicketTypeRow, "salesStartAt">[]): number | null {
  if (types.length === 0 || types.some((t) => t.salesStartAt === null)) return null;
  return Math.min(...types.map((t) => t.salesStartAt!));
}

export function roomConfigOf(event: EventRow, types: TicketTypeRow[]): RoomConfig {
  return {
    eventId: event.id,
    open: eventStatus(event) === "published",
    on: queueActive(event),
    admitPerMinute: event.queueAdmitPerMinute,
    onSaleAt: onSaleAt(types),
  };
}

export async function configureRoom(env: Env, event: EventRow, types: TicketTypeRow[]) {
  await roomOf(env, event.id).configure(roomConfigOf(event, types));
}

/**
 * POST /api/events/:id/queue. The room answers from its own storage; only a room that has never
 * been configured (its event's room was never on, or the push was lost) costs a D1 read first.
 */
export async function joinRoom(env: Env, db: Db, who: Identity, eventId: string): Promise<{ status: RoomStatus; rejoined: boolean }> {
  const room = roomOf(env, eventId);
  let res = await room.join(who.userId);
  if (!res.ok && res.code === "unconfigured") {
    const event = await loadVisibleEvent(db, eventId, who);
    await room.configure(roomConfigOf(event, await ticketTypesOf(db, eventId)));
    res = await room.join(who.userId);
  }
  if (!res.ok) {
    if (res.code === "not_on_sale") throw errors.conflict("not_on_sale", "This event is not on sale");
    throw errors.notFound("Event");
  }
  return { status: res.status, rejoined: res.rejoined };
}

export async function roomStatus(env: Env, who: Identity, eventId: string): Promise<RoomStatus> {
  const status = await roomOf(env, eventId).status(who.userId);
  if (!status) throw notInQueue();
  return status;
}

export async function roomStats(env: Env, db: Db, identity: Identity | null, eventId: string) {
  await loadManagedEvent(db, eventId, identity);
  return roomOf(env, eventId).stats();
}

export async function socketToken(env: Env, who: Identity, eventId: string): Promise<string> {
  return signQueueToken("socket", { eventId, userId: who.userId, expiresAt: Date.now() + SOCKET_TOKEN_TTL_MS }, env.QUEUE_PASS_SECRET);
}

/** GET …/queue/ws?token=: browsers cannot send Authorization on a WebSocket, so the socket token stands in. */
export async function openSocket(env: Env, eventId: string, request: Request): Promise<Response> {
  const check = await verifyQueueToken("socket", new URL(request.url).searchParams.get("token"), env.QUEUE_PASS_SECRET, { eventId });
  if (!check.ok) throw errors.unauthorized("A valid socket token (from POST …/queue) is required");
  if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") throw new ApiError(426, "upgrade_required", "Expected a WebSocket upgrade");
  const headers = new Headers(request.headers);
  headers.set("x-user-id", check.claims.userId);
  const res = await roomOf(env, eventId).fetch(new Request(request.url, { headers }));
  // The app's middleware adds headers on the way out: hand it a response whose headers it may change.
  return res.webSocket ? new Response(null, { status: 101, webSocket: res.webSocket, headers: res.headers }) : res;
}

const notInQueue = () => new ApiError(404, "not_in_queue", "You have no place in this waiting room (never joined, left, or your pass expired): join again");
