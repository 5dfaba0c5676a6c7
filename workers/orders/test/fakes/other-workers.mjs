// Stand-ins for the workers orders binds (events + its EventInventory, payments, tickets), as
// INTERFACES.md describes them, so the orders worker can boot and be tested on its own inside
// workerd. The real ones are exercised together in e2e/checkout.test.ts.
import { DurableObject, WorkerEntrypoint } from "cloudflare:workers";

export class EventInventory extends DurableObject {
  types = new Map();
  holds = new Map();
  holdCalls = 0;

  setup(ticketTypes) {
    for (const t of ticketTypes) this.types.set(t.id, { maxPerOrder: 10, ...t, held: 0, sold: 0 });
  }

  hold(req) {
    this.holdCalls++;
    const prev = this.holds.get(req.orderId);
    if (prev && (prev.state === "active" || prev.state === "sold")) return { ...prev.result, alreadyHeld: true };
    const priced = [];
    for (const item of req.items) {
      const t = this.types.get(item.ticketTypeId);
      if (!t) return { ok: false, code: "unknown_ticket_type", message: `No ticket type ${item.ticketTypeId}` };
      if (item.quantity > t.maxPerOrder) return { ok: false, code: "limit_exceeded", message: "Over the per-order limit" };
      if (item.quantity > t.quantity - t.held - t.sold) return { ok: false, code: "sold_out", message: "Sold out" };
      priced.push({ ticketTypeId: t.id, quantity: item.quantity, name: t.name, unitPriceVnd: t.priceVnd });
    }
    for (const item of req.items) this.types.get(item.ticketTypeId).held += item.quantity;
    const result = {
      ok: true,
      orderId: req.orderId,
      expiresAt: new Date(Date.now() + req.ttlSeconds * 1000).toISOString(),
      items: priced,
      totalVnd: priced.reduce((s, i) => s + i.quantity * i.unitPriceVnd, 0),
      alreadyHeld: false,
    };
    this.holds.set(req.orderId, { items: req.items, state: "active", result });
    return result;
  }

  #end(orderId, state) {
    const h = this.holds.get(orderId);
    if (!h || h.state !== "active") return false;
    for (const item of h.items) this.types.get(item.ticketTypeId).held -= item.quantity;
    h.state = state;
    return true;
  }

  release(orderId) {
    return { released: this.#end(orderId, "released") };
  }

  /** What the object's alarm does when a hold runs out. */
  expire(orderId) {
    return this.#end(orderId, "expired");
  }

  commit(orderId) {
    const h = this.holds.get(orderId);
    if (!h) return { ok: false, code: "hold_not_found" };
    if (h.state === "sold") return { ok: true, alreadyCommitted: true };
    if (h.state !== "active") return { ok: false, code: "hold_expired" };
    for (const item of h.items) {
      const t = this.types.get(item.ticketTypeId);
      t.held -= item.quantity;
      t.sold += item.quantity;
    }
    h.state = "sold";
    return { ok: true, alreadyCommitted: false };
  }

  availability() {
    return [...this.types.values()].map((t) => ({
      ticketTypeId: t.id,
      quantity: t.quantity,
      held: t.held,
      sold: t.sold,
      available: t.quantity - t.held - t.sold,
    }));
  }

  stats() {
    return { holdCalls: this.holdCalls };
  }
}

const organizers = new Map();
export class EventsRpc extends WorkerEntrypoint {
  setOrganizer(eventId, userId) {
    organizers.set(eventId, userId);
  }
  getEventAccess(eventId, userId) {
    const organizerId = organizers.get(eventId) ?? null;
    return { exists: organizerId !== null, organizerId, isOrganizer: organizerId === userId, isStaff: false };
  }
}

const paymentCalls = [];
export class PaymentsRpc extends WorkerEntrypoint {
  createPaymentUrl(input) {
    paymentCalls.push(input);
    const q = new URLSearchParams({ vnp_TxnRef: input.orderId, vnp_Amount: String(input.amountVnd * 100) });
    return { paymentUrl: `${input.publicOrigin}/paymentv2/vpcpay.html?${q}`, txnRef: input.orderId };
  }
  refund(input) {
    return { status: "succeeded", responseCode: "00", message: `refunded ${input.amountVnd}` };
  }
  calls(orderId) {
    return paymentCalls.filter((c) => c.orderId === orderId);
  }
}

export class TicketsRpc extends WorkerEntrypoint {
  ticketsForOrder() {
    return [];
  }
}

export default { fetch: () => new Response("stand-in worker") };
