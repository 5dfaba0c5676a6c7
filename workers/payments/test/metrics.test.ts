import { describe, expect, it } from "vitest";
import type { MetricsReader } from "@tickets/common";
import { CANCELLED, callIpn, createAttempt, newOrderId, signQuery, testEnv, vnpResult } from "./helpers";

// The readable copy of the metric points (workers/dev-metrics, bound as DEV_METRICS in development).
const recorded = (testEnv as unknown as { DEV_METRICS: MetricsReader }).DEV_METRICS;
async function pointsFor(orderId: string, expected: number) {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const points = (await recorded.points({ subject: orderId, since: 0 })).map((p) => `${p.name}:${p.label}`);
    if (points.length >= expected || Date.now() > deadline) return points;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("payment metrics from VNPAY's IPN", () => {
  it("counts a recorded payment by outcome and every other answer as an ipn_error by reason", async () => {
    const paid = newOrderId();
    await createAttempt(paid, 150_000);
    expect((await callIpn(await signQuery(vnpResult(paid, 150_000)))).body.RspCode).toBe("00");
    expect((await callIpn(await signQuery(vnpResult(paid, 150_000)))).body.RspCode).toBe("02"); // VNPAY's retry
    const tampered = await signQuery(vnpResult(paid, 150_000));
    tampered.set("vnp_Amount", "1");
    expect((await callIpn(tampered)).body.RspCode).toBe("97");
    expect((await pointsFor(paid, 3)).sort()).toEqual(["ipn_error:already_confirmed", "ipn_error:bad_checksum", "payment:succeeded"]);

    const cancelled = newOrderId();
    await createAttempt(cancelled, 150_000);
    expect((await callIpn(await signQuery(vnpResult(cancelled, 150_000, CANCELLED)))).body.RspCode).toBe("00");
    expect((await callIpn(await signQuery(vnpResult(cancelled, 149_000)))).body.RspCode).toBe("04");
    expect((await pointsFor(cancelled, 2)).sort()).toEqual(["ipn_error:invalid_amount", "payment:failed"]);

    const unknown = newOrderId();
    expect((await callIpn(await signQuery(vnpResult(unknown)))).body.RspCode).toBe("01");
    expect(await pointsFor(unknown, 1)).toEqual(["ipn_error:order_not_found"]);
  });
});
