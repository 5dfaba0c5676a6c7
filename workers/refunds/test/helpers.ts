import { env, exports } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { signIdentity, type Identity } from "@tickets/common";
import { ulid } from "ulid";
import type { Env, OrderSummary } from "../src/env";
import { handleQueue } from "../src/queue";

export const testEnv = env as unknown as Env;
const worker = (exports as unknown as { default: Fetcher }).default;

/** The stand-ins' test-only methods (test/fakes/*.mjs). */
export const payments = testEnv.PAYMENTS_RPC as unknown as {
  refundCalls(orderId: string): Promise<Array<Record<string, unknown>>>;
  script(orderId: string, outcomes: Array<"ok" | "refuse" | "timeout" | "throw">): Promise<void>;
};
export const tickets = testEnv.TICKETS_RPC as unknown as { setTickets(orderId: string, list: Array<{ id: string; status: string }>): Promise<void> };
const orders = testEnv.ORDERS_RPC as unknown as { setOrder(order: OrderSummary): Promise<void> };
const events = testEnv.EVENTS_RPC as unknown as { setEvent(summary: unknown): Promise<void> };

let n = 0;
export function user(roles: Identity["roles"] = ["buyer"]): Identity {
  n++;
  return { userId: `user-${ulid()}`, email: `user${n}@example.test`, roles, sessionId: `s-${n}` };
}

/** Calls the refunds worker the way the gateway does (signed identity). */
export async function call(method: string, path: string, opts: { as?: Identity; body?: unknown } = {}) {
  const headers: Record<string, string> = {};
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  if (opts.as) Object.assign(headers, await signIdentity(opts.as, testEnv.INTERNAL_AUTH_SECRET, "refunds"));
  const res = await worker.fetch(
    new Request(`http://refunds.internal${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) }),
  );
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}
export const askRefund = (who: Identity, orderId: string, reason = "Cannot come any more", amountVnd?: number) =>
  call("POST", `/api/orders/${orderId}/refund`, { as: who, body: { reason, amountVnd } });

export const refundOf = async (who: Identity, id: string) => (await call("GET", `/api/refunds/${id}`, { as: who })).json?.refund;
/** Waits for the real refunds-inbox consumer (and its delayed re-attempts) to decide the refund. */
export const settled = (who: Identity, id: string, timeoutMs = 10_000) =>
  eventually(async () => {
    const refund = await refundOf(who, id);
    return refund && ["succeeded", "failed"].includes(refund.status) ? refund : null;
  }, timeoutMs);

const DAY = 86_400_000;
type Policy = { fullRefundUntilHours: number; partialRefundUntilHours: number; partialRefundPercent: number };

/**
 * An event (default policy unless given, starting in `startsInMs`) and one order of it in the
 * stand-ins. `idPrefix` "declined-" makes the stand-in payments decline its refund.
 */
export async function orderOf(opts: { status?: OrderSummary["status"]; totalVnd?: number; startsInMs?: number; policy?: Policy; idPrefix?: string } = {}) {
  const buyer = user();
  const organizer = user(["organizer"]);
  const eventId = `ev-${ulid()}`;
  const startsAt = new Date(Date.now() + (opts.startsInMs ?? 30 * DAY));
  await events.setEvent({
    id: eventId,
    title: "Refund night",
    venue: "Nha hat Lon",
    city: "Ha Noi",
    startsAt: startsAt.toISOString(),
    endsAt: new Date(startsAt.getTime() + 3 * 3_600_000).toISOString(),
    status: "published",
    organizerId: organizer.userId,
    refundPolicy: opts.policy ?? { fullRefundUntilHours: 72, partialRefundUntilHours: 0, partialRefundPercent: 0 },
  });
  const order: OrderSummary = {
    id: `${opts.idPrefix ?? "o-"}${ulid()}`,
    eventId,
    buyerId: buyer.userId,
    buyerEmail: buyer.email,
    status: opts.status ?? "confirmed",
    totalVnd: opts.totalVnd ?? 600_000,
    items: [{ ticketTypeId: `tt-${eventId}`, name: "Standard", unitPriceVnd: opts.totalVnd ?? 600_000, quantity: 1 }],
    holdExpiresAt: new Date().toISOString(),
    createdAt: new Date().toISOString(),
  };
  await orders.setOrder(order);
  return { buyer, organizer, order, setStatus: (status: OrderSummary["status"]) => orders.setOrder({ ...order, status }) };
}

let seq = 0;
/** Delivers messages to the refunds queue handler the way the Queues runtime does. */
export async function deliver(queue: string, bodies: unknown[]) {
  const batch = createMessageBatch(queue, bodies.map((body) => ({ id: `m-${++seq}`, timestamp: new Date(), attempts: 1, body })));
  await handleQueue(batch, testEnv);
  return getQueueResult(batch, createExecutionContext());
}

export async function outbox(orderId: string, type?: string) {
  const { results } = await testEnv.DB.prepare("SELECT type, envelope FROM outbox WHERE envelope LIKE ? ORDER BY created_at")
    .bind(`%"orderId":"${orderId}"%`)
    .all<{ type: string; envelope: string }>();
  return results.filter((r) => !type || r.type === type).map((r) => JSON.parse(r.envelope));
}

export const refundRow = (orderId: string) =>
  testEnv.DB.prepare("SELECT * FROM refunds WHERE order_id = ? ORDER BY created_at LIMIT 1").bind(orderId).first<Record<string, unknown>>();

/** Polls until `check` returns something truthy (the real refunds-inbox consumer runs on its own). */
export async function eventually<T>(check: () => Promise<T | null | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
