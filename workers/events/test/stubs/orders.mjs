// Stand-in for the orders worker's OrdersRpc in this worker's workerd tests (the real one is used
// in e2e): a cancellation whose batch has not started yet, with the counts orders would report.
import { WorkerEntrypoint } from "cloudflare:workers";

export class OrdersRpc extends WorkerEntrypoint {
  async cancellationProgress(eventId) {
    return { total: 3, succeeded: 1, failed: 0, pending: 2, status: "running", startedAt: null, completedAt: null, eventId };
  }
}

/** Its inbox has received nothing: every event the cron asks about is sent again. */
export class InboxReceipts extends WorkerEntrypoint {
  async received() {
    return [];
  }
}

export default { fetch: () => new Response("orders stand-in", { status: 404 }) };
