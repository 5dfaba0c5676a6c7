import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { canTransition, ORDER_STATUSES, sourcesOf, TRANSITIONS } from "../src/domain/status";
import { canonicalOrderRequest, hashOrderRequest, idempotencyKeySchema } from "../src/domain/idempotency";
import { holdFailureError } from "../src/domain/hold-errors";

describe("order state machine", () => {
  it("lets an unpaid order be paid, cancelled or expired, and nothing leaves refunded", () => {
    expect(canTransition("pending_payment", "confirmed")).toBe(true);
    expect(canTransition("pending_payment", "cancelled")).toBe(true);
    expect(canTransition("pending_payment", "expired")).toBe(true);
    expect(TRANSITIONS.refunded).toEqual([]);
  });

  it("never takes a confirmed order back to unpaid, cancelled or expired", () => {
    for (const to of ["pending_payment", "cancelled", "expired"] as const) expect(canTransition("confirmed", to)).toBe(false);
  });

  it("honours a late payment only through confirm or refund", () => {
    for (const from of ["expired", "cancelled"] as const) {
      expect(TRANSITIONS[from]).toEqual(["confirmed", "refund_pending"]);
    }
  });

  it("has no way back into pending_payment", () => {
    expect(sourcesOf("pending_payment")).toEqual([]);
  });

  it("guards each target with exactly the statuses allowed to reach it", () => {
    for (const to of ORDER_STATUSES) {
      for (const from of ORDER_STATUSES) expect(sourcesOf(to).includes(from)).toBe(canTransition(from, to));
    }
  });
});

describe("idempotency body hashing", () => {
  const body = { eventId: "ev1", items: [{ ticketTypeId: "b", quantity: 1 }, { ticketTypeId: "a", quantity: 2 }] };

  it("hashes the same request the same, whatever the item order", async () => {
    const reordered = { eventId: "ev1", items: [...body.items].reverse() };
    expect(await hashOrderRequest(reordered)).toBe(await hashOrderRequest(body));
  });

  it("merges lines for the same ticket type", () => {
    expect(canonicalOrderRequest({ eventId: "e", items: [{ ticketTypeId: "a", quantity: 1 }, { ticketTypeId: "a", quantity: 2 }] })).toEqual({
      eventId: "e",
      items: [{ ticketTypeId: "a", quantity: 3 }],
    });
  });

  it("tells different requests apart", async () => {
    const base = await hashOrderRequest(body);
    expect(await hashOrderRequest({ ...body, eventId: "ev2" })).not.toBe(base);
    expect(await hashOrderRequest({ eventId: "ev1", items: [{ ticketTypeId: "a", quantity: 2 }] })).not.toBe(base);
    expect(await hashOrderRequest({ eventId: "ev1", items: [{ ticketTypeId: "b", quantity: 2 }, { ticketTypeId: "a", quantity: 2 }] })).not.toBe(base);
  });

  it("is a function of the canonical request only (property)", async () => {
    const item = fc.record({ ticketTypeId: fc.constantFrom("a", "b", "c"), quantity: fc.integer({ min: 1, max: 5 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(item, { minLength: 1, maxLength: 6 }), async (items) => {
        const shuffled = [...items].sort(() => Math.random() - 0.5);
        expect(await hashOrderRequest({ eventId: "e", items: shuffled })).toBe(await hashOrderRequest({ eventId: "e", items }));
      }),
      { numRuns: 50 },
    );
  });
});

describe("request validation", () => {
  it("accepts 8–128 visible characters as an Idempotency-Key", () => {
    expect(idempotencyKeySchema.safeParse("a".repeat(8)).success).toBe(true);
    expect(idempotencyKeySchema.safeParse("x".repeat(128)).success).toBe(true);
    expect(idempotencyKeySchema.safeParse("5f0c7a3e-9b1d-4c2e-8f6a-0d1e2f3a4b5c").success).toBe(true);
  });

  it("refuses short, long or blank-containing keys", () => {
    for (const bad of ["", "short", "y".repeat(129), "has space in it", "tab\there123"]) {
      expect(idempotencyKeySchema.safeParse(bad).success).toBe(false);
    }
  });
});

describe("hold refusals", () => {
  it("maps stock answers onto the contract's codes", () => {
    expect(holdFailureError("sold_out", "gone")).toMatchObject({ status: 409, code: "sold_out" });
    expect(holdFailureError("limit_exceeded", "too many")).toMatchObject({ status: 409, code: "limit_exceeded" });
    expect(holdFailureError("sales_closed", "closed")).toMatchObject({ status: 409, code: "sales_closed" });
    expect(holdFailureError("not_on_sale", "draft")).toMatchObject({ status: 409, code: "not_on_sale" });
    expect(holdFailureError("unknown_ticket_type", "nope")).toMatchObject({ status: 404, code: "unknown_ticket_type" });
  });
});
