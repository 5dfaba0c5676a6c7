import { describe, expect, it } from "vitest";
import { parseEnvelope } from "@tickets/common";
import { ORIGIN, newOrderId, rpc, testEnv } from "./helpers";

const buyer = { eventId: "EV1", buyerId: "U1", buyerEmail: "lan@example.test" };
const start = (orderId: string, withBuyer = true) =>
  rpc.createPaymentUrl({
    orderId,
    amountVnd: 700_000,
    expiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
    orderInfo: `Thanh toan don hang ${orderId}`,
    publicOrigin: ORIGIN,
    clientIp: "203.0.113.7",
    locale: "vn",
    ...(withBuyer ? { buyer } : {}),
  });
const requestsOf = async (orderId: string) =>
  (await testEnv.DB.prepare("SELECT envelope FROM outbox WHERE type = 'PaymentRequested'").all<{ envelope: string }>()).results
    .map((r) => parseEnvelope(JSON.parse(r.envelope)))
    .filter((e) => (e.payload as { orderId?: string }).orderId === orderId);

describe("PaymentRequested (the buyer's payment link)", () => {
  it("is written with the order's first attempt, carrying that attempt's URL, amount and deadline", async () => {
    const orderId = newOrderId();
    const { paymentUrl } = await start(orderId);
    const [event] = await requestsOf(orderId);
    expect(event?.payload).toMatchObject({ orderId, ...buyer, amountVnd: 700_000, paymentUrl });
  });

  it("is written once per order, however many URLs are made for it (concurrent and later calls)", async () => {
    const orderId = newOrderId();
    await Promise.all([start(orderId), start(orderId), start(orderId)]);
    await start(orderId);
    expect(await requestsOf(orderId)).toHaveLength(1);
    const attempts = await testEnv.DB.prepare("SELECT COUNT(*) AS n FROM payment_attempts WHERE order_id = ?").bind(orderId).first<{ n: number }>();
    expect(attempts?.n).toBe(4);
  });

  it("is not written when the caller names no buyer", async () => {
    const orderId = newOrderId();
    await start(orderId, false);
    expect(await requestsOf(orderId)).toHaveLength(0);
  });
});
