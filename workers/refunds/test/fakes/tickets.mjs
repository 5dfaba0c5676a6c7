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

// Tickets' InboxReceipts: a subscriber that received nothing yet.
export class InboxReceipts extends WorkerEntrypoint {
  received() {
    return [];
  }
}

export default { fetch: () => new Response("stand-in tickets") };
