import type { DrizzleD1Database } from "drizzle-orm/d1";
import { transactions } from "../db/schema";
import { fromVnpDate, toVnpDate } from "../dates";
import type { Env } from "../env";
import { signQuery, verifyQuery } from "../signing";

type Db = DrizzleD1Database<Record<string, unknown>>;

/** Codes shown on /paymentv2/Payment/Error.html, as the real sandbox does. */
export const ERROR_CODES = {
  "01": "Transaction already exists: this order reference has already been paid",
  "03": "Invalid data format",
  "70": "Invalid signature",
  "72": "Merchant (vnp_TmnCode) not found",
  "99": "Unknown error",
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

export type PaymentRequest = {
  tmnCode: string;
  txnRef: string;
  amount: string; // VND x 100, as sent
  amountVnd: number;
  orderInfo: string;
  createDate: string;
  expireDate: string;
  expiresAt: Date;
  returnUrl: string;
  locale: "vn" | "en";
};

/** Checks a payment URL's query like VNPAY: merchant (72), signature (70), then format (03). */
export async function checkPaymentUrl(
  env: Env,
  q: Record<string, string>,
): Promise<{ ok: true; req: PaymentRequest } | { ok: false; code: ErrorCode }> {
  if (!q.vnp_TmnCode || q.vnp_TmnCode !== env.VNPAY_TMN_CODE) return { ok: false, code: "72" };
  if (!(await verifyQuery(q, env.VNPAY_SECURE_SECRET))) return { ok: false, code: "70" };
  const expiresAt = fromVnpDate(q.vnp_ExpireDate);
  const wellFormed =
    q.vnp_Version === "2.1.0" &&
    q.vnp_Command === "pay" &&
    q.vnp_CurrCode === "VND" &&
    /^[1-9]\d{2,15}$/.test(q.vnp_Amount ?? "") &&
    /^[A-Za-z0-9_-]{1,100}$/.test(q.vnp_TxnRef ?? "") &&
    /^[A-Za-z0-9 ]{1,255}$/.test(q.vnp_OrderInfo ?? "") &&
    fromVnpDate(q.vnp_CreateDate) !== null &&
    expiresAt !== null &&
    !!q.vnp_IpAddr &&
    (q.vnp_Locale === "vn" || q.vnp_Locale === "en") &&
    isHttpUrl(q.vnp_ReturnUrl);
  if (!wellFormed) return { ok: false, code: "03" };
  return {
    ok: true,
    req: {
      tmnCode: q.vnp_TmnCode,
      txnRef: q.vnp_TxnRef,
      amount: q.vnp_Amount,
      amountVnd: Number(q.vnp_Amount) / 100,
      orderInfo: q.vnp_OrderInfo,
      createDate: q.vnp_CreateDate,
      expireDate: q.vnp_ExpireDate,
      expiresAt: expiresAt!,
      returnUrl: q.vnp_ReturnUrl,
      locale: q.vnp_Locale as "vn" | "en",
    },
  };
}

function isHttpUrl(s: string | undefined) {
  try {
    const u = new URL(s ?? "");
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}

/** NCB test cards scripted against the real sandbox, and the response code each produces. */
export const TEST_CARDS: Record<string, { code: "00" | "51" | "12"; label: string }> = {
  "9704198526191432198": { code: "00", label: "NGUYEN VAN A, 07/15, OTP 123456: succeeds" },
  "9704195798459170488": { code: "51", label: "insufficient balance (51)" },
  "9704193370791314": { code: "12", label: "card locked (12)" },
};
export const DEFAULT_CARD = "9704198526191432198";

export type Outcome = {
  responseCode: string;
  transactionStatus: "00" | "02";
  /** "bank": the card was charged or declined (NCB/ATM); "none": no card involved (cancel, expiry). */
  via: "bank" | "none";
};

/** What the payer's choice on the page amounts to; null for a card the sandbox does not know. */
export function decideOutcome(form: { outcome?: string; card?: string }, expired: boolean): Outcome | null | "invalid" {
  const outcome = form.outcome;
  if (outcome !== "success" && outcome !== "cancel" && outcome !== "fail") return "invalid";
  if (outcome === "cancel") return { responseCode: "24", transactionStatus: "02", via: "none" };
  if (expired) return { responseCode: "11", transactionStatus: "02", via: "none" };
  const card = (form.card ?? "").replace(/\s+/g, "");
  const known = card ? TEST_CARDS[card] : TEST_CARDS[DEFAULT_CARD];
  if (!known) return null;
  if (outcome === "fail") return { responseCode: known.code === "00" ? "51" : known.code, transactionStatus: "02", via: "bank" };
  return { responseCode: known.code, transactionStatus: known.code === "00" ? "00" : "02", via: "bank" };
}

/** The fields VNPAY sends to both the IPN and the return URL (before signing). */
export function resultFields(req: PaymentRequest, o: Outcome, transactionNo: string, payDate: string): Record<string, string> {
  const paid = o.responseCode === "00";
  return {
    vnp_Amount: req.amount,
    vnp_BankCode: o.via === "bank" ? "NCB" : "VNPAY",
    vnp_BankTranNo: paid ? `VNP${transactionNo}` : "",
    vnp_CardType: o.via === "bank" ? "ATM" : "QRCODE",
    vnp_OrderInfo: req.orderInfo,
    vnp_PayDate: payDate,
    vnp_ResponseCode: o.responseCode,
    vnp_TmnCode: req.tmnCode,
    vnp_TransactionNo: transactionNo,
    vnp_TransactionStatus: o.transactionStatus,
    vnp_TxnRef: req.txnRef,
  };
}

export const newTransactionNo = () => String(10_000_000 + Math.floor(Math.random() * 89_999_999));

const uniqueViolation = (err: unknown, what: string) => {
  for (let e = err as { message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.message === "string" && e.message.includes("UNIQUE constraint failed") && e.message.includes(what)) return true;
  }
  return false;
};

/**
 * Records the finished payment and returns its signed result parameters; "already_paid" when
 * this TxnRef already has a successful transaction (VNPAY never charges one reference twice).
 */
export async function completePayment(
  db: Db,
  env: Env,
  req: PaymentRequest,
  outcome: Outcome,
  now = new Date(),
): Promise<{ id: number; signed: Record<string, string> } | "already_paid"> {
  for (let tries = 0; ; tries++) {
    const transactionNo = outcome.via === "bank" ? newTransactionNo() : "0";
    const signed = await signQuery(resultFields(req, outcome, transactionNo, toVnpDate(now)), env.VNPAY_SECURE_SECRET);
    try {
      const row = await db
        .insert(transactions)
        .values({
          tmnCode: req.tmnCode,
          txnRef: req.txnRef,
          amount: req.amount,
          orderInfo: req.orderInfo,
          createDate: req.createDate,
          returnUrl: req.returnUrl,
          responseCode: signed.vnp_ResponseCode,
          transactionStatus: signed.vnp_TransactionStatus,
          transactionNo,
          bankCode: signed.vnp_BankCode,
          cardType: signed.vnp_CardType,
          bankTranNo: signed.vnp_BankTranNo ?? null,
          payDate: signed.vnp_PayDate,
          resultQuery: new URLSearchParams(signed).toString(),
          createdAt: now.getTime(),
        })
        .returning({ id: transactions.id })
        .get();
      return { id: row.id, signed };
    } catch (err) {
      if (uniqueViolation(err, "transactions.tmn_code")) return "already_paid";
      if (uniqueViolation(err, "transactions.transaction_no") && tries < 3) continue;
      throw err;
    }
  }
}

/** The payer's browser goes back to the merchant with the same signed parameters. */
export function returnLocation(returnUrl: string, signed: Record<string, string>): string {
  return `${returnUrl}${returnUrl.includes("?") ? "&" : "?"}${new URLSearchParams(signed)}`;
}
