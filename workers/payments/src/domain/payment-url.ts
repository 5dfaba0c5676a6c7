import { z } from "zod";
import { ulid } from "ulid";
import { makeEvent, type Envelope } from "@tickets/common";
import { getTableConfig } from "drizzle-orm/sqlite-core";
import { ProductCode, VnpLocale } from "vnpay";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { paymentAttempts } from "../db/schema";
import type { Env } from "../env";
import { vnpayClient } from "./client";
import { asciiOrderInfo } from "./order-info";
import { checkAfterMs } from "./reconcile";
import { toVnpDate } from "./vnpay-date";

export const RETURN_PATH = "/api/payments/vnpay/return";

export const createPaymentUrlInput = z.object({
  orderId: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, "orderId must be 1-100 letters, digits, _ or -"),
  amountVnd: z.number().int().positive(),
  expiresAt: z.string().refine((s) => !Number.isNaN(Date.parse(s)), "expiresAt must be an ISO date"),
  orderInfo: z.string().max(2000),
  publicOrigin: z.url(),
  clientIp: z.string().max(100),
  locale: z.enum(["vn", "en"]),
  /** Who to send the payment link to: given, the first attempt of the order also writes PaymentRequested. */
  buyer: z
    .object({ eventId: z.string(), buyerId: z.string(), buyerEmail: z.string().optional(), locale: z.enum(["vi", "en"]).optional() })
    .optional(),
});
export type CreatePaymentUrlInput = z.infer<typeof createPaymentUrlInput>;

const trimSlash = (s: string) => s.replace(/\/+$/, "");

export type PaymentAttemptRow = typeof paymentAttempts.$inferInsert;

/**
 * Builds the signed VNPAY payment URL for an order and the attempt row that records it (no I/O:
 * this runs on the flash-sale hot path). vnp_TxnRef is the order id.
 */
export function buildPaymentUrl(env: Env, raw: CreatePaymentUrlInput, now = new Date()) {
  const parsed = createPaymentUrlInput.safeParse(raw);
  if (!parsed.success) throw new TypeError(`createPaymentUrl: ${z.prettifyError(parsed.error)}`);
  const input = parsed.data;
  const publicOrigin = trimSlash(input.publicOrigin);
  const host = trimSlash(env.VNPAY_HOST || publicOrigin);
  const expiresAt = new Date(input.expiresAt);
  const orderInfo = asciiOrderInfo(input.orderInfo, `Thanh toan don hang ${input.orderId}`);
  const createDate = toVnpDate(now);
  const expireDate = toVnpDate(expiresAt);
  const clientIp = input.clientIp.trim() || "127.0.0.1";
  const paymentUrl = vnpayClient(env, host).buildPaymentUrl({
    vnp_Amount: input.amountVnd,
    vnp_OrderInfo: orderInfo,
    vnp_TxnRef: input.orderId,
    vnp_IpAddr: clientIp,
    vnp_ReturnUrl: `${publicOrigin}${RETURN_PATH}`,
    vnp_CreateDate: Number(createDate),
    vnp_ExpireDate: Number(expireDate),
    vnp_Locale: input.locale === "en" ? VnpLocale.EN : VnpLocale.VN,
    vnp_OrderType: ProductCode.Other,
  });
  const attempt: PaymentAttemptRow = {
    id: ulid(),
    orderId: input.orderId,
    amountVnd: input.amountVnd,
    orderInfo,
    locale: input.locale,
    clientIp,
    createDate,
    expireDate,
    expiresAt: expiresAt.getTime(),
    host,
    createdAt: now.getTime(),
    nextCheckAt: now.getTime() + checkAfterMs(env),
  };
  const requested = input.buyer
    ? makeEvent(
        "PaymentRequested",
        { orderId: input.orderId, ...input.buyer, amountVnd: input.amountVnd, paymentUrl, holdExpiresAt: expiresAt.toISOString() },
        { correlationId: input.orderId },
      )
    : null;
  return { paymentUrl, txnRef: input.orderId, attempt, requested };
}

/** Builds the payment URL and records the attempt (one D1 write). */
export async function createPaymentUrl(db: DrizzleD1Database<Record<string, unknown>>, env: Env, raw: CreatePaymentUrlInput, now = new Date()) {
  const { paymentUrl, txnRef, attempt } = buildPaymentUrl(env, raw, now);
  await db.insert(paymentAttempts).values(attempt);
  return { paymentUrl, txnRef };
}

/** D1 binds at most 100 parameters per statement: 7 attempt rows (14 columns each) per INSERT. */
const ROWS_PER_INSERT = 7;

/** Records many attempts in one D1 round trip (one atomic batch of multi-row INSERTs). */
export async function insertAttempts(db: DrizzleD1Database<Record<string, unknown>>, rows: PaymentAttemptRow[]): Promise<void> {
  const inserts = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) inserts.push(db.insert(paymentAttempts).values(rows.slice(i, i + ROWS_PER_INSERT)));
  if (inserts.length) await db.batch(inserts as [(typeof inserts)[0], ...typeof inserts]);
}

export type RecordedAttempt = { attempt: PaymentAttemptRow; requested: Envelope<"PaymentRequested"> | null };

/**
 * Records many attempts in one atomic D1 batch, each order's PaymentRequested in the same batch:
 * written only when the order had no attempt before (checked ahead of this batch's attempt
 * inserts, one event per order in the batch), so a replay that makes another URL sends no
 * second link.
 */
export async function insertAttemptsWithRequests(d1: D1Database, db: DrizzleD1Database<Record<string, unknown>>, items: RecordedAttempt[]): Promise<void> {
  const attemptsTable = getTableConfig(paymentAttempts).name;
  const firstPerOrder = new Map<string, Envelope<"PaymentRequested">>();
  for (const { requested } of items) {
    if (requested && !firstPerOrder.has(requested.payload.orderId)) firstPerOrder.set(requested.payload.orderId, requested);
  }
  const stmts: D1PreparedStatement[] = [...firstPerOrder].map(([orderId, event]) =>
    d1
      .prepare(
        `INSERT INTO outbox (id, type, envelope, created_at)
         SELECT ?1, ?2, ?3, ?4 WHERE NOT EXISTS (SELECT 1 FROM "${attemptsTable}" WHERE order_id = ?5)`,
      )
      .bind(event.id, event.type, JSON.stringify(event), Date.now(), orderId),
  );
  const rows = items.map((i) => i.attempt);
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const insert = db.insert(paymentAttempts).values(rows.slice(i, i + ROWS_PER_INSERT)).toSQL();
    stmts.push(d1.prepare(insert.sql).bind(...insert.params));
  }
  if (stmts.length) await d1.batch(stmts);
}
