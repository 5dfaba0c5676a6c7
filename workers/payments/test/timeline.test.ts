import { describe, expect, it } from "vitest";
import type { TimelineItem, Trace } from "@tickets/common";
import { callIpn, createAttempt, newOrderId, rpc, signQuery, vnpResult } from "./helpers";

// Service<> types `detail` (unknown values) as not serializable; the answer is plain JSON-like data.
const timelineFor = (orderId: string, trace?: Trace) => rpc.timelineFor(orderId, trace) as unknown as Promise<TimelineItem[]>;

// PaymentsRpc.timelineFor: the payments side of an order's story, from this worker's own rows
// (attempts, verified callbacks, outcomes), full detail; the orders worker decides what a buyer sees.
describe("an order's payment steps for its timeline", () => {
  it("the payment URL made, each verified IPN with VNPAY's codes and our answer, then the outcome", async () => {
    const orderId = newOrderId();
    await createAttempt(orderId, 150_000);
    expect((await callIpn(await signQuery(vnpResult(orderId, 1)))).body.RspCode).toBe("04");
    expect((await callIpn(await signQuery(vnpResult(orderId, 150_000)))).body.RspCode).toBe("00");

    const items = await timelineFor(orderId, { requestId: "req-timeline" });
    const steps = items.map((i) => i.step);
    expect(steps.filter((s) => s !== "payment_succeeded")).toEqual(["payment_started", "ipn", "ipn"]);
    expect(steps).toContain("payment_succeeded");
    expect(items[0].detail).toMatchObject({ amountVnd: 150_000, expiresAt: expect.any(String) });
    const ipns = items.filter((i) => i.step === "ipn").map((i) => i.detail);
    expect(ipns).toEqual([
      expect.objectContaining({ responseCode: "00", answerCode: "04" }),
      expect.objectContaining({ responseCode: "00", answerCode: "00", transactionNo: "14000001" }),
    ]);
    expect(items.find((i) => i.step === "payment_succeeded")!.detail).toMatchObject({ amountVnd: 150_000, responseCode: "00", transactionNo: "14000001" });
    expect(await timelineFor(newOrderId())).toEqual([]);
  });
});
