import { describe, expect, it } from "vitest";
import { admin, call, testEnv } from "./helpers";

const producer = (testEnv as unknown as { TEST_ORDERS_INBOX: Queue }).TEST_ORDERS_INBOX;

describe("a poison message on the real orders-inbox queue", () => {
  it("is retried, moved to orders-dlq after max_retries, and shown to an operator", async () => {
    const marker = `poison-${Date.now()}`;
    await producer.send({ type: "PaymentSucceeded", payload: { orderId: marker } }); // no id, version, …: not an envelope
    const operator = admin();
    let parked: { id: string; queue: string; body: unknown; receivedAt: string } | undefined;
    const deadline = Date.now() + 25_000;
    while (!parked && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      const view = await call("GET", "/api/orders/admin/dead-letters?limit=100", { as: operator });
      expect(view.status).toBe(200);
      parked = view.json.items.find((i: { body: { payload?: { orderId?: string } } }) => i.body?.payload?.orderId === marker);
    }
    expect(parked).toMatchObject({ queue: "orders-dlq", body: { type: "PaymentSucceeded", payload: { orderId: marker } } });
  }, 30_000);
});
