// Contract stand-ins for the RPC entrypoints of the workers orders binds (EventsRpc, PaymentsRpc,
// TicketsRpc, RefundsRpc, NotificationsRpc), as INTERFACES.md describes them, so the orders worker can be tested on its own
// inside workerd. The inventory object is the real one (events-worker.ts); the real workers are
// exercised together in e2e/checkout.test.ts.
import { WorkerEntrypoint } from "cloudflare:workers";
import type { TimelineItem, Trace } from "@tickets/common";
import type { PaymentsApi, RefundsApi, TicketView } from "../../src/ports";

/**
 * `timelineFor` as every service answers it: the steps a test gave this worker for the order
 * (none by default), or a failure, or an answer that comes only after `delayMs`. Each stand-in is
 * its own worker, so each keeps its own script; the traces it was called with are kept too.
 */
type TimelineScript = { items?: TimelineItem[]; fail?: string; delayMs?: number };
const timelineScripts = new Map<string, TimelineScript>();
const timelineTraces = new Map<string, Trace | undefined>();
async function scriptedTimeline(orderId: string, trace?: Trace): Promise<TimelineItem[]> {
  timelineTraces.set(orderId, trace);
  const script = timelineScripts.get(orderId) ?? {};
  if (script.delayMs) await new Promise((r) => setTimeout(r, script.delayMs));
  if (script.fail) throw new Error(script.fail);
  return script.items ?? [];
}
/** Test hooks shared by every stand-in with a timeline. */
class TimelineStandIn extends WorkerEntrypoint {
  timelineFor(orderId: string, trace?: Trace) {
    return scriptedTimeline(orderId, trace);
  }
  scriptTimeline(orderId: string, script: TimelineScript) {
    timelineScripts.set(orderId, script);
  }
  timelineTraceOf(orderId: string) {
    return timelineTraces.get(orderId) ?? null;
  }
}

type PaymentInput = Parameters<PaymentsApi["createPaymentUrl"]>[0];

const organizers = new Map<string, string>();
const existing = new Set<string>();
let accessHangs = false;
/** Ids (hex) of the inventory objects constructed in this worker (events-worker.ts adds them). */
export const constructedInventories = new Set<string>();
export class EventsRpc extends WorkerEntrypoint {
  setOrganizer(eventId: string, userId: string) {
    organizers.set(eventId, userId);
    existing.add(eventId);
  }
  /** Test hook: the event exists in the events worker (saleOf registers every event it makes). */
  addEvent(eventId: string) {
    existing.add(eventId);
  }
  eventExists(eventId: string) {
    return existing.has(eventId);
  }
  /** Test hook: whether an inventory object with this id was ever constructed. */
  inventoryConstructed(idHex: string) {
    return constructedInventories.has(idHex);
  }
  /** Test hook: getEventAccess never answers (a hung events worker). */
  setAccessHangs(hangs: boolean) {
    accessHangs = hangs;
  }
  async getEventAccess(eventId: string, userId: string) {
    if (accessHangs) await new Promise((resolve) => setTimeout(resolve, 30_000));
    const organizerId = organizers.get(eventId) ?? null;
    return { exists: organizerId !== null, organizerId, isOrganizer: organizerId === userId, isStaff: false };
  }
}

const paymentCalls: PaymentInput[] = [];
/** Test hook state: the payments worker answers, fails (as when it is down or refuses) or never answers. */
let paymentsMode: "ok" | "fail" | "hang" = "ok";
export class PaymentsRpc extends TimelineStandIn {
  setMode(mode: typeof paymentsMode) {
    paymentsMode = mode;
  }
  async createPaymentUrl(input: PaymentInput) {
    paymentCalls.push(input);
    if (paymentsMode === "fail") throw new Error("payments_unavailable: VNPAY is unavailable (circuit open)");
    // A timer, not a bare pending promise (which workerd cancels at once as a hung request).
    if (paymentsMode === "hang") await new Promise((resolve) => setTimeout(resolve, 30_000));
    const q = new URLSearchParams({ vnp_TxnRef: input.orderId, vnp_Amount: String(input.amountVnd * 100) });
    return { paymentUrl: `${input.publicOrigin}/paymentv2/vpcpay.html?${q}`, txnRef: input.orderId };
  }
  refund(input: { amountVnd: number }) {
    return { status: "succeeded", responseCode: "00", message: `refunded ${input.amountVnd}` };
  }
  calls(orderId: string) {
    return paymentCalls.filter((c) => c.orderId === orderId);
  }
  callCount() {
    return paymentCalls.length;
  }
}

/** A subscriber (tickets, notifications, refunds) that received none of our events. */
export class InboxReceipts extends WorkerEntrypoint {
  received(): string[] {
    return [];
  }
}

export class TicketsRpc extends TimelineStandIn {
  ticketsForOrder(): TicketView[] {
    return [];
  }
}

type CancellationRequest = Parameters<RefundsApi["refundForCancellation"]>[0][number];

/** RefundsRpc as the cancellation batch uses it: one refund per order however often asked; every call recorded. */
const cancellationRefunds = new Map<string, CancellationRequest & { refundId: string }>();
const cancellationCalls: string[][] = [];
export class RefundsRpc extends TimelineStandIn {
  refundForCancellation(requests: CancellationRequest[]) {
    cancellationCalls.push(requests.map((r) => r.orderId));
    return requests.map((r) => {
      const refund = cancellationRefunds.get(r.orderId) ?? { ...r, refundId: `refund-${r.orderId}` };
      cancellationRefunds.set(r.orderId, refund);
      return { orderId: r.orderId, refundId: refund.refundId, status: "succeeded" };
    });
  }
  cancellationRefundCounts(eventId: string) {
    const n = [...cancellationRefunds.values()].filter((r) => r.eventId === eventId).length;
    return { total: n, requested: 0, processing: 0, succeeded: n, failed: 0 };
  }
  /** Test hook: what was asked for this event's orders, call by call. */
  requestsFor(eventId: string) {
    const ids = new Set([...cancellationRefunds.values()].filter((r) => r.eventId === eventId).map((r) => r.orderId));
    return cancellationCalls.map((call) => call.filter((id) => ids.has(id))).filter((call) => call.length > 0);
  }
  amountsFor(eventId: string) {
    return [...cancellationRefunds.values()].filter((r) => r.eventId === eventId).map((r) => ({ orderId: r.orderId, amountVnd: r.amountVnd }));
  }
}

export class NotificationsRpc extends TimelineStandIn {}

export default { fetch: () => new Response("stand-in worker") };
