// Contract stand-ins for the RPC entrypoints of the workers orders binds (EventsRpc, PaymentsRpc,
// TicketsRpc), as INTERFACES.md describes them, so the orders worker can be tested on its own
// inside workerd. The inventory object is the real one (events-worker.ts); the real workers are
// exercised together in e2e/checkout.test.ts.
import { WorkerEntrypoint } from "cloudflare:workers";
import type { PaymentsApi, TicketView } from "../../src/ports";

type PaymentInput = Parameters<PaymentsApi["createPaymentUrl"]>[0];

const organizers = new Map<string, string>();
export class EventsRpc extends WorkerEntrypoint {
  setOrganizer(eventId: string, userId: string) {
    organizers.set(eventId, userId);
  }
  getEventAccess(eventId: string, userId: string) {
    const organizerId = organizers.get(eventId) ?? null;
    return { exists: organizerId !== null, organizerId, isOrganizer: organizerId === userId, isStaff: false };
  }
}

const paymentCalls: PaymentInput[] = [];
export class PaymentsRpc extends WorkerEntrypoint {
  createPaymentUrl(input: PaymentInput) {
    paymentCalls.push(input);
    const q = new URLSearchParams({ vnp_TxnRef: input.orderId, vnp_Amount: String(input.amountVnd * 100) });
    return { paymentUrl: `${input.publicOrigin}/paymentv2/vpcpay.html?${q}`, txnRef: input.orderId };
  }
  refund(input: { amountVnd: number }) {
    return { status: "succeeded", responseCode: "00", message: `refunded ${input.amountVnd}` };
  }
  calls(orderId: string) {
    return paymentCalls.filter((c) => c.orderId === orderId);
  }
}

/** A subscriber (tickets, notifications, refunds) that received none of our events. */
export class InboxReceipts extends WorkerEntrypoint {
  received(): string[] {
    return [];
  }
}

export class TicketsRpc extends WorkerEntrypoint {
  ticketsForOrder(): TicketView[] {
    return [];
  }
}

export default { fetch: () => new Response("stand-in worker") };
