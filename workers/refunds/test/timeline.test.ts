import { describe, expect, it } from "vitest";
import { getDb } from "../src/db/client";
import { refundTimeline } from "../src/domain/timeline";
import { askRefund, orderOf, settled, testEnv } from "./helpers";

// RefundsRpc.timelineFor: the refunds side of an order's story, from this worker's own rows.
describe("an order's refund steps for its timeline", () => {
  it("each refund's request, then its outcome (succeeded, or failed with why), oldest first", async () => {
    const { organizer, order } = await orderOf({ totalVnd: 600_000 });
    const first = await askRefund(organizer, order.id, "Bad seats", 200_000);
    expect(first.status).toBe(202);
    await settled(organizer, first.json.refund.id);
    const rest = await askRefund(organizer, order.id, "The rest");
    expect(rest.status).toBe(202);
    await settled(organizer, rest.json.refund.id);

    const items = await refundTimeline(getDb(testEnv.DB), order.id);
    expect(items.map((i) => [i.step, i.detail?.refundId, i.detail?.amountVnd])).toEqual([
      ["refund_requested", first.json.refund.id, 200_000],
      ["refund_succeeded", first.json.refund.id, 200_000],
      ["refund_requested", rest.json.refund.id, 400_000],
      ["refund_succeeded", rest.json.refund.id, 400_000],
    ]);
    expect(items[0].detail).toMatchObject({ reason: "Bad seats", source: "organizer", requestedBy: organizer.userId });
    expect(items.every((i) => i.service === "refunds")).toBe(true);
  });

  it("shows a refund VNPAY declined as failed with its reason", async () => {
    const { organizer, order } = await orderOf({ idPrefix: "declined-" });
    const res = await askRefund(organizer, order.id, "Refund please");
    const done = await settled(organizer, res.json.refund.id);
    expect(done.status).toBe("failed");
    const items = await refundTimeline(getDb(testEnv.DB), order.id);
    expect(items.map((i) => i.step)).toEqual(["refund_requested", "refund_failed"]);
    expect(items[1].detail).toMatchObject({ failureReason: done.failureReason });
  });
});
