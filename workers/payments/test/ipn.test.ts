import { describe, expect, it } from "vitest";
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import worker from "../src/index";
import { CANCELLED, callIpn, countRows, createAttempt, newOrderId, outboxFor, signQuery, testEnv, vnpResult } from "./helpers";

/** Payment state an IPN may change (the audit trail of callbacks is expected to grow). */
async function paymentState(orderId: string) {
  return { results: await countRows("payment_results", orderId), outbox: (await outboxFor(orderId)).length };
}

describe("VNPAY IPN", () => {
  it("answers 97 to a bad checksum, before anything else, and changes nothing", async () => {
    const orderId = newOrderId();
    await createAttempt(orderId, 150_000);
    const signed = await signQuery(vnpResult(orderId, 150_000));
    signed.set("vnp_ResponseCode", "00");
    signed.set("vnp_Amount", "1"); // tampered after signing (and now also the wrong amount)
    expect(await callIpn(signed)).toEqual({ status: 200, body: { RspCode: "97", Message: "Fail checksum" } });

    const otherSecret = await signQuery(vnpResult(newOrderId()), "some-other-merchant-secret");
    expect((await callIpn(otherSecret)).body.RspCode).toBe("97"); // unknown order too, but checksum comes first

    expect(await paymentState(orderId)).toEqual({ results: 0, outbox: 0 });
    expect(await countRows("payment_callbacks", orderId)).toBe(0); // unverified: stored nowhere (see callback-storage.test.ts)
  });

  it("answers 97, not 500, to a call without an amount or without a hash", async () => {
    const orderId = newOrderId();
    await createAttempt(orderId);
    const { vnp_Amount, ...noAmount } = vnpResult(orderId);
    expect(await callIpn(await signQuery(noAmount))).toEqual({ status: 200, body: { RspCode: "97", Message: "Fail checksum" } });
    const unsigned = new URLSearchParams(vnpResult(orderId));
    expect((await callIpn(unsigned)).body.RspCode).toBe("97");
    expect((await callIpn("")).body.RspCode).toBe("97");
    // A repeated field is malformed: still the IPN's JSON answer.
    const repeated = await signQuery(vnpResult(orderId));
    repeated.append("vnp_TxnRef", "other");
    expect(await callIpn(repeated)).toEqual({ status: 200, body: { RspCode: "97", Message: "Fail checksum" } });
    expect(await paymentState(orderId)).toEqual({ results: 0, outbox: 0 });
  });

  it("answers 01 for an order with no payment attempt (before checking the amount)", async () => {
    const orderId = newOrderId();
    const res = await callIpn(await signQuery(vnpResult(orderId, 999)));
    expect(res.body).toEqual({ RspCode: "01", Message: "Order not found" });
    expect(await paymentState(orderId)).toEqual({ results: 0, outbox: 0 });
    expect(await countRows("payment_callbacks", orderId)).toBe(1);
  });

  it("answers 04 when the amount differs from the order's, and changes nothing", async () => {
    const orderId = newOrderId();
    await createAttempt(orderId, 150_000);
    const res = await callIpn(await signQuery(vnpResult(orderId, 149_999)));
    expect(res.body).toEqual({ RspCode: "04", Message: "Invalid amount" });
    expect(await paymentState(orderId)).toEqual({ results: 0, outbox: 0 });
  });

  it("records a success with its PaymentSucceeded event in one go, then answers 02 to repeats", async () => {
    const orderId = newOrderId();
    await createAttempt(orderId, 150_000);
    const signed = await signQuery(vnpResult(orderId, 150_000, { vnp_PayDate: "20260101120005" }));
    expect((await callIpn(signed)).body).toEqual({ RspCode: "00", Message: "Confirm Success" });

    const result = await testEnv.DB.prepare("SELECT * FROM payment_results WHERE order_id = ?").bind(orderId).first<Record<string, unknown>>();
    expect(result).toMatchObject({ outcome: "succeeded", amount_vnd: 150_000, transaction_no: "14000001", bank_code: "NCB", response_code: "00" });
    const events = await outboxFor(orderId);
    expect(events).toHaveLength(1);
    expect(events[0].event).toMatchObject({
      type: "PaymentSucceeded",
      correlationId: orderId,
      payload: { orderId, paymentId: result!.id, amountVnd: 150_000, transactionNo: "14000001", paidAt: "2026-01-01T05:00:05.000Z" },
    });

    expect((await callIpn(signed)).body).toEqual({ RspCode: "02", Message: "Order already confirmed" });
    // Amount is checked before "already confirmed".
    expect((await callIpn(await signQuery(vnpResult(orderId, 1)))).body.RspCode).toBe("04");
    // A failure reported after the success does not undo it.
    expect((await callIpn(await signQuery(vnpResult(orderId, 150_000, CANCELLED)))).body.RspCode).toBe("02");
    expect(await paymentState(orderId)).toEqual({ results: 1, outbox: 1 });
  });

  it("confirms concurrent duplicate IPNs exactly once", async () => {
    const orderId = newOrderId();
    await createAttempt(orderId, 480_000);
    const signed = await signQuery(vnpResult(orderId, 480_000));
    const answers = await Promise.all(Array.from({ length: 12 }, () => callIpn(signed)));
    const codes = answers.map((a) => a.body.RspCode).sort();
    expect(codes.filter((c) => c === "00")).toHaveLength(1);
    expect(codes.filter((c) => c === "02")).toHaveLength(11);
    expect(await paymentState(orderId)).toEqual({ results: 1, outbox: 1 });
    expect((await outboxFor(orderId))[0].type).toBe("PaymentSucceeded");
    expect(await countRows("payment_callbacks", orderId)).toBe(12);
  });

  it("has the database itself refuse a second success for one order (the guard the race relies on)", async () => {
    const orderId = newOrderId();
    const insert = (id: string, txNo: string) =>
      testEnv.DB.prepare(
        "INSERT INTO payment_results (id, order_id, outcome, amount_vnd, response_code, transaction_status, transaction_no, pay_date, transaction_date, created_at) VALUES (?, ?, 'succeeded', 1, '00', '00', ?, '20260101120000', '20260101115900', 0)",
      )
        .bind(id, orderId, txNo)
        .run();
    await insert(`${orderId}-a`, "1");
    await expect(insert(`${orderId}-b`, "2")).rejects.toThrow(/UNIQUE constraint failed/);
  });

  it("records a failed payment, emits PaymentFailed and answers 00; the same failure again is 02", async () => {
    const orderId = newOrderId();
    await createAttempt(orderId, 75_000);
    const cancelled = await signQuery(vnpResult(orderId, 75_000, CANCELLED));
    expect((await callIpn(cancelled)).body).toEqual({ RspCode: "00", Message: "Confirm Success" });
    const result = await testEnv.DB.prepare("SELECT * FROM payment_results WHERE order_id = ?").bind(orderId).first<Record<string, unknown>>();
    expect(result).toMatchObject({ outcome: "failed", response_code: "24", transaction_status: "02", transaction_no: "0" });
    const [failed] = await outboxFor(orderId);
    expect(failed.event).toMatchObject({
      type: "PaymentFailed",
      payload: { orderId, paymentId: result!.id, responseCode: "24", reason: "Transaction canceled" },
    });
    expect((await callIpn(cancelled)).body.RspCode).toBe("02");
    expect(await paymentState(orderId)).toEqual({ results: 1, outbox: 1 });
  });

  it("still records a success that follows a failure (orders decides what to do with it)", async () => {
    const orderId = newOrderId();
    await createAttempt(orderId, 75_000);
    const insufficient = { vnp_ResponseCode: "51", vnp_TransactionStatus: "02", vnp_TransactionNo: "14000100", vnp_BankTranNo: "" };
    expect((await callIpn(await signQuery(vnpResult(orderId, 75_000, insufficient)))).body.RspCode).toBe("00");
    expect((await callIpn(await signQuery(vnpResult(orderId, 75_000, { vnp_TransactionNo: "14000101" })))).body.RspCode).toBe("00");
    expect((await outboxFor(orderId)).map((r) => r.type)).toEqual(["PaymentFailed", "PaymentSucceeded"]);
  });

  it("relays outbox rows to the inboxes from the cron", async () => {
    const orderId = newOrderId();
    await createAttempt(orderId, 20_000);
    expect((await callIpn(await signQuery(vnpResult(orderId, 20_000)))).body.RspCode).toBe("00");
    // As if the relay right after the write had not happened (crash, queue outage).
    await testEnv.DB.prepare("UPDATE outbox SET sent_at = NULL").run();
    expect((await outboxFor(orderId))[0].sent_at).toBeNull();
    const ctx = createExecutionContext();
    await worker.scheduled!(createScheduledController(), testEnv, ctx);
    await waitOnExecutionContext(ctx);
    const [row] = await outboxFor(orderId);
    expect(row.sent_at).toEqual(expect.any(Number));
  });
});
