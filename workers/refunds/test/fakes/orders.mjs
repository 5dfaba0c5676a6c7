// Stand-in for the orders worker's OrdersRpc (INTERFACES.md): tests put the orders it knows.
import { WorkerEntrypoint } from "cloudflare:workers";

const orders = new Map();
export class OrdersRpc extends WorkerEntrypoint {
  getOrder(orderId) {
    return orders.get(orderId) ?? null;
  }
  setOrder(order) {
    orders.set(order.id, order);
  }
}

/** The orders inbox's receipts (delivery confirmed by effect): it received none of our events. */
export class InboxReceipts extends WorkerEntrypoint {
  received() {
    return [];
  }
}

export default { fetch: () => new Response("stand-in orders") };
