import { describe, expect, it } from "vitest";
import { drizzle } from "drizzle-orm/d1";
import { createLogger } from "@tickets/common";
import { checkTimes, nextCheckAt, reconcilePayments } from "../src/domain/reconcile";
import { vnpayTransport } from "../src/domain/vnpay-api";
import { callIpn, countRows, createAttempt, newOrderId, outboxFor, signQuery, testEnv, vnpResult } from "./helpers";

const MIN = 60_000;
const log = createLogger({ service: "payments", job: "test" });
const reconcileAt = (now: number) => reconcilePayments(drizzle(testEnv.DB), testEnv, vnpayTransport(testEnv), log, now);

type AttemptState = { next_check_at: number | null; checks: number; last_check: string | null; created_at: number; expires_at: number };
const attemptOf = (orderId: string) =>
  testEnv.DB.prepare("SELECT next_check_at, checks, last_check, created_at, expires_at FROM payment_attempts WHERE order_id = ?").bind(orderId).first<AttemptState>();

/** The querydr requests the stand-in VNPAY received for an order. */
async function querydrsFor(orderId: string): Promise<number> {
  const res = await testEnv.GATEWAY!.fetch(`http://gateway/__requests?txnRef=${orderId}`);
  return ((await res.json()) as Array<{ vnp_Command: string }>).filter((r) => r.vnp_Command === "querydr").length;
}

describe("payment reconciliation schedule", () => {
  it("checks 2 min after the attempt, doubling, just before the hold expires, then backs off up to 24 h after", () => {
    const a = { createdAt: 0, expiresAt: 15 * MIN };
    expect(checkTimes(a, 2 * MIN).map((t) => t / MIN)).toEqual([2, 4, 8, 14, 17, 25, 45, 135, 375, 1455]);
    expect(nextCheckAt(a, 2 * MIN, 2 * MIN)).toBe(4 * MIN);
    expect(nextCheckAt(a, 14 * MIN, 2 * MIN)).toBe(17 * MIN);
    expect(nextCheckAt(a, 1455 * MIN, 2 * MIN)).toBeNull();
    // A hold shorter than the first delay: one check before expiry is still at the first delay.
    expect(checkTimes({ createdAt: 0, expiresAt: MIN }, 2 * MIN)[0]).toBe(2 * MIN);
  });
});

describe("payment reconciliation (querydr)", () => {
  it("asks only about due attempts without an outcome, and applies a paid answer once, like the IPN", async () => {
    const paidViaQuery = newOrderId();
    const confirmedByIpn = newOrderId();
    await createAttempt(paidViaQuery);
    await createAttempt(confirmedByIpn);
    expect((await callIpn(await signQuery(vnpResult(confirmedByIpn)))).body.RspCode).toBe("00");
    const created = (await attemptOf(paidViaQuery))!.created_at;

    await reconcileAt(created + MIN); // not due yet
    expect(await querydrsFor(paidViaQuery)).toBe(0);

    await reconcileAt(created + 2 * MIN + 1000);
    expect(await querydrsFor(paidViaQuery)).toBe(1);
    expect(await querydrsFor(confirmedByIpn)).toBe(0); // the IPN came: nothing to ask
    expect((await attemptOf(confirmedByIpn))!.next_check_at).toBeNull();

    const events = await outboxFor(paidViaQuery);
    expect(events.map((e) => e.type)).toEqual(["PaymentSucceeded"]);
    expect(events[0].event.payload).toMatchObject({ orderId: paidViaQuery, amountVnd: 150_000, transactionNo: "14000001" });
    expect(await attemptOf(paidViaQuery)).toMatchObject({ next_check_at: null, checks: 1, last_check: "querydr: paid, recorded" });

    // Later runs ask nothing more, and the late real IPN is "already confirmed".
    await reconcileAt(created + 60 * MIN);
    expect(await querydrsFor(paidViaQuery)).toBe(1);
    expect((await callIpn(await signQuery(vnpResult(paidViaQuery)))).body.RspCode).toBe("02");
    expect((await outboxFor(paidViaQuery)).length).toBe(1);
    expect(await countRows("payment_results", paidViaQuery)).toBe(1);
  });

  it("a querydr and the real IPN at the same time record one payment and one PaymentSucceeded", async () => {
    const orderId = newOrderId();
    await createAttempt(orderId);
    const created = (await attemptOf(orderId))!.created_at;
    const signed = await signQuery(vnpResult(orderId));
    const [, ipn] = await Promise.all([reconcileAt(created + 2 * MIN + 1000), callIpn(signed)]);
    expect(["00", "02"]).toContain(ipn.body.RspCode);
    expect((await outboxFor(orderId)).map((e) => e.type)).toEqual(["PaymentSucceeded"]);
    expect(await countRows("payment_results", orderId)).toBe(1);
  });

  it("a failed transaction becomes PaymentFailed once; the attempt is still watched until its URL is over", async () => {
    const orderId = newOrderId("failed-");
    await createAttempt(orderId);
    const a = (await attemptOf(orderId))!;
    await reconcileAt(a.created_at + 2 * MIN + 1000);
    const events = await outboxFor(orderId);
    expect(events.map((e) => e.type)).toEqual(["PaymentFailed"]);
    expect(events[0].event.payload).toMatchObject({ orderId, responseCode: "99" });
    expect((await attemptOf(orderId))!.next_check_at).toBe(a.created_at + 4 * MIN);

    await reconcileAt(a.created_at + 4 * MIN + 1000);
    expect(await querydrsFor(orderId)).toBe(2);
    expect((await outboxFor(orderId)).length).toBe(1); // the same failure is not emitted twice

    // Past the expiry grace a failure is final.
    await testEnv.DB.prepare("UPDATE payment_attempts SET next_check_at = ? WHERE order_id = ?").bind(a.expires_at + 30 * MIN, orderId).run();
    await reconcileAt(a.expires_at + 30 * MIN);
    expect((await attemptOf(orderId))!.next_check_at).toBeNull();
  });

  it("not found keeps being asked until the URL expired plus grace, then stops", async () => {
    const orderId = newOrderId("unknown-");
    await createAttempt(orderId);
    const a = (await attemptOf(orderId))!;
    let now = a.created_at + 2 * MIN + 1000;
    const seen: Array<number | null> = [];
    for (let i = 0; i < 8 && now; i++) {
      await reconcileAt(now);
      const next = (await attemptOf(orderId))!.next_check_at;
      seen.push(next === null ? null : Math.round((next - a.expires_at) / MIN));
      now = next ?? 0;
    }
    // 15-minute hold: checks at +4, +8, +14 min (one before expiry), expiry +2, +10, +30 min → stopped.
    expect(seen).toEqual([-11, -7, -1, 2, 10, 30, null]);
    expect(await querydrsFor(orderId)).toBe(7);
    expect((await outboxFor(orderId)).length).toBe(0);
  });

  it("not completed (status 01) is asked on the backoff up to 24 h after expiry, then stops", async () => {
    const orderId = newOrderId("unpaid-");
    await createAttempt(orderId);
    const a = (await attemptOf(orderId))!;
    let now = a.created_at + 2 * MIN + 1000;
    let runs = 0;
    while (now && runs < 20) {
      await reconcileAt(now);
      runs++;
      now = (await attemptOf(orderId))!.next_check_at ?? 0;
    }
    expect(runs).toBe(10);
    expect(await attemptOf(orderId)).toMatchObject({ next_check_at: null, checks: 10 });
    expect((await outboxFor(orderId)).length).toBe(0);
  });
});
