import { describe, expect, it } from "vitest";
import { eventually } from "./client";
import { newKey, payAtSandbox, placeOrder, publishedSale, signUp, statusBecomes } from "./saga-helpers";
import type { Client } from "./client";

type Message = { template: string; channel: string; bodyText: string; status: string };
const paymentLinks = async (buyer: Client) => {
  const res = await buyer.get("/api/notifications");
  expect(res.status).toBe(200);
  return (res.json.items as Message[]).filter((m) => m.template === "payment_link");
};
/** Waits until the buyer's messages settle: nothing new for a few seconds after the relay had its chance. */
const settle = (ms = 4_000) => new Promise((r) => setTimeout(r, ms));

describe("payment link by email (PaymentRequested → payment_link)", () => {
  it("sends the buyer one payment_link carrying the order's payment URL, also when the request is retried", async () => {
    const { sale } = await publishedSale({ quantity: 10, priceVnd: 250_000 });
    const { client: buyer } = await signUp();
    const key = newKey();
    const created = await placeOrder(buyer, sale, 2, key);
    expect(created.status).toBe(201);
    // The same request again (another payment URL may be made for it): still one link.
    expect((await placeOrder(buyer, sale, 2, key)).status).toBe(200);
    const [link] = await eventually(async () => {
      const found = await paymentLinks(buyer);
      return found.length ? found : null;
    });
    expect(link.channel).toBe("email");
    expect(link.bodyText).toContain(created.json.paymentUrl);
    expect(link.bodyText).toMatch(/500[.,]000/);
    await settle();
    expect(await paymentLinks(buyer)).toHaveLength(1);
  });

  it("sends none for an order cancelled before the link is relayed, at most one for an order paid at once", async () => {
    const { sale } = await publishedSale({ quantity: 10 });
    const { client: buyer } = await signUp();
    // Cancelled straight after it is placed: by the time notifications checks, it is not pending.
    const cancelled = await placeOrder(buyer, sale, 1);
    expect(cancelled.status).toBe(201);
    const cancel = await buyer.post(`/api/orders/${cancelled.json.order.id}/cancel`);
    expect(cancel.status).toBe(200);

    const { client: payer } = await signUp();
    const paid = await placeOrder(payer, sale, 1);
    expect(paid.status).toBe(201);
    await payAtSandbox(paid.json.paymentUrl, "success");
    await statusBecomes(payer, paid.json.order.id, "confirmed");

    await settle(6_000);
    // notifications checks the order when it handles the event (the queue batches for up to 1 s,
    // so a cancel right after the answer comes first): a cancelled order gets no link.
    expect(await paymentLinks(buyer)).toEqual([]);
    // Paid at once: zero if the payment landed before the check, else the one link sent while it
    // was still pending; never a second.
    expect((await paymentLinks(payer)).length).toBeLessThanOrEqual(1);
  });
});
