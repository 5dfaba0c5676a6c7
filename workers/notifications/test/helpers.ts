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
