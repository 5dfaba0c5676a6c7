import { WorkerEntrypoint } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { receivedEvents, type InboxReceiptsApi } from "./delivery";

/**
 * RPC entrypoint every inbox-consuming worker exports (`export { InboxReceipts } from
 * "@tickets/common/inbox-receipts"`): producers bind it as `<INBOX>_RECEIPTS` to learn which of
 * their sent events this inbox received (see delivery.ts). It reads only event ids.
 */
export class InboxReceipts extends WorkerEntrypoint<{ DB: D1Database }> implements InboxReceiptsApi {
  async received(ids: string[]): Promise<string[]> {
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== "string")) throw new TypeError("ids must be strings");
    return receivedEvents(drizzle(this.env.DB), ids);
  }
}
