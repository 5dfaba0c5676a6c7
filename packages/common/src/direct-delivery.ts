import type { Envelope, EventType, Inbox } from "./events";
import type { InboxReceiptsApi } from "./delivery";
import type { Logger } from "./log";
import { withTimeout } from "./resilience";

/**
 * The saga's critical path (payment → order confirmed → tickets) skips the queue when it can: a
 * relay hands these events straight to the subscriber (its InboxReceipts entrypoint's `deliver`,
 * a service-binding call), which runs them through the same idempotent consumer as a queue
 * batch. What the subscriber took is not sent to its queue; anything else (an error, a timeout, a
 * subscriber without a direct lane) goes to the queue exactly as before, and the producer's
 * receipts check still confirms every event by its effect (delivery.ts). So the queue stays the
 * guaranteed path, and the direct call only removes the wait for a batch (locally, the queue
 * broker also pauses between batches: README, performance).
 *
 * Only the two hops a buyer waits on, and only into consumers that already run different sagas
 * concurrently (consumeInbox's `sagasInParallel`), so a direct call is no different to them from
 * one more batch arriving. Everything else (cancellations, refunds, notifications, reports)
 * stays queued.
 */
export const DIRECT_EVENTS = { PaymentSucceeded: "orders", OrderConfirmed: "tickets" } as const satisfies Partial<Record<EventType, Inbox>>;
const DIRECT_INBOXES = [...new Set(Object.values(DIRECT_EVENTS))];
/** The inbox an event of this type goes to directly, if any. */
const directInboxOf = (type: unknown): Inbox | undefined => (DIRECT_EVENTS as Partial<Record<string, Inbox>>)[String(type)];
type DirectInbox = (typeof DIRECT_INBOXES)[number];

/** A subscriber's direct lane: takes events, answers the ids it handled (now or earlier). */
export type DirectInboxApi = InboxReceiptsApi & { deliver(events: Envelope[]): Promise<string[]> };

export type DirectDeliveryEnv = Partial<Record<`${Uppercase<DirectInbox>}_RECEIPTS`, InboxReceiptsApi>> & {
  /** "off" sends everything through the queues (tests of the queue path). */
  OUTBOX_DIRECT_DELIVERY?: string;
  /** How long a relay waits for a subscriber to take its events (default 15 s). */
  OUTBOX_DIRECT_TIMEOUT_MS?: string;
};

/** Event ids each inbox already took directly: the relay does not queue them for that inbox. */
export type Taken = Map<Inbox, Set<string>>;

const DEFAULT_TIMEOUT_MS = 15_000;

export async function deliverDirectly(env: DirectDeliveryEnv, events: Envelope[], log?: Logger): Promise<Taken> {
  const taken: Taken = new Map();
  if (env.OUTBOX_DIRECT_DELIVERY === "off") return taken;
  const ms = Number(env.OUTBOX_DIRECT_TIMEOUT_MS) > 0 ? Number(env.OUTBOX_DIRECT_TIMEOUT_MS) : DEFAULT_TIMEOUT_MS;
  await Promise.all(
    DIRECT_INBOXES.map(async (inbox) => {
      const lane = env[`${inbox.toUpperCase() as Uppercase<DirectInbox>}_RECEIPTS`] as DirectInboxApi | undefined;
      const mine = events.filter((e) => directInboxOf(e.type) === inbox);
      if (!lane || mine.length === 0) return;
      try {
        const ids = await withTimeout(lane.deliver(mine), ms, `${inbox} direct delivery`);
        taken.set(inbox, new Set(ids));
      } catch (err) {
        log?.warn("direct_delivery_failed", { inbox, count: mine.length, error: (err as Error).message });
      }
    }),
  );
  return taken;
}

/** What a subscriber's `deliver` may take: only the direct events addressed to its inbox (the rest is left to the queue). */
export function directEventsFor(inbox: Inbox, events: unknown): unknown[] {
  if (!Array.isArray(events)) throw new TypeError("events must be an array");
  return events.filter((e) => directInboxOf((e as { type?: unknown } | null)?.type) === inbox);
}
