import { env, exports } from "cloudflare:workers";
import { ulid } from "ulid";
import { signIdentity, type Role } from "@tickets/common";
import type { Env } from "../src/env";
import type { PaymentsRpc } from "../src/rpc";

export const testEnv = env as unknown as Env;
export const worker = (exports as unknown as { default: Fetcher }).default;
export const rpc = (exports as unknown as { PaymentsRpc: Service<PaymentsRpc> }).PaymentsRpc;
export const ORIGIN = "http://127.0.0.1:8787";

export const newOrderId = (prefix = "") => `${prefix}${ulid()}`;

/** A payment attempt as the orders worker would create it. */
export async function createAttempt(orderId: string, amountVnd = 150_000, expiresAt = new Date(Date.now() + 15 * 60_000)) {
  return rpc.createPaymentUrl({
    orderId,
    amountVnd,
    expiresAt: expiresAt.toISOString(),
    orderInfo: `Thanh toán đơn hàng ${orderId}`,
    publicOrigin: ORIGIN,
    clientIp: "203.0.113.7",
    locale: "vn",
  });
}

const enc = new TextEncoder();
/** VNPAY's signing, written independently of the library: sorted, non-empty, form-encoded, HMAC-SHA512 hex. */
export async function signQuery(params: Record<string, string>, secret = testEnv.VNPAY_SECURE_SECRET): Promise<URLSearchParams> {
  const sorted = new URLSearchParams();
  for (const k of Object.keys(params).sort()) if (params[k] !== "") sorted.append(k, params[k]);
  const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-512" }, false, ["sign"]);
  const sig = new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(sorted.toString())));
  sorted.append("vnp_SecureHash", [...sig].map((b) => b.toString(16).padStart(2, "0")).join(""));
  return sorted;
}

/** The fields VNPAY sends to the IPN and return URLs (sandbox success by default). */
export function vnpResult(orderId: string, amountVnd = 150_000, over: Record<string, string> = {}): Record<string, string> {
  return {
    vnp_Amount: String(amountVnd * 100),
    vnp_BankCode: "NCB",
    vnp_BankTranNo: "VNP14000001",
    vnp_CardType: "ATM",
    vnp_OrderInfo: `Thanh toan don hang ${orderId}`,
    vnp_PayDate: "20260101120000",
    vnp_ResponseCode: "00",
    vnp_TmnCode: testEnv.VNPAY_TMN_CODE,
    vnp_TransactionNo: "14000001",
    vnp_TransactionStatus: "00",
    vnp_TxnRef: orderId,
    ...over,
  };
}

export const CANCELLED = {
  vnp_ResponseCode: "24",
  vnp_TransactionStatus: "02",
  vnp_TransactionNo: "0",
  vnp_BankCode: "VNPAY",
  vnp_CardType: "QRCODE",
  vnp_BankTranNo: "",
};

export async function callIpn(query: URLSearchParams | string) {
  const res = await worker.fetch(`http://payments/api/payments/vnpay/ipn?${query}`);
  return { status: res.status, body: (await res.json()) as { RspCode: string; Message: string } };
}

export async function countRows(table: "payment_results" | "payment_callbacks" | "payment_attempts" | "payment_refunds", orderId: string) {
  const row = await testEnv.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE order_id = ?`).bind(orderId).first<{ n: number }>();
  return row!.n;
}

export async function outboxFor(orderId: string) {
  const { results } = await testEnv.DB.prepare("SELECT type, envelope, sent_at FROM outbox ORDER BY created_at").all<{ type: string; envelope: string; sent_at: number | null }>();
  return results
    .map((r) => ({ ...r, event: JSON.parse(r.envelope) as { type: string; payload: Record<string, unknown> } }))
    .filter((r) => r.event.payload.orderId === orderId);
}

export async function identityHeaders(roles: Role[], userId = ulid()) {
  return signIdentity({ userId, email: `${userId}@example.test`, roles, sessionId: ulid() }, testEnv.INTERNAL_AUTH_SECRET, "payments");
}
