import { env, exports } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { ulid } from "ulid";
import { signIdentity, type Role } from "@tickets/common";
import type { EventInventory, InventoryConfig, InventoryTicketType } from "../../../durable-objects/event-inventory";
import type { Env } from "../src/env";

export const testEnv = env as unknown as Env & { INTERNAL_AUTH_SECRET: string };

export const inventory = (eventId: string) => testEnv.INVENTORY.get(testEnv.INVENTORY.idFromName(eventId));

const DAY = 24 * 60 * 60 * 1000;

/** A published event's inventory object with the given ticket types (defaults: one type of 10). */
export async function configuredInventory(
  types: Array<Partial<InventoryTicketType>> = [{}],
  opts: { status?: "draft" | "published"; endsAt?: number } = {},
) {
  const eventId = ulid();
  const ticketTypes = types.map((t, i) => ({
    id: `tt-${i}-${ulid()}`,
    name: `Type ${i}`,
    priceVnd: 100_000 * (i + 1),
    quantity: 10,
    maxPerOrder: 10,
    salesStartAt: null,
    salesEndAt: null,
    ...t,
  }));
  const cfg: InventoryConfig = {
    eventId,
    revision: 1,
    status: opts.status ?? "published",
    startsAt: Date.now() + 30 * DAY,
    endsAt: opts.endsAt ?? Date.now() + 31 * DAY,
    ticketTypes,
  };
  const stub = inventory(eventId);
  const res = await stub.configure(cfg);
  if (!res.ok) throw new Error(`configure failed: ${res.code}`);
  return { eventId, stub, cfg, tt: ticketTypes.map((t) => t.id) };
}

export type Stub = ReturnType<typeof inventory>;

/** Reads the object's own tables without going through an RPC method (so nothing expires as a side effect). */
export function peek<T>(stub: Stub, query: string, ...args: unknown[]): Promise<T[]> {
  return runInDurableObject(stub, (_: EventInventory, state: DurableObjectState) => state.storage.sql.exec(query, ...args).toArray() as unknown as T[]);
}

/** Makes a hold's time run out (as if its TTL passed) without waiting. */
export function backdate(stub: Stub, orderId: string) {
  return runInDurableObject(stub, (_: EventInventory, state: DurableObjectState) => {
    state.storage.sql.exec("UPDATE holds SET expires_at = ? WHERE order_id = ?", Date.now() - 1, orderId);
  });
}

export async function fireAlarm(stub: Stub) {
  return runDurableObjectAlarm(stub);
}

type QueueLike = { send: Queue["send"]; sendBatch: Queue["sendBatch"] };

/**
 * Swaps the object's ORDERS_INBOX producer for `make(real)`; returns the messages that reached
 * the real queue through the recorder. Used to see HoldExpired go out, or a send fail.
 */
export async function interceptInbox(stub: Stub, make: (real: QueueLike, sent: unknown[]) => QueueLike) {
  const sent: unknown[] = [];
  await runInDurableObject(stub, (instance: EventInventory) => {
    const self = instance as unknown as { env: Env; realInbox?: Queue };
    self.realInbox ??= self.env.ORDERS_INBOX;
    self.env = { ...self.env, ORDERS_INBOX: make(self.realInbox, sent) as Queue };
  });
  return sent;
}

export const recordingInbox = (real: QueueLike, sent: unknown[]): QueueLike => ({
  send: (body, opts) => (sent.push(body), real.send(body, opts)),
  sendBatch: (msgs, opts) => (sent.push(...[...msgs].map((m) => m.body)), real.sendBatch(msgs, opts)),
});
export const failingInbox = (): QueueLike => ({
  send: () => Promise.reject(new Error("queue unavailable")),
  sendBatch: () => Promise.reject(new Error("queue unavailable")),
});

// ---- HTTP through the worker, as the gateway would call it --------------------------------

/** `ip`: the client address the gateway would forward (cf-connecting-ip). */
export type Who = { userId: string; roles: Role[]; email?: string; ip?: string } | null;

export const organizer = (userId = `org-${ulid()}`): Who => ({ userId, roles: ["organizer"] });
export const buyer = (userId = `buyer-${ulid()}`): Who => ({ userId, roles: ["buyer"] });
export const admin = (userId = `admin-${ulid()}`): Who => ({ userId, roles: ["admin"] });

export async function call(method: string, path: string, who: Who, body?: unknown, raw?: string) {
  const headers: Record<string, string> = {};
  if (who) {
    const identity = { userId: who.userId, email: who.email ?? `${who.userId}@example.test`, roles: who.roles, sessionId: "s-test" };
    Object.assign(headers, await signIdentity(identity, testEnv.INTERNAL_AUTH_SECRET, "events"));
    if (who.ip) headers["cf-connecting-ip"] = who.ip;
  }
  if (body !== undefined || raw !== undefined) headers["content-type"] = "application/json";
  const res = await (exports as unknown as { default: Fetcher }).default.fetch(`http://events.internal${path}`, {
    method,
    headers,
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, json, text };
}

export const inDays = (days: number, hours = 0) => new Date(Date.now() + days * DAY + hours * 3_600_000).toISOString();

export const validEvent = (over: Record<string, unknown> = {}) => ({
  title: "Summer Concert",
  description: "An evening of music",
  venue: "Nhà hát Thành phố",
  city: "Ho Chi Minh City",
  startsAt: inDays(30),
  endsAt: inDays(30, 4),
  ...over,
});

/** An organizer's event with one ticket type, optionally published. */
export async function eventWithTicketType(who: Who, opts: { publish?: boolean; event?: Record<string, unknown>; ticketType?: Record<string, unknown> } = {}) {
  const created = await call("POST", "/api/events", who, validEvent(opts.event));
  if (created.status !== 201) throw new Error(`create failed: ${created.text}`);
  const id = created.json.event.id as string;
  const tt = await call("POST", `/api/events/${id}/ticket-types`, who, { name: "Standard", priceVnd: 500_000, quantity: 100, maxPerOrder: 4, ...opts.ticketType });
  if (tt.status !== 201) throw new Error(`ticket type failed: ${tt.text}`);
  if (opts.publish) {
    const pub = await call("POST", `/api/events/${id}/publish`, who);
    if (pub.status !== 200) throw new Error(`publish failed: ${pub.text}`);
  }
  return { id, ttId: tt.json.ticketType.id as string };
}

export async function count(table: string, where = "1=1", ...args: unknown[]) {
  const row = await testEnv.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`).bind(...args).first<{ n: number }>();
  return row!.n;
}

/** The property tests' items: (ticket-type index, quantity) pairs, summed per ticket type. */
export type ItemPick = { tt: number; qty: number };
export const mergeItems = (items: ItemPick[]) => {
  const m = new Map<number, number>();
  for (const it of items) m.set(it.tt, (m.get(it.tt) ?? 0) + it.qty);
  return m;
};

/** The hold a property test sends for buyer number `buyer`, its items on the ticket type ids `tt`. */
export const holdRequest = (orderId: string, eventId: string, buyer: number, items: ItemPick[], tt: string[]) => ({
  orderId,
  eventId,
  buyerId: `buyer-${buyer}`,
  ttlSeconds: 600,
  items: items.map((it) => ({ ticketTypeId: tt[it.tt], quantity: it.qty })),
});
