import { env, exports } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { ulid } from "ulid";
import { makeEvent, signIdentity, type Envelope, type Identity, type Role } from "@tickets/common";
import worker from "../src/index";
import type { Env } from "../src/env";
import type { TicketsApi } from "../src/rpc";

export const testEnv = env as unknown as Env;
export const rpc = (exports as unknown as { TicketsRpc: TicketsApi }).TicketsRpc;

export function orderConfirmed(opts: { eventId?: string; buyerId?: string; items?: Array<{ ticketTypeId: string; quantity: number; name?: string }> } = {}) {
  return makeEvent("OrderConfirmed", {
    orderId: ulid(),
    eventId: opts.eventId ?? `evt-${ulid()}`,
    buyerId: opts.buyerId ?? `buyer-${ulid()}`,
    buyerEmail: "buyer@example.test",
    locale: "vi",
    totalVnd: 600_000,
    items: opts.items ?? [
      { ticketTypeId: "tt-ga", quantity: 2, name: "General admission", unitPriceVnd: 200_000 },
      { ticketTypeId: "tt-vip", quantity: 1, name: "VIP", unitPriceVnd: 200_000 },
    ],
  });
}

export function refundSucceeded(order: Envelope<"OrderConfirmed">) {
  const p = order.payload;
  return makeEvent("RefundSucceeded", { orderId: p.orderId, eventId: p.eventId, buyerId: p.buyerId, refundId: ulid(), amountVnd: p.totalVnd });
}

/** Delivers events to the worker's queue handler exactly as the tickets-inbox consumer would. */
export async function deliver(events: Envelope[], queue = "tickets-inbox") {
  const batch = createMessageBatch(
    queue,
    events.map((body) => ({ id: ulid(), timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, testEnv, ctx);
  return getQueueResult(batch, ctx);
}

export function identity(userId: string, roles: Role[] = ["buyer"]): Identity {
  return { userId, email: `${userId}@example.test`, roles, sessionId: `s-${userId}` };
}

/** Calls the worker over HTTP as the gateway would, with a signed identity (or none). */
export async function call(method: string, path: string, who: Identity | null, body?: unknown) {
  const headers: Record<string, string> = who ? await signIdentity(who, testEnv.INTERNAL_AUTH_SECRET, "tickets") : {};
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await (exports as unknown as { default: Fetcher }).default.fetch(`http://tickets.internal${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res;
}

export async function callJson(method: string, path: string, who: Identity | null, body?: unknown) {
  const res = await call(method, path, who, body);
  return { status: res.status, json: (await res.json()) as any };
}

export const outboxRows = async (type: string) =>
  (await testEnv.DB.prepare("SELECT envelope FROM outbox WHERE type = ?").bind(type).all<{ envelope: string }>()).results.map(
    (r) => JSON.parse(r.envelope) as Envelope,
  );
