import { describe, expect, it } from "vitest";
import type { MetricsReader } from "@tickets/common";
import { eventually, key, placeOrder, saleOf, testEnv, user } from "./helpers";

// The readable copy of the metric points (workers/dev-metrics, bound as DEV_METRICS in development).
const recorded = (testEnv as unknown as { DEV_METRICS: MetricsReader }).DEV_METRICS;
const pointsFor = async (eventId: string) => (await recorded.points({ subject: eventId, since: 0 })).map((p) => `${p.worker}:${p.name}`);

describe("business metrics of POST /api/orders", () => {
  it("counts each created order once (not its idempotent replay) and each sold-out refusal, per event", async () => {
    const sale = await saleOf(2);
    const body = { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 2 }] };
    const buyer = user();
    const first = key();
    expect((await placeOrder(buyer, first, body)).status).toBe(201);
    expect((await placeOrder(buyer, first, body)).status).toBe(200); // the same order again
    const refused = await placeOrder(user(), key(), body);
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe("sold_out");

    await eventually(async () => (await pointsFor(sale.eventId)).length >= 2);
    expect((await pointsFor(sale.eventId)).sort()).toEqual(["orders:order_created", "orders:order_sold_out"]);
  });

  it("writes nothing for a refusal that is not sold_out (limit exceeded)", async () => {
    const sale = await saleOf(50);
    const tooMany = await placeOrder(user(), key(), { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 40 }] });
    expect(tooMany.status).toBe(409);
    expect(tooMany.json.error.code).toBe("limit_exceeded");
    const created = await placeOrder(user(), key(), { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 1 }] });
    expect(created.status).toBe(201);
    await eventually(async () => (await pointsFor(sale.eventId)).length >= 1);
    expect(await pointsFor(sale.eventId)).toEqual(["orders:order_created"]);
  });
});
