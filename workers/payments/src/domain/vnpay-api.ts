import { createHmac, timingSafeEqual } from "node:crypto";
import { ulid } from "ulid";
import { breakerOptions, circuitBreaker, retry, type CircuitBreaker } from "@tickets/common";
import { VNP_VERSION } from "vnpay";
import type { Env } from "../env";
import { toVnpDate } from "./vnpay-date";

/**
 * VNPAY's querydr/refund API (POST JSON to /merchant_webapi/api/transaction), signed with
 * HMAC-SHA512 over `|`-joined fields. Done here rather than through the `vnpay` library because
 * its response check is unsound: an unsigned response passes, and a genuine refund response fails
 * (it divides the amount by 100 before hashing).
 */
export const API_PATH = "/merchant_webapi/api/transaction";

export const QUERYDR_REQUEST_FIELDS = ["vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TxnRef", "vnp_TransactionDate", "vnp_CreateDate", "vnp_IpAddr", "vnp_OrderInfo"] as const;
export const REFUND_REQUEST_FIELDS = ["vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TransactionType", "vnp_TxnRef", "vnp_Amount", "vnp_TransactionNo", "vnp_TransactionDate", "vnp_CreateBy", "vnp_CreateDate", "vnp_IpAddr", "vnp_OrderInfo"] as const;
export const REFUND_RESPONSE_FIELDS = ["vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message", "vnp_TmnCode", "vnp_TxnRef", "vnp_Amount", "vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo", "vnp_TransactionType", "vnp_TransactionStatus", "vnp_OrderInfo"] as const;
export const QUERYDR_RESPONSE_FIELDS = [...REFUND_RESPONSE_FIELDS, "vnp_PromotionCode", "vnp_PromotionAmount"] as const;

type Fields = readonly string[];
type Body = Record<string, unknown>;
const SERVER_IP = "127.0.0.1";

export const hmacSha512Hex = (secret: string, data: string) => createHmac("sha512", secret).update(data, "utf8").digest("hex");

/** Missing fields count as empty strings. */
export const pipeString = (body: Body, fields: Fields) => fields.map((f) => (body[f] == null ? "" : String(body[f]))).join("|");

export function signBody<T extends Record<string, string>>(body: T, fields: Fields, secret: string): T & { vnp_SecureHash: string } {
  return { ...body, vnp_SecureHash: hmacSha512Hex(secret, pipeString(body, fields)) };
}

/** A response counts only when it carries a hash and the hash matches (never "no hash = fine"). */
export function verifyBody(body: Body, fields: Fields, secret: string): boolean {
  const received = body.vnp_SecureHash;
  if (typeof received !== "string" || !/^[0-9a-fA-F]{128}$/.test(received)) return false;
  const expected = Buffer.from(hmacSha512Hex(secret, pipeString(body, fields)), "hex");
  return timingSafeEqual(expected, Buffer.from(received.toLowerCase(), "hex"));
}

/** Sends one signed request body; resolves with the parsed JSON answer. */
export type VnpayTransport = (body: Record<string, string>) => Promise<Body>;

/** How long one querydr/refund call may take before it counts as unreachable (VNPAY_API_TIMEOUT_MS). */
export const DEFAULT_API_TIMEOUT_MS = 15_000;
export function apiTimeoutMs(env: Pick<Env, "VNPAY_API_TIMEOUT_MS">): number {
  const ms = Number(env.VNPAY_API_TIMEOUT_MS);
  return Number.isInteger(ms) && ms > 0 ? ms : DEFAULT_API_TIMEOUT_MS;
}

/**
 * This isolate's circuit breaker on VNPAY's API: it opens after BREAKER_FAILURE_THRESHOLD (5)
 * consecutive failed calls (timeout, network, HTTP error), fails calls fast while open, and lets
 * one probe through every BREAKER_COOLDOWN_MS (10 s). While it is open no new payment is started
 * (PaymentsRpc.createPaymentUrl refuses), so checkout answers 503 instead of holding tickets that
 * cannot be paid or reconciled.
 */
export const vnpayBreaker = (env: Pick<Env, "BREAKER_FAILURE_THRESHOLD" | "BREAKER_COOLDOWN_MS">): CircuitBreaker =>
  circuitBreaker("vnpay", breakerOptions(env));

type TransportEnv = Pick<Env, "VNPAY_HOST" | "GATEWAY" | "VNPAY_API_TIMEOUT_MS" | "BREAKER_FAILURE_THRESHOLD" | "BREAKER_COOLDOWN_MS">;

/**
 * Any error a transport throws (timeout, network, HTTP error, unreadable answer, open circuit)
 * means VNPAY's decision is unknown: the caller may send the same request again later. A querydr
 * only asks, so it is tried twice at once (jittered backoff); a refund is never repeated here (its
 * caller repeats it later under the same request id).
 */
export function vnpayTransport(env: TransportEnv): VnpayTransport {
  const breaker = vnpayBreaker(env);
  return (body) => {
    const call = () => breaker.run(() => send(env, body));
    return body.vnp_Command === "querydr" ? retry(call, { attempts: 2, baseDelayMs: 200 }) : call();
  };
}

async function send(env: TransportEnv, body: Record<string, string>): Promise<Body> {
  const init = {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(apiTimeoutMs(env)),
  };
  let res: Response;
  if (env.VNPAY_HOST) res = await fetch(`${env.VNPAY_HOST.replace(/\/+$/, "")}${API_PATH}`, init);
  else if (env.GATEWAY) res = await env.GATEWAY.fetch(`http://gateway${API_PATH}`, init);
  else throw new Error("no VNPAY host configured");
  if (!res.ok) throw new Error(`VNPAY API answered HTTP ${res.status}`);
  const json = (await res.json()) as unknown;
  if (!json || typeof json !== "object") throw new Error("VNPAY API answered a non-object");
  return json as Body;
}

export type ApiResult = { verified: boolean; body: Body; responseCode: string; message: string };

function result(body: Body, fields: Fields, env: Pick<Env, "VNPAY_TMN_CODE" | "VNPAY_SECURE_SECRET">, txnRef: string): ApiResult {
  const verified =
    verifyBody(body, fields, env.VNPAY_SECURE_SECRET) && body.vnp_TmnCode === env.VNPAY_TMN_CODE && body.vnp_TxnRef === txnRef;
  return {
    verified,
    body,
    responseCode: verified ? String(body.vnp_ResponseCode ?? "") : "97",
    message: verified ? String(body.vnp_Message ?? "") : "VNPAY response signature invalid or missing",
  };
}

export async function queryDr(
  env: Pick<Env, "VNPAY_TMN_CODE" | "VNPAY_SECURE_SECRET">,
  transport: VnpayTransport,
  p: { txnRef: string; transactionDate: string; orderInfo: string },
  now = new Date(),
): Promise<ApiResult> {
  const body = signBody(
    {
      vnp_RequestId: ulid(),
      vnp_Version: VNP_VERSION,
      vnp_Command: "querydr",
      vnp_TmnCode: env.VNPAY_TMN_CODE,
      vnp_TxnRef: p.txnRef,
      vnp_TransactionDate: p.transactionDate,
      vnp_CreateDate: toVnpDate(now),
      vnp_IpAddr: SERVER_IP,
      vnp_OrderInfo: p.orderInfo,
    },
    QUERYDR_REQUEST_FIELDS,
    env.VNPAY_SECURE_SECRET,
  );
  return result(await transport(body), QUERYDR_RESPONSE_FIELDS, env, p.txnRef);
}

export async function requestRefund(
  env: Pick<Env, "VNPAY_TMN_CODE" | "VNPAY_SECURE_SECRET">,
  transport: VnpayTransport,
  p: {
    requestId: string;
    txnRef: string;
    amountVnd: number;
    transactionType: "02" | "03";
    transactionNo: string;
    transactionDate: string;
    createBy: string;
    orderInfo: string;
  },
  now = new Date(),
): Promise<ApiResult & { request: Record<string, string> }> {
  const request = signBody(
    {
      vnp_RequestId: p.requestId,
      vnp_Version: VNP_VERSION,
      vnp_Command: "refund",
      vnp_TmnCode: env.VNPAY_TMN_CODE,
      vnp_TransactionType: p.transactionType,
      vnp_TxnRef: p.txnRef,
      vnp_Amount: String(p.amountVnd * 100),
      vnp_TransactionNo: p.transactionNo || "0",
      vnp_TransactionDate: p.transactionDate,
      vnp_CreateBy: p.createBy,
      vnp_CreateDate: toVnpDate(now),
      vnp_IpAddr: SERVER_IP,
      vnp_OrderInfo: p.orderInfo,
    },
    REFUND_REQUEST_FIELDS,
    env.VNPAY_SECURE_SECRET,
  );
  const res = result(await transport(request), REFUND_RESPONSE_FIELDS, env, p.txnRef);
  if (res.verified && res.responseCode === "00" && String(res.body.vnp_Amount) !== request.vnp_Amount) {
    return { ...res, verified: false, responseCode: "99", message: "VNPAY answered for a different amount than requested", request };
  }
  return { ...res, request };
}
