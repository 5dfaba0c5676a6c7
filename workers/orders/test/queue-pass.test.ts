import { describe, expect, it } from "vitest";
import { signQueueToken } from "@tickets/common";
import { call, key, saleOf, testEnv, user } from "./helpers";

/** A pass as the waiting room signs it (events worker, same QUEUE_PASS_SECRET). */
const passFor = (eventId: string, userId: string, expiresAt = Date.now() + 600_000) =>
  signQueueToken("pass", { eventId, userId, expiresAt }, testEnv.QUEUE_PASS_SECRET);

const order = (buyer: ReturnType<typeof user>, eventId: string, ticketTypeId: string, pass?: string) =>
  call("POST", "/api/orders", {
    as: buyer,
    body: { eventId, items: [{ ticketTypeId, quantity: 1 }] },
    headers: { "idempotency-key": key(), ...(pass === undefined ? {} : { "queue-pass": pass }) },
  });

describe("POST /api/orders while the waiting room is on", () => {
  it("refuses checkout without a pass, with another buyer's, another event's, an expired or a forged one (403 queue_required, nothing held)", async () => {
    const sale = await saleOf(10, 250_000, { queueOn: true });
    const other = await saleOf(10, 250_000, { queueOn: true });
    const buyer = user();
    const someoneElse = user();
    const attempts = {
      none: undefined,
      otherBuyer: await passFor(sale.eventId, someoneElse.userId),
      otherEvent: await passFor(other.eventId, buyer.userId),
      expired: await passFor(sale.eventId, buyer.userId, Date.now() - 1),
      // The signature's first character, not its last: the last one of a base64url HMAC also
      // carries padding bits, so changing it may leave the signature's bytes as they were.
      forged: (await passFor(sale.eventId, buyer.userId)).replace(/\.(.)([^.]*)$/, (_, c: string, rest: string) => `.${c === "A" ? "B" : "A"}${rest}`),
    };
    for (const [name, pass] of Object.entries(attempts)) {
      const res = await order(buyer, sale.eventId, sale.ticketTypeId, pass);
      expect(res.status, name).toBe(403);
      expect(res.json.error.code, name).toBe("queue_required");
    }
    expect(await sale.available()).toBe(10);
  });

  it("lets the admitted buyer in with their own pass for this event", async () => {
    const sale = await saleOf(10, 250_000, { queueOn: true });
    const buyer = user();
    const res = await order(buyer, sale.eventId, sale.ticketTypeId, await passFor(sale.eventId, buyer.userId));
    expect(res.status).toBe(201);
    expect(res.json.order.status).toBe("pending_payment");
  });

  it("needs no pass while the room is off", async () => {
    const sale = await saleOf();
    const res = await order(user(), sale.eventId, sale.ticketTypeId);
    expect(res.status).toBe(201);
  });
});
