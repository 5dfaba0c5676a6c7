// Stand-in for the reports worker in this worker's workerd tests (the real one is used in e2e):
// its inbox has received every AuditRecorded it is asked about.
import { WorkerEntrypoint } from "cloudflare:workers";

export class InboxReceipts extends WorkerEntrypoint {
  async received(ids) {
    return ids;
  }
}

export default { fetch: () => new Response("reports stand-in", { status: 404 }) };
