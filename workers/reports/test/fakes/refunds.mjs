// Stand-in for the refunds worker's RefundsRpc.succeededTotals: tests put the succeeded refunds.
import { WorkerEntrypoint } from "cloudflare:workers";

let totals = [];
export class RefundsRpc extends WorkerEntrypoint {
  succeededTotals() {
    return totals;
  }
  setSucceededTotals(next) {
    totals = next;
  }
}

export default { fetch: () => new Response("stand-in refunds") };
