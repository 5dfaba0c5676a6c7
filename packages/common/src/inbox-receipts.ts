import { WorkerEntrypoint } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { receivedEvents, type InboxReceiptsApi } from "./delivery";
import type { Envelope } from "./events";
import { envWithBackgroundDeadlines } from "./resilience";

/**
 * RPC entrypoint every inbox-consuming worker exports (`export { InboxReceipts } from
 * "@tickets/common/inbox-receipts"`): producers bind it as `<INBOX>_RECEIPTS` to learn which of
 * their sent events this inbox received (see delivery.ts). It reads only event ids.
 * Workers with a direct lane (direct-delivery.ts: orders, tickets) extend it and override
 * `deliver`; here it takes nothing, so the producer queues everything.
 */
export class InboxReceipts<E extends { DB: D1Database } = { DB: D1Database }> extends WorkerEntrypoint<E> implements InboxReceiptsApi {
  async received(ids: string[]): Promise<string[]> {
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== "string")) throw new TypeError("ids must be strings");
    return receivedEvents(drizzle(this.env.DB), ids);
  }

  async deliver(_events: Envelope[]): Promise<string[]> {
    return [];
  }
}

/**
 * The InboxReceipts class of a worker with a direct lane (direct-delivery.ts): `deliver` runs
 * `take` under the same RPC deadlines as its queue consumer.
 */
export function inboxReceiptsWithDirectLane<E extends { DB: D1Database }>(take: (events: unknown[], env: E, ctx: ExecutionContext) => Promise<string[]>) {
  return class extends InboxReceipts<E> {
    override async deliver(events: Envelope[]): Promise<string[]> {
      return take(events, envWithBackgroundDeadlines(this.env), this.ctx);
    }
  };
}
