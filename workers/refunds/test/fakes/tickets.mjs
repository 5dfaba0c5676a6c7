// Stand-in for the tickets worker's TicketsRpc: tests put the tickets of an order (with statuses).
import { WorkerEntrypoint } from "cloudflare:workers";

const tickets = new Map();
export class TicketsRpc extends WorkerEntrypoint {
  ticketsForOrder(orderId) {
    return tickets.get(orderId) ?? [];
  }
  setTickets(orderId, list) {
    tickets.set(orderId, list);
  }
}

export default { fetch: () => new Response("stand-in tickets") };
