import { afterEach, describe, expect, it, vi } from "vitest";
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import worker from "../src/index";
import { callIpn, countRows, createAttempt, newOrderId, signQuery, testEnv, vnpResult } from "./helpers";

// What VNPAY callbacks may store in the payments database, which checkout depends on: an
// unverified call (anyone can send one) stores nothing, a verified one a bounded row, and old
// rows are pruned by the cron.

const callReturn = (query: URLSearchParams) => worker.fetch(new Request(`http://payments/api/payments/vnpay/return?${query}`, { redirect: "manual" }), testEnv, createExecutionContext());
const tableSize = async () => (await testEnv.DB.prepare("SELECT COUNT(*) AS n FROM payment_callbacks").first<{ n: number }>())!.n;

function captureLogs() {
  const lines: Array<Record<string, unknown>> = [];
  vi.spyOn(console, "log").mockImplementation((line: unknown) => {
    try {
      lines.push(JSON.parse(String(line)));
    } catch {
      /* not a JSON log line */
    }
  });
  return lines;
}
afterEach(() => vi.restoreAllMocks());

describe("VNPAY callback storage", () => {
  it("stores nothing for unverified IPNs and returns, and counts them in a log line", async () => {
    const orderId = newOrderId();
    await createAttempt(orderId);
    const logs = captureLogs();
    const before = await tableSize();

    const tampered = await signQuery(vnpResult(orderId));
    tampered.set("vnp_Amount", "1");
    tampered.set("vnp_OrderInfo", "x".repeat(7_000));
    expect((await callIpn(tampered)).body.RspCode).toBe("97");
    const repeated = await signQuery(vnpResult(orderId));
    repeated.append("vnp_TxnRef", "other");
    expect((await callIpn(repeated)).body.RspCode).toBe("97");
    expect((await callReturn(tampered)).status).toBe(400);

    expect(await tableSize()).toBe(before);
    const counted = logs.filter((l) => l.msg === "vnpay_callback_unverified");
    expect(counted.map((l) => l.kind)).toEqual(["ipn", "ipn", "return"]);
    const counts = counted.map((l) => l.unverifiedCount as number);
    expect(counts[1]).toBe(counts[0] + 1);
    expect(counts[2]).toBe(counts[1] + 1);
  });

  it("stores only VNPAY's fields of a verified callback, each value capped", async () => {
    const orderId = newOrderId();
    const signed = await signQuery(vnpResult(orderId, 10_000, { vnp_OrderInfo: "y".repeat(5_000), vnp_Padding: "z".repeat(5_000) }));
    expect((await callIpn(signed)).body.RspCode).toBe("01"); // verified, no such order
    expect(await countRows("payment_callbacks", orderId)).toBe(1);
    const row = await testEnv.DB.prepare("SELECT params FROM payment_callbacks WHERE order_id = ?").bind(orderId).first<{ params: string }>();
    expect(row!.params.length).toBeLessThan(1_500);
    const params = JSON.parse(row!.params);
    expect(params.vnp_Padding).toBeUndefined();
    expect(params.vnp_OrderInfo).toHaveLength(255);
    expect(params).toMatchObject({ vnp_TxnRef: orderId, vnp_ResponseCode: "00" });
  });

  it("prunes callback rows older than 90 days from the cron, a bounded batch per run", async () => {
    const now = Date.now();
    const old = now - 91 * 86_400_000;
    const recent = now - 89 * 86_400_000;
    const orderId = newOrderId("prune-");
    const insert = testEnv.DB.prepare(
      "INSERT INTO payment_callbacks (id, kind, order_id, params, verified, answer_code, answer_message, created_at) VALUES (?, 'ipn', ?, '{}', 1, '00', 'ok', ?)",
    );
    const rows = Array.from({ length: 1_200 }, (_, i) => insert.bind(`${orderId}-old-${i}`, orderId, old - i));
    rows.push(insert.bind(`${orderId}-recent`, orderId, recent));
    await testEnv.DB.batch(rows);

    const cron = async () => {
      const ctx = createExecutionContext();
      await worker.scheduled!(createScheduledController(), testEnv, ctx);
      await waitOnExecutionContext(ctx);
    };
    await cron();
    const afterOne = await countRows("payment_callbacks", orderId);
    expect(afterOne).toBeLessThan(1_201);
    expect(afterOne).toBeGreaterThan(1); // one run deletes a bounded batch, not everything at once
    for (let i = 0; i < 5 && (await countRows("payment_callbacks", orderId)) > 1; i++) await cron();
    const left = await testEnv.DB.prepare("SELECT id FROM payment_callbacks WHERE order_id = ?").bind(orderId).all<{ id: string }>();
    expect(left.results).toEqual([{ id: `${orderId}-recent` }]);
  });
});
