import { describe, expect, it } from "vitest";
import { quoteRefund } from "../src/domain/policy";

const H = 3_600_000;
const startsAt = "2027-03-01T12:00:00.000Z";
const start = Date.parse(startsAt);
const at = (msBeforeStart: number) => start - msBeforeStart;
const standard = { fullRefundUntilHours: 72, partialRefundUntilHours: 24, partialRefundPercent: 50 };
const defaults = { fullRefundUntilHours: 72, partialRefundUntilHours: 0, partialRefundPercent: 0 };

describe("refund policy", () => {
  it("gives everything back until fullRefundUntilHours before the start, that instant included", () => {
    expect(quoteRefund(standard, startsAt, 700_000, at(30 * 24 * H))).toEqual({ refundable: true, kind: "full", percent: 100, amountVnd: 700_000 });
    expect(quoteRefund(standard, startsAt, 700_000, at(72 * H))).toMatchObject({ kind: "full", amountVnd: 700_000 });
  });

  it("gives partialRefundPercent back from just after the full deadline until partialRefundUntilHours before", () => {
    expect(quoteRefund(standard, startsAt, 700_000, at(72 * H - 1))).toEqual({ refundable: true, kind: "partial", percent: 50, amountVnd: 350_000 });
    expect(quoteRefund(standard, startsAt, 700_000, at(24 * H))).toMatchObject({ kind: "partial", amountVnd: 350_000 });
  });

  it("rounds a partial amount down to whole VND", () => {
    const policy = { fullRefundUntilHours: 48, partialRefundUntilHours: 1, partialRefundPercent: 33 };
    expect(quoteRefund(policy, startsAt, 100_001, at(2 * H))).toMatchObject({ kind: "partial", percent: 33, amountVnd: 33_000 });
  });

  it("gives nothing after the partial deadline, nor once the event has started", () => {
    const late = quoteRefund(standard, startsAt, 700_000, at(24 * H - 1));
    expect(late).toEqual({
      refundable: false,
      message: expect.any(String),
      fullRefundUntil: new Date(at(72 * H)).toISOString(),
      partialRefundUntil: new Date(at(24 * H)).toISOString(),
    });
    expect(quoteRefund(standard, startsAt, 700_000, start + H)).toMatchObject({ refundable: false });
  });

  it("with the default policy, gives everything until 72 h before and nothing after", () => {
    expect(quoteRefund(defaults, startsAt, 500_000, at(72 * H))).toMatchObject({ kind: "full", amountVnd: 500_000 });
    expect(quoteRefund(defaults, startsAt, 500_000, at(72 * H - 1))).toMatchObject({ refundable: false, partialRefundUntil: null });
    expect(quoteRefund(defaults, startsAt, 500_000, at(H))).toMatchObject({ refundable: false });
  });

  it("a full window of 0 hours refunds until the very start", () => {
    const policy = { fullRefundUntilHours: 0, partialRefundUntilHours: 0, partialRefundPercent: 0 };
    expect(quoteRefund(policy, startsAt, 500_000, start)).toMatchObject({ kind: "full" });
    expect(quoteRefund(policy, startsAt, 500_000, start + 1)).toMatchObject({ refundable: false });
  });

  it("refuses an order nothing was paid for", () => {
    expect(quoteRefund(standard, startsAt, 0, at(30 * 24 * H))).toMatchObject({ refundable: false });
  });

  it("a partial percent too small to give back a single VND is no refund", () => {
    const policy = { fullRefundUntilHours: 72, partialRefundUntilHours: 0, partialRefundPercent: 1 };
    expect(quoteRefund(policy, startsAt, 99, at(H))).toMatchObject({ refundable: false });
  });
});
