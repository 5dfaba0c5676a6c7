import { and, asc, eq, exists, inArray, isNotNull, lte, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { recordMetric, withTrace, type Logger } from "@tickets/common";
import { paymentAttempts, paymentResults } from "../db/schema";
import type { Env } from "../env";
import { recordPaymentResult } from "./payment-result";
import { queryDr, type ApiResult, type VnpayTransport } from "./vnpay-api";

type Db = DrizzleD1Database<Record<string, unknown>>;
type Attempt = typeof paymentAttempts.$inferSelect;

/**
 * Reconciliation: VNPAY's IPN can be lost or late, so every payment attempt without an outcome is
 * checked with querydr on a schedule (times from the attempt's creation and its URL's expiry),
 * in units of the first delay F (`PAYMENT_CHECK_AFTER_SECONDS`, default 120 s): F after the
 * attempt, then doubling, once F/2 before the hold expires, then 1, 5, 15, 60, 180 and 720 F
 * after it (with F = 2 min: 2, 10, 30 min, 2, 6 and 24 h).
 */
export const DEFAULT_CHECK_AFTER_MS = 120_000;
const AFTER_EXPIRY = [1, 5, 15, 60, 180, 720];
/**
 * No payment can start once the URL expired: 7.5 F (15 min) after it a definitive "not found"
 * or "failed" is final. Only "not completed" (01) and unanswered checks go on to the last time.
 */
const FINAL_AFTER_EXPIRY = 7.5;
/** A claimed check is retried this long later if the run dies before rescheduling it. */
const CLAIM_LEASE_MS = 5 * 60_000;
export const CHECKS_PER_RUN = 100;
const CONCURRENT_QUERIES = 8;

export function checkAfterMs(env: Pick<Env, "PAYMENT_CHECK_AFTER_SECONDS">): number {
  const s = Number(env.PAYMENT_CHECK_AFTER_SECONDS);
  return Number.isFinite(s) && s >= 1 ? s * 1000 : DEFAULT_CHECK_AFTER_MS;
}

/** Every time the attempt is checked, ascending. */
export function checkTimes(a: Pick<Attempt, "createdAt" | "expiresAt">, firstAfterMs: number): number[] {
  const times = new Set<number>();
  const beforeExpiry = a.expiresAt - firstAfterMs / 2;
  for (let d = Math.max(1000, firstAfterMs); a.createdAt + d < beforeExpiry; d *= 2) times.add(a.createdAt + d);
  times.add(Math.max(a.createdAt + firstAfterMs, beforeExpiry));
  for (const k of AFTER_EXPIRY) times.add(a.expiresAt + k * firstAfterMs);
  return [...times].sort((x, y) => x - y);
}

/** The next scheduled check after `now`, or null when the schedule is over. */
export function nextCheckAt(a: Pick<Attempt, "createdAt" | "expiresAt">, now: number, firstAfterMs: number): number | null {
  return checkTimes(a, firstAfterMs).find((t) => t > now) ?? null;
}

export type QueryVerdict =
  | { kind: "paid"; result: Record<string, string> }
  | { kind: "failed"; result: Record<string, string> }
  | { kind: "not_found" | "pending" | "unknown"; why: string };

/**
 * What a querydr answer means for the attempt. Only a verified answer for the attempt's amount
 * counts; querydr's ResponseCode is the query's outcome, TransactionStatus the payment's.
 */
export function queryVerdict(answer: ApiResult, amountVnd: number): QueryVerdict {
  if (!answer.verified) return { kind: "unknown", why: "unverified answer" };
  if (answer.responseCode === "91") return { kind: "not_found", why: "91 transaction not found" };
  if (answer.responseCode !== "00") return { kind: "unknown", why: `querydr ${answer.responseCode} ${answer.message}` };
  const b = answer.body;
  const status = String(b.vnp_TransactionStatus ?? "");
  if (status !== "00" && status !== "02" && status !== "04") return { kind: "pending", why: `transaction status ${status}` };
  if (Number(b.vnp_Amount) !== amountVnd * 100) return { kind: "unknown", why: `amount ${String(b.vnp_Amount)} is not the attempt's` };
  const result: Record<string, string> = {
    vnp_TxnRef: String(b.vnp_TxnRef),
    vnp_Amount: String(b.vnp_Amount),
    // A querydr does not carry the payment's own response code: 00 when paid, 99 (other) when not.
    vnp_ResponseCode: status === "00" ? "00" : "99",
    vnp_TransactionStatus: status,
    vnp_TransactionNo: String(b.vnp_TransactionNo ?? ""),
    vnp_PayDate: String(b.vnp_PayDate ?? ""),
    vnp_BankCode: String(b.vnp_BankCode ?? ""),
  };
  return status === "00" ? { kind: "paid", result } : { kind: "failed", result };
}

/** Attempts whose order already has a success (the IPN came) need no more checks. */
async function settleConfirmed(db: Db, now: number) {
  await db
    .update(paymentAttempts)
    .set({ nextCheckAt: null, lastCheck: "settled: payment recorded" })
    .where(
      and(
        lte(paymentAttempts.nextCheckAt, now),
        exists(
          db
            .select({ one: sql`1` })
            .from(paymentResults)
            .where(and(eq(paymentResults.orderId, paymentAttempts.orderId), eq(paymentResults.outcome, "succeeded"))),
        ),
      ),
    );
}

/** Claims up to `limit` due attempts by pushing their next check a lease ahead (a concurrent run skips them). */
async function claimDue(db: Db, now: number, limit: number): Promise<Attempt[]> {
  const due = db
    .select({ id: paymentAttempts.id })
    .from(paymentAttempts)
    .where(and(isNotNull(paymentAttempts.nextCheckAt), lte(paymentAttempts.nextCheckAt, now)))
    .orderBy(asc(paymentAttempts.nextCheckAt))
    .limit(limit);
  return db
    .update(paymentAttempts)
    .set({ nextCheckAt: now + CLAIM_LEASE_MS, checks: sql`${paymentAttempts.checks} + 1` })
    .where(and(inArray(paymentAttempts.id, due), lte(paymentAttempts.nextCheckAt, now)))
    .returning()
    .all();
}

export type CheckOutcome = "paid" | "failed" | "already_recorded" | "rescheduled" | "stopped";

/** One attempt: ask VNPAY, apply a definitive answer like a verified IPN, and schedule what is next. */
export async function checkAttempt(db: Db, env: Env, transport: VnpayTransport, a: Attempt, now: number, log: Logger): Promise<CheckOutcome> {
  let verdict: QueryVerdict;
  try {
    verdict = queryVerdict(await queryDr(env, transport, { txnRef: a.orderId, transactionDate: a.createDate, orderInfo: a.orderInfo }), a.amountVnd);
  } catch (err) {
    verdict = { kind: "unknown", why: `querydr failed: ${(err as Error).message}` };
  }
  const firstAfterMs = checkAfterMs(env);
  const next = nextCheckAt(a, now, firstAfterMs);
  const final = now >= a.expiresAt + FINAL_AFTER_EXPIRY * firstAfterMs;
  const mark = (nextCheckAt: number | null, lastCheck: string) =>
    db.update(paymentAttempts).set({ nextCheckAt, lastCheck: lastCheck.slice(0, 300) }).where(eq(paymentAttempts.id, a.id));

  if (verdict.kind === "paid") {
    const { recorded } = await recordPaymentResult(db, a.orderId, a, verdict.result, [mark(null, "querydr: paid, recorded")]);
    if (!recorded) await mark(null, "querydr: paid, already recorded");
    log.info("payment_reconciled", { orderId: a.orderId, attemptId: a.id, outcome: "paid", recorded });
    if (recorded) await recordMetric(env, "payments", "payment", { label: "succeeded", subject: a.orderId });
    return recorded ? "paid" : "already_recorded";
  }
  if (verdict.kind === "failed") {
    const after = final ? null : next;
    const already = await db
      .select({ id: paymentResults.id })
      .from(paymentResults)
      .where(
        and(
          eq(paymentResults.orderId, a.orderId),
          eq(paymentResults.transactionNo, verdict.result.vnp_TransactionNo),
          eq(paymentResults.payDate, verdict.result.vnp_PayDate),
        ),
      )
      .get();
    const why = `querydr: failed (status ${verdict.result.vnp_TransactionStatus})`;
    if (already) {
      await mark(after, `${why}, already recorded`);
      return "already_recorded";
    }
    const { recorded } = await recordPaymentResult(db, a.orderId, a, verdict.result, [mark(after, `${why}, recorded`)], `VNPAY querydr: transaction status ${verdict.result.vnp_TransactionStatus}`);
    if (!recorded) await mark(after, `${why}, already recorded`);
    log.info("payment_reconciled", { orderId: a.orderId, attemptId: a.id, outcome: "failed", recorded });
    if (recorded) await recordMetric(env, "payments", "payment", { label: "failed", subject: a.orderId });
    return recorded ? "failed" : "already_recorded";
  }
  const after = verdict.kind === "not_found" && final ? null : next;
  await mark(after, `querydr: ${verdict.kind} (${verdict.why})`);
  if (after === null) log.warn("payment_check_stopped", { orderId: a.orderId, attemptId: a.id, last: verdict.why, checks: a.checks });
  return after === null ? "stopped" : "rescheduled";
}

/**
 * The cron job: settles attempts an IPN already confirmed, then checks up to CHECKS_PER_RUN due
 * attempts, a few querydr calls at a time. Never on a request path.
 */
export async function reconcilePayments(db: Db, env: Env, transport: VnpayTransport, log: Logger, now = Date.now()) {
  await settleConfirmed(db, now);
  const claimed = await claimDue(db, now, CHECKS_PER_RUN);
  const outcomes: Record<string, number> = {};
  for (let i = 0; i < claimed.length; i += CONCURRENT_QUERIES) {
    const done = await Promise.all(claimed.slice(i, i + CONCURRENT_QUERIES).map((a) => withTrace({ correlationId: a.orderId }, () => checkAttempt(db, env, transport, a, now, log))));
    for (const o of done) outcomes[o] = (outcomes[o] ?? 0) + 1;
  }
  if (claimed.length) log.info("payments_reconciliation", { checked: claimed.length, ...outcomes });
  return { checked: claimed.length, outcomes };
}
