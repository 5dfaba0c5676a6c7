import { describe, expect, it } from "vitest";
import { CircuitOpenError } from "@tickets/common";
import { queryDr, vnpayTransport } from "../src/domain/vnpay-api";
import { createAttempt, newOrderId, testEnv, worker } from "./helpers";

// The fake VNPAY (test/fake-vnpay-gateway.mjs) answers HTTP 503 to any TxnRef starting "down-".
const query = (txnRef: string) => queryDr(testEnv, vnpayTransport(testEnv), { txnRef, transactionDate: "20260101120000", orderInfo: "x" });
const requestsFor = async (txnRef: string) => {
  const res = await testEnv.GATEWAY!.fetch(`http://gateway/__requests?txnRef=${txnRef}`);
  return ((await res.json()) as unknown[]).length;
};
const health = async () => ((await (await worker.fetch("http://internal/health")).json()) as { breakers: Record<string, string> }).breakers;

describe("VNPAY circuit breaker", () => {
  it("opens after 5 consecutive failures, fails fast and refuses new payments, then closes after a good half-open probe", async () => {
    expect((await health()).vnpay).toBe("closed");
    const down = newOrderId("down-");
    // Each querydr is tried twice: 3 calls make 6 attempts, the breaker opens at the 5th.
    for (let i = 0; i < 3; i++) await expect(query(down)).rejects.toThrow();
    expect(await requestsFor(down)).toBe(5);
    expect((await health()).vnpay).toBe("open");

    await expect(query(down)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(await requestsFor(down)).toBe(5); // nothing reached VNPAY
    await expect(createAttempt(newOrderId())).rejects.toThrow(/payments_unavailable/);

    await new Promise((r) => setTimeout(r, 450)); // BREAKER_COOLDOWN_MS = 400 in this project
    expect((await health()).vnpay).toBe("half_open");
    const probe = await query(newOrderId());
    expect(probe.responseCode).toBe("00");
    expect((await health()).vnpay).toBe("closed");
    await expect(createAttempt(newOrderId())).resolves.toMatchObject({ paymentUrl: expect.stringContaining("vpcpay.html") });
  });

  it("a failed half-open probe opens it again for another cool-down", async () => {
    const down = newOrderId("down-");
    for (let i = 0; i < 3; i++) await query(down).catch(() => undefined);
    expect((await health()).vnpay).toBe("open");
    await new Promise((r) => setTimeout(r, 450));
    const before = await requestsFor(down);
    await expect(query(down)).rejects.toThrow(); // the probe gets 503; its retry finds the circuit open again
    expect(await requestsFor(down)).toBe(before + 1); // one probe, not a burst
    expect((await health()).vnpay).toBe("open");
    await new Promise((r) => setTimeout(r, 450));
    expect((await query(newOrderId())).responseCode).toBe("00");
    expect((await health()).vnpay).toBe("closed");
  });
});
