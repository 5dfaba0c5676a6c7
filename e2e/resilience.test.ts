import { afterAll, describe, expect, it } from "vitest";
import { Client, eventually, uniqueEmail } from "./client";
import { available, newKey, placeOrder, publishedSale, signUp } from "./saga-helpers";

// Dependencies switched off and on on the booted stack. VNPAY: the sandbox's __control
// {api: "unavailable"} takes its whole querydr/refund API down (dev-only). Breakers probe again
// BREAKER_COOLDOWN_MS (2 s in e2e/global-setup.ts) after they open.

const sandboxControl = async (body: Record<string, unknown>) => {
  const res = await new Client().post("/merchant_webapi/__control", body);
  expect(res.status, res.text).toBe(200);
};
const runPaymentsCron = async () => {
  const res = await new Client().post("/__dev/cron", { worker: "payments", cron: "* * * * *" });
  expect(res.status, res.text).toBe(200);
};
const health = async () => (await new Client().get("/api/health")).json as { status: string; services: Record<string, string>; breakers: Record<string, string> };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterAll(async () => {
  await sandboxControl({ api: "ok" });
});

describe("an order for an event that does not exist (finding 7)", () => {
  it("is 404 event_not_found, and nothing is created", async () => {
    const { client: buyer } = await signUp();
    const missing = { eventId: "01NOSUCHEVENT000000000000", ticketTypeId: "01NOSUCHTYPE0000000000000" };
    const res = await placeOrder(buyer, missing, 1);
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe("event_not_found");
    const mine = await buyer.get("/api/orders");
    expect(mine.json.items).toEqual([]);
  });
});

describe("VNPAY down", () => {
  it("opens the vnpay breaker (seen in /api/health), checkout answers 503 payments_unavailable holding nothing; back up, the breaker closes and checkout works", async () => {
    const before = await health();
    expect(before.status).toBe("ok");
    expect(before.breakers).toMatchObject({ vnpay: "closed", payments: "closed", email: "closed", sms: "closed", push: "closed" });

    // Three unpaid orders whose payments reconciliation asks VNPAY about (querydr) from 1 s on.
    const { sale: probes } = await publishedSale({ quantity: 10 });
    const { client: buyer } = await signUp();
    for (let i = 0; i < 3; i++) expect((await placeOrder(buyer, probes, 1)).status).toBe(201);

    await sandboxControl({ api: "unavailable" });
    await sleep(1_100);
    await eventually(async () => {
      await runPaymentsCron();
      return (await health()).breakers.vnpay === "open";
    }, 20_000, 500);
    const down = await health();
    expect(down.status).toBe("ok"); // a provider down degrades checkout; every service still answers
    expect(down.breakers.vnpay).toBe("open");

    const { sale } = await publishedSale({ quantity: 4 });
    const { client: late } = await signUp();
    const refused = await placeOrder(late, sale, 2);
    expect(refused.status).toBe(503);
    expect(refused.json.error).toMatchObject({ code: "payments_unavailable", message: expect.any(String) });
    // Nothing held: the hold was released in the same request (availability is published within ~1 s).
    await sleep(1_500);
    expect(await available(sale)).toBe(4);
    const orders = (await late.get("/api/orders")).json.items as Array<{ status: string }>;
    expect(orders.every((o) => o.status === "cancelled")).toBe(true);

    // VNPAY back: after the cool-down the breaker is half-open and new payments start again; the
    // next querydr (the probe) closes it.
    await sandboxControl({ api: "ok" });
    await eventually(async () => (await health()).breakers.vnpay !== "open", 10_000, 250);
    const placed = await placeOrder(late, sale, 2, newKey());
    expect(placed.status).toBe(201);
    expect(placed.json.paymentUrl).toContain("vpcpay.html");
    await sleep(1_100);
    await eventually(async () => {
      await runPaymentsCron();
      return (await health()).breakers.vnpay === "closed";
    }, 20_000, 500);
    await eventually(async () => (await available(sale)) === 2, 5_000);
  });
});

describe("inventory hoarding through the gateway (finding 2)", () => {
  /** A fresh account whose requests all come from `ip` (as one script on one machine would). */
  async function accountAt(ip: string) {
    const client = new Client(ip);
    const res = await client.post("/api/auth/register", { email: uniqueEmail("hoarder"), password: "correct-horse-battery", name: "Hoarder", role: "buyer" });
    expect(res.status).toBe(201);
    client.token = res.json.accessToken;
    return client;
  }

  it("fresh accounts from one client address hold at most 10 unpaid orders of an event; another address still buys", async () => {
    const { sale } = await publishedSale({ quantity: 40 });
    const ip = new Client().ip;
    for (let i = 0; i < 10; i++) expect((await placeOrder(await accountAt(ip), sale, 1)).status).toBe(201);
    const refused = await placeOrder(await accountAt(ip), sale, 1);
    expect(refused.status).toBe(429);
    expect(refused.json.error.code).toBe("client_limit_exceeded");
    const { client: elsewhere } = await signUp();
    expect((await placeOrder(elsewhere, sale, 1)).status).toBe(201);
    await eventually(async () => (await available(sale)) === 29, 5_000);
  });

  it("a buyer who cancels waits before holding the same event again (429 hold_cooldown with Retry-After)", async () => {
    const { sale } = await publishedSale({ quantity: 5 });
    const { client: buyer } = await signUp();
    const first = await placeOrder(buyer, sale, 1);
    expect((await buyer.post(`/api/orders/${first.json.order.id}/cancel`)).status).toBe(200);
    const again = await placeOrder(buyer, sale, 1);
    expect(again.status).toBe(429);
    expect(again.json.error.code).toBe("hold_cooldown");
    expect(Number(again.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("browsers may send the Turnstile token: the gateway's CORS allows cf-turnstile-response", async () => {
    const res = await new Client().call("OPTIONS", "/api/orders", {
      headers: { origin: "http://localhost:8788", "access-control-request-method": "POST", "access-control-request-headers": "cf-turnstile-response" },
    });
    expect(res.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("cf-turnstile-response");
  });
});
