import { env, exports } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { ulid } from "ulid";
import { signIdentity, type Envelope } from "@tickets/common";
import worker from "../src/index";
import type { Env } from "../src/env";

export const testEnv = env as unknown as Env;

/** Delivers events to the worker's queue handler as the notifications-inbox consumer would. */
export async function deliver(events: Envelope[], opts: { queue?: string; env?: Partial<Env>; attempts?: number } = {}) {
  const batch = createMessageBatch(
    opts.queue ?? "notifications-inbox",
    events.map((body) => ({ id: ulid(), timestamp: new Date(), attempts: opts.attempts ?? 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, { ...testEnv, ...opts.env }, ctx);
  return getQueueResult(batch, ctx);
}

export async function listAs(userId: string, query = "") {
  const headers = await signIdentity({ userId, email: `${userId}@example.test`, roles: ["buyer"], sessionId: "s" }, testEnv.INTERNAL_AUTH_SECRET, "notifications");
  const res = await (exports as unknown as { default: Fetcher }).default.fetch(`http://notifications.internal/api/notifications${query}`, { headers });
  return { status: res.status, json: (await res.json()) as any };
}

export type Row = { id: string; source_id: string; template: string; channel: string; recipient: string; user_id: string | null; locale: string; subject: string; body_text: string; body_html: string | null; status: string; attempts: number; last_error: string | null };

export const rowsFor = async (where: string, ...binds: unknown[]) =>
  (await testEnv.DB.prepare(`SELECT * FROM notifications WHERE ${where} ORDER BY channel`).bind(...binds).all<Row>()).results;

export const deliveries = async (recipient: string) =>
  (await testEnv.DB.prepare("SELECT * FROM local_outbox WHERE recipient = ?").bind(recipient).all<{ id: string; subject: string; body_text: string }>()).results;

/** Calls the worker as the gateway would, as `userId` (a stand-in user: "-phone" in the id has a phone). */
export async function callAs(userId: string, method: string, path: string, body?: unknown) {
  const headers: Record<string, string> = await signIdentity({ userId, email: `${userId}@example.test`, roles: ["buyer"], sessionId: "s" }, testEnv.INTERNAL_AUTH_SECRET, "notifications");
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await (exports as unknown as { default: Fetcher }).default.fetch(`http://notifications.internal${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as any };
}

/** The last verification code the local SMS driver delivered to `phone`. */
export async function lastCodeTo(phone: string) {
  const row = await testEnv.DB.prepare("SELECT body_text FROM local_outbox WHERE recipient = ? AND subject = 'Verification code' ORDER BY created_at DESC, rowid DESC LIMIT 1").bind(phone).first<{ body_text: string }>();
  return /(\d{6})/.exec(row?.body_text ?? "")?.[1] ?? null;
}

/** Proves the stand-in user's phone (+84901234567) through the real request/confirm flow. */
export async function verifyPhone(userId: string) {
  const requested = await callAs(userId, "POST", "/api/notifications/contacts/phone/verification");
  if (requested.status !== 202) throw new Error(`code request failed: ${JSON.stringify(requested.json)}`);
  const confirmed = await callAs(userId, "POST", "/api/notifications/contacts/phone/verification/confirm", { code: await lastCodeTo("+84901234567") });
  if (confirmed.status !== 200) throw new Error(`confirm failed: ${JSON.stringify(confirmed.json)}`);
}
