import { asc, eq } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { paymentAttempts, paymentCallbacks, paymentRefunds, paymentResults } from "../db/schema";

type Db = DrizzleD1Database<Record<string, unknown>>;
const LIMIT = 200;
const iso = (ms: number) => new Date(ms).toISOString();

export type PaymentStatus = "none" | "pending" | "failed" | "succeeded" | "partially_refunded" | "refunded";

/** One order's payment records, oldest first, in one D1 round trip (at most LIMIT of each). */
export async function paymentRecords(db: Db, orderId: string) {
  const [attempts, results, callbacks, refunds] = await db.batch([
    db.select().from(paymentAttempts).where(eq(paymentAttempts.orderId, orderId)).orderBy(asc(paymentAttempts.createdAt)).limit(LIMIT),
    db.select().from(paymentResults).where(eq(paymentResults.orderId, orderId)).orderBy(asc(paymentResults.createdAt)).limit(LIMIT),
    db.select().from(paymentCallbacks).where(eq(paymentCallbacks.orderId, orderId)).orderBy(asc(paymentCallbacks.createdAt)).limit(LIMIT),
    db.select().from(paymentRefunds).where(eq(paymentRefunds.orderId, orderId)).orderBy(asc(paymentRefunds.createdAt)).limit(LIMIT),
  ]);
  return { attempts, results, callbacks, refunds };
}

/** Everything support needs about one order's payment: attempts, VNPAY callbacks, outcomes, refunds. */
export async function paymentOverview(db: Db, orderId: string) {
  const { attempts, results, callbacks, refunds } = await paymentRecords(db, orderId);
  if (!attempts.length && !results.length && !callbacks.length && !refunds.length) return null;

  const success = results.find((r) => r.outcome === "succeeded");
  const refundedVnd = refunds.filter((r) => r.status === "succeeded").reduce((sum, r) => sum + r.amountVnd, 0);
  let status: PaymentStatus = attempts.length ? "pending" : "none";
  if (results.some((r) => r.outcome === "failed")) status = "failed";
  if (success) status = refundedVnd >= success.amountVnd ? "refunded" : refundedVnd > 0 ? "partially_refunded" : "succeeded";

  return {
    orderId,
    status,
    amountVnd: success?.amountVnd ?? attempts.at(-1)?.amountVnd ?? null,
    paymentId: success?.id ?? null,
    transactionNo: success?.transactionNo ?? null,
    refundedVnd,
    attempts: attempts.map((a) => ({
      id: a.id,
      amountVnd: a.amountVnd,
      orderInfo: a.orderInfo,
      locale: a.locale,
      clientIp: a.clientIp,
      vnpCreateDate: a.createDate,
      vnpExpireDate: a.expireDate,
      expiresAt: iso(a.expiresAt),
      host: a.host,
      createdAt: iso(a.createdAt),
      reconciliation: { checks: a.checks, lastCheck: a.lastCheck, nextCheckAt: a.nextCheckAt === null ? null : iso(a.nextCheckAt) },
    })),
    results: results.map((r) => ({
      paymentId: r.id,
      outcome: r.outcome,
      amountVnd: r.amountVnd,
      responseCode: r.responseCode,
      transactionStatus: r.transactionStatus,
      transactionNo: r.transactionNo,
      bankCode: r.bankCode,
      cardType: r.cardType,
      bankTranNo: r.bankTranNo,
      payDate: r.payDate,
      createdAt: iso(r.createdAt),
    })),
    callbacks: callbacks.map((c) => ({
      id: c.id,
      kind: c.kind,
      verified: c.verified,
      answerCode: c.answerCode,
      answerMessage: c.answerMessage,
      params: safeJson(c.params),
      createdAt: iso(c.createdAt),
    })),
    refunds: refunds.map((r) => ({
      id: r.id,
      refundId: r.refundId,
      requestId: r.requestId,
      amountVnd: r.amountVnd,
      transactionType: r.transactionType,
      reason: r.reason,
      requestedBy: r.requestedBy,
      status: r.status,
      responseCode: r.responseCode,
      message: r.message,
      createdAt: iso(r.createdAt),
      updatedAt: iso(r.updatedAt),
    })),
  };
}

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
