import { env, exports } from "cloudflare:workers";
import { signIdentity, type Identity } from "@tickets/common";
import { ulid } from "ulid";
import type { Env } from "../src/env";
import type { InventoryApi } from "../src/ports";
import type { AuditRow, Availability, InventoryConfig } from "../../../durable-objects/event-inventory";

export const testEnv = env as unknown as Env;
const worker = (exports as unknown as { default: Fetcher }).default;

let n = 0;
export function user(roles: Identity["roles"] = ["buyer"]): Identity {
  n++;
  return { userId: `user-${ulid()}`, email: `user${n}@example.test`, roles, sessionId: `s-${n}` };
}
export const admin = () => user(["admin"]);

type CallOpts = { body?: unknown; as?: Identity; headers?: Record<string, string> };

/** Calls the orders worker the way the gateway does (signed identity, public origin). */
export async function call(method: string, path: string, opts: CallOpts = {}) {
  const headers: Record<string, string> = {
    "cf-connecting-ip": "198.51.100.7",
    "x-public-origin": "http://127.0.0.1:8787",
    ...opts.headers,
  };
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  if (opts.as) Object.assign(headers, await signIdentity(opts.as, testEnv.INTERNAL_AUTH_SECRET, "orders"));
  const res = await worker.fetch(
    new Request(`http://orders.internal${path}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body),
    }),
  );
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, json };
}

export const placeOrder = (buyer: Identity, key: string, body: unknown) =>
  call("POST", "/api/orders", { as: buyer, body, headers: { "idempotency-key": key } });

/**
 * The event's inventory object: the real EventInventory (test/fakes/events-worker.ts) with one
 * test hook, `expire`, that makes a hold's TTL run out now.
 */
export type TestInventory = InventoryApi & {
  configure(cfg: InventoryConfig): Promise<{ ok: boolean }>;
  expire(orderId: string): Promise<boolean>;
  availability(): Promise<Availability[]>;
  audit(): Promise<AuditRow[]>;
};
export const stock = (eventId: string) => testEnv.INVENTORY.get(testEnv.INVENTORY.idFromName(eventId)) as unknown as TestInventory;

/** The events worker's stand-in (test/fakes/other-workers.ts) with its test hooks. */
export const eventsFake = testEnv.EVENTS_RPC as unknown as {
  addEvent(eventId: string): Promise<void>;
  inventoryConstructed(idHex: string): Promise<boolean>;
};

/** A fresh published event with one ticket type (on sale now), configured in its inventory object. */
export async function saleOf(quantity = 10, priceVnd = 250_000, opts: { queueOn?: boolean } = {}) {
  const eventId = `ev-${ulid()}`;
  const ticketTypeId = `tt-${ulid()}`;
  const startsAt = Date.now() + 30 * 86_400_000;
  const configured = await stock(eventId).configure({
    eventId,
    revision: 1,
    status: "published",
    startsAt,
    endsAt: startsAt + 3 * 3_600_000,
    ticketTypes: [{ id: ticketTypeId, name: "General admission", priceVnd, quantity, maxPerOrder: 6, salesStartAt: null, salesEndAt: null }],
    ...(opts.queueOn && { queue: { on: true, autoThresholdPerMinute: null } }),
  });
  if (!configured.ok) throw new Error(`configure failed: ${JSON.stringify(configured)}`);
  await eventsFake.addEvent(eventId);
  return { eventId, ticketTypeId, available: async () => (await stock(eventId).availability())[0].available };
}

export const key = () => `key-${ulid()}`;

export async function outboxRows(orderId: string, type?: string) {
  const { results } = await testEnv.DB.prepare("SELECT id, type, envelope FROM outbox WHERE envelope LIKE ?1 ORDER BY created_at")
    .bind(`%"orderId":"${orderId}"%`)
    .all<{ id: string; type: string; envelope: string }>();
  return results.filter((r) => !type || r.type === type).map((r) => ({ ...r, event: JSON.parse(r.envelope) }));
}

export async function orderStatus(orderId: string) {
  return (await testEnv.DB.prepare("SELECT status FROM orders WHERE id = ?1").bind(orderId).first<{ status: string }>())?.status;
}

/** Polls `check` until it holds (for work the worker finishes after answering, in waitUntil). */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}
