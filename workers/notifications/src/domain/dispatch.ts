import { and, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { ulid } from "ulid";
import type { Logger } from "@tickets/common";
import { notifications, pushSubscriptions, type Channel, type NotificationRow } from "../db/schema";
import type { Db } from "../db/client";
import type { Locale } from "../env";
import type { TemplateData, TemplateName } from "../templates/types";
import type { Drivers } from "./drivers";
import { render } from "./render";
import { PUSH_TEMPLATES, PushGone } from "./push";
import { isPhoneVerified } from "./verification";

/** Email and SMS messages one address may get per hour (the rest are dropped: `recipient_throttled`). */
export const DEFAULT_MAX_PER_RECIPIENT_PER_HOUR = 30;
const HOUR_MS = 60 * 60_000;

export type Recipient = { userId: string | null; email: string | null; phone: string | null; locale: Locale; name: string | null };

export type Intent = {
  /** What caused the message (saga event id, or a reminder key): with template, recipient and channel, its identity. */
  sourceId: string;
  template: TemplateName;
  recipient: Recipient;
  data: TemplateData;
};

/** The order a message is about: its template data names it (`orderId`) when it is about one order. */
const orderOf = (data: TemplateData): string | null => data.orderId ?? null;

export type DispatchResult = { sent: number; failed: Array<{ id: string; channel: Channel; error: string }>; busy: number; dropped: number };

/** Rows still to send: failed ones are retried; sent and dropped ones never again. */
const UNSENT = ["queued", "failed"] as const;

// Long enough for one provider call (10 s timeout); a crashed sender's claim lapses after it.
const LEASE_MS = 30_000;

/**
 * Records one row per channel (unique per source, template, recipient, channel: a redelivered
 * event adds nothing) and sends every row of this cause that is not sent yet. A row is claimed
 * with a guarded update first, so two deliveries racing never both send it; the outcome
 * (sent / failed with the error and attempt count) is written back.
 */
export async function dispatch(
  deps: { db: Db; drivers: Drivers; log: Logger; now?: () => number; maxPerRecipientPerHour?: number },
  intent: Intent,
): Promise<DispatchResult> {
  const { db, drivers, log } = deps;
  const now = deps.now ?? Date.now;
  const { recipient, template } = intent;
  const rendered = render(template, recipient.locale, { ...intent.data, name: intent.data.name ?? recipient.name });

  const rows: Array<{ channel: Channel; recipient: string; subject: string; bodyText: string; bodyHtml: string | null; url?: string }> = [];
  if (recipient.email) rows.push({ channel: "email", recipient: recipient.email, subject: rendered.subject, bodyText: rendered.text, bodyHtml: rendered.html });
  // Only to a number its owner proved (SMS pumping, phishing with organizer-chosen text).
  if (recipient.phone && drivers.sms && (await isPhoneVerified(db, recipient.userId, recipient.phone))) rows.push({ channel: "sms", recipient: recipient.phone, subject: rendered.subject, bodyText: rendered.sms, bodyHtml: null });
  if (recipient.userId && drivers.push && PUSH_TEMPLATES.includes(template)) {
    // One row per browser the user subscribed: each device gets the message once.
    const subscriptions = await db.select({ endpoint: pushSubscriptions.endpoint }).from(pushSubscriptions).where(eq(pushSubscriptions.userId, recipient.userId)).all();
    for (const { endpoint } of subscriptions) {
      rows.push({ channel: "push", recipient: endpoint, subject: rendered.push.title, bodyText: rendered.push.body, bodyHtml: null, url: rendered.push.url });
    }
  }
  const at = now();
  const cap = deps.maxPerRecipientPerHour ?? DEFAULT_MAX_PER_RECIPIENT_PER_HOUR;
  for (const row of rows) {
    const throttled = row.channel !== "push" && (await recentTo(db, row.recipient, intent.sourceId, at)) >= cap;
    if (throttled) log.warn("recipient_throttled", { channel: row.channel, template, sourceId: intent.sourceId, cap });
    await db
      .insert(notifications)
      .values({
        id: ulid(),
        sourceId: intent.sourceId,
        template,
        userId: recipient.userId,
        orderId: orderOf(intent.data),
        locale: recipient.locale,
        status: throttled ? "dropped" : "queued",
        lastError: throttled ? "recipient_throttled" : null,
        attempts: 0,
        createdAt: at,
        updatedAt: at,
        ...row,
      })
      .onConflictDoNothing();
  }

  const pending = await db
    .select()
    .from(notifications)
    .where(and(eq(notifications.sourceId, intent.sourceId), eq(notifications.template, template), inArray(notifications.status, UNSENT)))
    .all();
  const result: DispatchResult = { sent: 0, failed: [], busy: 0, dropped: 0 };
  for (const row of pending) {
    const outcome = await sendOne(db, drivers, row, now);
    if (outcome === "sent") result.sent++;
    else if (outcome === "busy") result.busy++;
    else if (outcome === "dropped") result.dropped++;
    else result.failed.push({ id: row.id, channel: row.channel, error: outcome.error });
  }
  if (result.failed.length) log.warn("notification_send_failed", { sourceId: intent.sourceId, template, failed: result.failed });
  return result;
}

/** Messages recorded for an address in the last hour, other than this cause's own (a redelivery is not a new message). */
async function recentTo(db: Db, recipient: string, sourceId: string, now: number) {
  const row = await db
    .select({ n: sql<number>`count(*)` })
    .from(notifications)
    .where(and(eq(notifications.recipient, recipient), sql`${notifications.createdAt} > ${now - HOUR_MS}`, sql`${notifications.sourceId} != ${sourceId}`))
    .get();
  return row?.n ?? 0;
}

async function sendOne(db: Db, drivers: Drivers, row: NotificationRow, now: () => number): Promise<"sent" | "busy" | "dropped" | { error: string }> {
  const claimedAt = now();
  const claim = await db
    .update(notifications)
    .set({ claimedUntil: claimedAt + LEASE_MS, attempts: sql`${notifications.attempts} + 1`, updatedAt: claimedAt })
    .where(
      and(
        eq(notifications.id, row.id),
        inArray(notifications.status, UNSENT),
        or(isNull(notifications.claimedUntil), lt(notifications.claimedUntil, claimedAt)),
      ),
    )
    .run();
  if (claim.meta.changes !== 1) return "busy";
  const driver = drivers[row.channel];
  try {
    if (!driver) throw new Error(`no driver for ${row.channel}`);
    const { providerId } = await driver.send({ id: row.id, channel: row.channel, to: row.recipient, subject: row.subject, text: row.bodyText, html: row.bodyHtml, url: row.url });
    const done = now();
    await db
      .update(notifications)
      .set({ status: "sent", providerId, sentAt: done, lastError: null, claimedUntil: null, updatedAt: done })
      .where(eq(notifications.id, row.id));
    return "sent";
  } catch (err) {
    const error = ((err as Error).message || String(err)).slice(0, 500);
    const gone = err instanceof PushGone;
    await db
      .update(notifications)
      .set({ status: gone ? "dropped" : "failed", lastError: error, claimedUntil: null, updatedAt: now() })
      .where(eq(notifications.id, row.id));
    return gone ? "dropped" : { error };
  }
}

/** Thrown by a handler when some send failed or is still in flight elsewhere: the queue retries the message with backoff. */
export class RetryLater extends Error {
  constructor(result: DispatchResult) {
    super(`${result.failed.length} send(s) failed, ${result.busy} in flight: ${result.failed.map((f) => `${f.channel}: ${f.error}`).join("; ")}`.slice(0, 1000));
    this.name = "RetryLater";
  }
}

export function settle(result: DispatchResult) {
  if (result.failed.length || result.busy) throw new RetryLater(result);
}
