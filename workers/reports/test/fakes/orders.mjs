// Stand-in for the orders worker's OrdersRpc.salesTotals: tests put what the orders say was sold.
import { WorkerEntrypoint } from "cloudflare:workers";

let totals = { byTicketType: [], orders: [] };
export class OrdersRpc extends WorkerEntrypoint {
  salesTotals() {
    return totals;
  }
  setSalesTotals(next) {
    totals = next;
  }
}

export default { fetch: () => new Response("stand-in orders") };
