import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import { ulid } from "ulid";
import { signIdentity, type Identity } from "@tickets/common";
import type { Env } from "../src/env";

export const testEnv = env as unknown as Env;
const worker = (exports as unknown as { default: Fetcher }).default;

const person = (userId: string, roles: Identity["roles"]): Identity => ({ userId, email: `${userId}@example.test`, roles, sessionId: `s-${userId}` });
// The random tail of a ULID: short enough for order ids built from two user ids to stay ids.
const fresh = () => ulid().slice(-10);
export const buyer = () => person(`buyer-${fresh()}`, ["buyer"]);
export const organizer = () => person(`org-${fresh()}`, ["organizer"]);
export const admin = () => person(`admin-${fresh()}`, ["admin"]);
/** Staff of `evt.<organizer>` (a buyer account with a staff grant, see test/stubs/others.mjs). */
export const staffOf = (org: Identity) => person(`staff.${org.userId}`, ["buyer"]);
export const eventOf = (org: Identity) => `evt.${org.userId}`;
export const orderOf = (who: Identity, eventId: string) => `ord:${who.userId}:${eventId}`;

/** Calls the support worker the way the gateway does (signed identity). */
export async function call(method: string, path: string, as?: Identity, body?: unknown) {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (as) Object.assign(headers, await signIdentity(as, testEnv.INTERNAL_AUTH_SECRET, "support"));
  const res = await worker.fetch(
    new Request(`http://support.internal${path}`, { method, headers, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body) }),
  );
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as any) : null };
}

export async function openTicket(as: Identity, body: Record<string, unknown> = {}) {
  const res = await call("POST", "/api/support/tickets", as, { subject: "Where are my tickets?", message: "I paid but see nothing.", ...body });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json.ticket as { id: string; status: string; eventId?: string; orderId?: string; messages: any[] };
}

export const reply = (as: Identity, id: string, body: Record<string, unknown>) => call("POST", `/api/support/tickets/${id}/messages`, as, body);

export function expectError(res: { status: number; json: any }, status: number, code: string) {
  expect(res.status, JSON.stringify(res.json)).toBe(status);
  expect(res.json).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
}

export type OutboxRow = { id: string; type: string; envelope: string; sent_at: number | null };
export const outboxFor = async (ticketId: string) =>
  (await testEnv.DB.prepare("SELECT * FROM outbox WHERE json_extract(envelope, '$.payload.ticketId') = ? ORDER BY id").bind(ticketId).all<OutboxRow>()).results;
