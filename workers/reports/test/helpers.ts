import { env, exports } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { makeEvent, signIdentity, type Envelope, type EventPayload, type EventType, type Identity } from "@tickets/common";
import { ulid } from "ulid";
import type { Env } from "../src/env";
import { handleQueue } from "../src/consumer";

export const testEnv = env as unknown as Env;
const worker = (exports as unknown as { default: Fetcher }).default;

/** The stand-ins' test-only methods (test/fakes/*.mjs). */
const events = testEnv.EVENTS_RPC as unknown as {
  setEvent(summary: { id: string; title: string; organizerId: string; ticketTypes?: Array<{ id: string; name: string }> }): Promise<void>;
};
export const ordersTruth = testEnv.ORDERS_RPC as unknown as { setSalesTotals(t: unknown): Promise<void> };
export const refundsTruth = testEnv.REFUNDS_RPC as unknown as { setSucceededTotals(t: unknown): Promise<void> };

let n = 0;
export function user(roles: Identity["roles"] = ["organizer"]): Identity {
  n++;
  return { userId: `user-${ulid()}`, email: `user${n}@example.test`, roles, sessionId: `s-${n}` };
}

/** A fresh event (of a fresh organizer unless given), known to the events stand-in. */
export async function eventOf(title = "Đêm nhạc Trịnh Công Sơn", organizer = user(["organizer"]), ticketTypes?: Array<{ id: string; name: string }>) {
  const eventId = `ev-${ulid()}`;
  await events.setEvent({ id: eventId, title, organizerId: organizer.userId, ticketTypes });
  return { eventId, organizer };
}

/** Calls the reports worker the way the gateway does (signed identity). */
export async function call(path: string, as?: Identity) {
  const headers: Record<string, string> = as ? await signIdentity(as, testEnv.INTERNAL_AUTH_SECRET, "reports") : {};
  const res = await worker.fetch(new Request(`http://reports.internal${path}`, { headers }));
  // ignoreBOM keeps a byte-order mark in the text, where the CSV tests look for it.
  const text = new TextDecoder("utf-8", { ignoreBOM: true, fatal: false }).decode(await res.arrayBuffer());
  const json = res.headers.get("content-type")?.startsWith("application/json") ? JSON.parse(text) : null;
  return { status: res.status, headers: res.headers, text, json };
}

/** An envelope as a producer would send it, at a chosen time. */
export function envelope<T extends EventType>(type: T, payload: EventPayload<T>, at: Date | string = new Date()): Envelope<T> {
  return { ...makeEvent(type, payload), occurredAt: typeof at === "string" ? at : at.toISOString() };
}

export type Item = { ticketTypeId: string; name: string; unitPriceVnd: number; quantity: number };
export const confirmed = (eventId: string, orderId: string, items: Item[], at?: Date | string) =>
  envelope("OrderConfirmed", { orderId, eventId, buyerId: "buyer-1", totalVnd: items.reduce((s, i) => s + i.unitPriceVnd * i.quantity, 0), items }, at);
export const refunded = (eventId: string, orderId: string, refundId: string, amountVnd: number, at?: Date | string) =>
  envelope("RefundSucceeded", { orderId, eventId, buyerId: "buyer-1", refundId, amountVnd }, at);
export const checkedIn = (eventId: string, orderId: string, ticketId: string, ticketTypeId: string, at: Date | string = new Date()) =>
  envelope("TicketCheckedIn", { ticketId, orderId, eventId, ticketTypeId, checkedInAt: typeof at === "string" ? at : at.toISOString() });

let seq = 0;
/** Delivers messages to the reports inbox consumer as the queue would. */
export const deliver = (...bodies: unknown[]) => deliverTo("reports-inbox", bodies);

export async function deliverTo(queue: string, bodies: unknown[]) {
  const batch = createMessageBatch(queue, bodies.map((body) => ({ id: `m-${++seq}`, timestamp: new Date(), attempts: 1, body })));
  await handleQueue(batch, testEnv);
  return getQueueResult(batch, createExecutionContext());
}

export async function sales(eventId: string, as: Identity) {
  const res = await call(`/api/reports/events/${eventId}/sales`, as);
  if (res.status !== 200) throw new Error(`sales ${res.status}: ${res.text}`);
  return res.json;
}
