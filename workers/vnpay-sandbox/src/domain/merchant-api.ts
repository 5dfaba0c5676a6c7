import { and, desc, eq } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { apiRequests, refunds, transactions } from "../db/schema";
import { fromVnpDate, toVnpDate } from "../dates";
import type { Env } from "../env";
import {
  QUERYDR_REQUEST_FIELDS,
  QUERYDR_RESPONSE_FIELDS,
  REFUND_REQUEST_FIELDS,
  REFUND_RESPONSE_FIELDS,
  signPipe,
  verifyPipe,
} from "../signing";
import { newTransactionNo } from "./payment";
import { takeApiControl, takeRefundControl } from "./refund-controls";

type Db = DrizzleD1Database<Record<string, unknown>>;
type Tx = typeof transactions.$inferSelect;

const MESSAGES: Record<string, string> = {
  "00": "Success",
  "02": "Invalid TmnCode",
  "03": "Invalid data format",
  "91": "Transaction not found",
  "94": "Duplicate request",
  "95": "Transaction is not successful at VNPAY",
  "97": "Invalid checksum",
  "99": "Unknown error",
};

const isUnique = (err: unknown) => {
  for (let e = err as { message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.message === "string" && e.message.includes("UNIQUE constraint failed")) return true;
  }
  return false;
};

/** A signed JSON answer, or (refund controls) no answer for `delayMs` and then an HTTP error. */
type Stall = { stall: { status: 503 | 504; delayMs: number } };
export type MerchantAnswer = { json: Record<string, string> } | Stall;
const isStall = (a: Record<string, string> | Stall): a is Stall => typeof (a as Stall).stall === "object";

/**
 * POST /merchant_webapi/api/transaction: querydr and refund, each request verified (97 on a
 * bad hash) and each answer signed over its documented fields. Request ids are single-use (94).
 * Refunds: several partial ones (type 03) per transaction up to the amount paid; a full one (02)
 * only while nothing was refunded; a transaction refunded in full answers 94.
 */
export async function merchantApi(db: Db, env: Env, body: unknown): Promise<MerchantAnswer> {
  const answer = await transactionApi(db, env, body);
  return isStall(answer) ? answer : { json: answer as Record<string, string> };
}

async function transactionApi(db: Db, env: Env, body: unknown): Promise<Record<string, string> | Stall> {
  const b = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  const str = (k: string) => (typeof b[k] === "string" ? (b[k] as string) : "");
  const command = str("vnp_Command") === "refund" ? "refund" : "querydr";
  const fields = command === "refund" ? REFUND_RESPONSE_FIELDS : QUERYDR_RESPONSE_FIELDS;

  const answer = async (code: string, tx?: Tx | null, extra: Record<string, string> = {}) => {
    const out: Record<string, string> = {
      vnp_ResponseId: crypto.randomUUID().replace(/-/g, ""),
      vnp_Command: command,
      vnp_ResponseCode: code,
      vnp_Message: MESSAGES[code] ?? MESSAGES["99"],
      vnp_TmnCode: env.VNPAY_TMN_CODE,
      vnp_TxnRef: str("vnp_TxnRef"),
      vnp_Amount: tx?.amount ?? "",
      vnp_BankCode: tx?.bankCode ?? "",
      vnp_PayDate: tx?.payDate ?? "",
      vnp_TransactionNo: tx?.transactionNo ?? "",
      vnp_TransactionType: "",
      vnp_TransactionStatus: tx?.transactionStatus ?? "",
      vnp_OrderInfo: tx?.orderInfo ?? "",
      ...(command === "querydr" ? { vnp_PromotionCode: "", vnp_PromotionAmount: "" } : {}),
      ...extra,
    };
    return signPipe(out, fields, env.VNPAY_SECURE_SECRET);
  };

  const requestCommand = str("vnp_Command");
  if (requestCommand !== "querydr" && requestCommand !== "refund") return answer("03");
  if (str("vnp_TmnCode") !== env.VNPAY_TMN_CODE) return answer("02");
  const requestFields = command === "refund" ? REFUND_REQUEST_FIELDS : QUERYDR_REQUEST_FIELDS;
  if (!(await verifyPipe(b, requestFields, env.VNPAY_SECURE_SECRET))) return answer("97");
  const wellFormed =
    /^[A-Za-z0-9_-]{1,32}$/.test(str("vnp_RequestId")) &&
    str("vnp_Version") === "2.1.0" &&
    /^[A-Za-z0-9_-]{1,100}$/.test(str("vnp_TxnRef")) &&
    fromVnpDate(str("vnp_CreateDate")) !== null &&
    fromVnpDate(str("vnp_TransactionDate")) !== null &&
    !!str("vnp_IpAddr") &&
    !!str("vnp_OrderInfo") &&
    (command === "querydr" ||
      (/^0[23]$/.test(str("vnp_TransactionType")) && /^[1-9]\d{0,15}$/.test(str("vnp_Amount")) && !!str("vnp_CreateBy")));
  if (!wellFormed) return answer("03");

  // Emulator-only controls, applied before the request id is used up: as if VNPAY never got it.
  const control = (await takeApiControl(db)) ?? (command === "refund" ? await takeRefundControl(db, str("vnp_TxnRef")) : null);
  if (control?.mode === "timeout") return { stall: { status: 504, delayMs: control.delayMs } };
  if (control?.mode === "unavailable") return { stall: { status: 503, delayMs: 0 } };
  if (control?.mode === "refuse") return answer(control.code, null, { vnp_Message: "Refund refused (emulator control)" });

  try {
    await db.insert(apiRequests).values({ tmnCode: env.VNPAY_TMN_CODE, requestId: str("vnp_RequestId"), command, createdAt: Date.now() });
  } catch (err) {
    if (isUnique(err)) return answer("94");
    throw err;
  }

  const candidates = await db
    .select()
    .from(transactions)
    .where(and(eq(transactions.tmnCode, env.VNPAY_TMN_CODE), eq(transactions.txnRef, str("vnp_TxnRef"))))
    .orderBy(desc(transactions.id))
    .all();
  const txNo = str("vnp_TransactionNo");
  const matching = candidates.filter((t) => !txNo || txNo === "0" || t.transactionNo === txNo);
  const tx = matching.find((t) => t.responseCode === "00") ?? matching[0] ?? null;
  if (!tx) return answer("91");

  const done = await db.select().from(refunds).where(eq(refunds.transactionId, tx.id)).all();
  const last = done.at(-1);
  if (command === "querydr") {
    return answer("00", tx, {
      vnp_TransactionType: last ? last.transactionType : "01",
      vnp_TransactionStatus: last ? "05" : tx.transactionStatus,
    });
  }

  if (tx.responseCode !== "00") return answer("95", tx);
  const amount = BigInt(str("vnp_Amount"));
  const paid = BigInt(tx.amount);
  const refunded = done.reduce((sum, r) => sum + BigInt(r.amount), 0n);
  if (refunded >= paid || (str("vnp_TransactionType") === "02" && done.length > 0)) return answer("94", tx);
  if (refunded + amount > paid || (str("vnp_TransactionType") === "02" && amount !== paid)) return answer("03", tx);
  const refundNo = newTransactionNo();
  try {
    await db.insert(refunds).values({
      transactionId: tx.id,
      requestId: str("vnp_RequestId"),
      amount: str("vnp_Amount"),
      transactionType: str("vnp_TransactionType"),
      createBy: str("vnp_CreateBy"),
      transactionNo: refundNo,
      createdAt: Date.now(),
    });
  } catch (err) {
    if (isUnique(err)) return answer("94", tx);
    throw err;
  }
  return answer("00", tx, {
    vnp_Amount: str("vnp_Amount"),
    vnp_PayDate: toVnpDate(new Date()),
    vnp_TransactionNo: refundNo,
    vnp_TransactionType: str("vnp_TransactionType"),
    vnp_TransactionStatus: "05",
    vnp_OrderInfo: str("vnp_OrderInfo"),
  });
}
