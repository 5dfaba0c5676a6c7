// Stand-in for the payments worker's PaymentsRpc (INTERFACES.md): refunds of orders whose id
// starts with "declined-" fail, as VNPAY would answer them.
import { WorkerEntrypoint } from "cloudflare:workers";

const calls = [];
export class PaymentsRpc extends WorkerEntrypoint {
  refund(input) {
    calls.push(input);
    return input.orderId.startsWith("declined-")
      ? { status: "failed", responseCode: "95", message: "Transaction not successful at VNPAY" }
      : { status: "succeeded", responseCode: "00", message: "Refund accepted" };
  }
  refundCalls(orderId) {
    return calls.filter((c) => c.orderId === orderId);
  }
}

export default { fetch: () => new Response("stand-in payments") };
