// Stand-in for the payments worker's PaymentsRpc: refunds of orders whose id starts with
// "declined-" are refused, as VNPAY would answer them; tests may script the next answers of an
// order ("refuse", "timeout" = unknown outcome / retryable, "throw" = payments unreachable).
import { WorkerEntrypoint } from "cloudflare:workers";

const calls = [];
const scripts = new Map();
const refused = { status: "failed", responseCode: "95", message: "Transaction not successful at VNPAY", retryable: false };
export class PaymentsRpc extends WorkerEntrypoint {
  async refund(input) {
    calls.push(input);
    // Long enough for concurrent claimers to overlap if the lease let them.
    await new Promise((r) => setTimeout(r, 30));
    const next = scripts.get(input.orderId)?.shift();
    if (next === "throw") throw new Error("payments worker unavailable");
    if (next === "timeout") return { status: "failed", responseCode: "99", message: "VNPAY refund call failed: The operation was aborted due to timeout", retryable: true };
    if (next === "refuse" || input.orderId.startsWith("declined-")) return refused;
    return { status: "succeeded", responseCode: "00", message: "Refund accepted", retryable: false };
  }
  refundCalls(orderId) {
    return calls.filter((c) => c.orderId === orderId);
  }
  script(orderId, outcomes) {
    scripts.set(orderId, [...outcomes]);
  }
}

export default { fetch: () => new Response("stand-in payments") };
