// Contract stand-in for a subscriber worker's InboxReceipts entrypoint in a producer's workerd
// tests (the real one is packages/common/src/inbox-receipts.ts, exercised end to end): a
// subscriber that received nothing yet. Tests that need receipts pass their own in the env.
import { WorkerEntrypoint } from "cloudflare:workers";

export class InboxReceipts extends WorkerEntrypoint {
  received() {
    return [];
  }
}

export default { fetch: () => new Response("stand-in subscriber") };
