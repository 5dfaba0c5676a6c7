import { env, exports } from "cloudflare:workers";
import { ulid } from "ulid";
import { HashAlgorithm, ProductCode, VNPay, VnpLocale, dateFormat, getDateInGMT7 } from "vnpay";
import type { Env } from "../src/env";

export const testEnv = env as unknown as Env;
export const sandbox = (exports as unknown as { default: Fetcher }).default;
export const HOST = "http://sandbox.test";
export const RETURN_URL = "http://127.0.0.1:8787/api/payments/vnpay/return";

/** The merchant's side, through the `vnpay` library, as the payments worker builds URLs. */
export const merchant = (secret = testEnv.VNPAY_SECURE_SECRET, tmnCode = testEnv.VNPAY_TMN_CODE) =>
  new VNPay({ tmnCode, secureSecret: secret, vnpayHost: HOST, hashAlgorithm: HashAlgorithm.SHA512 });

export function paymentUrl(opts: { txnRef?: string; amountVnd?: number; expiresAt?: Date; orderInfo?: string; secret?: string; tmnCode?: string } = {}) {
  const txnRef = opts.txnRef ?? ulid();
  const url = merchant(opts.secret, opts.tmnCode).buildPaymentUrl({
    vnp_Amount: opts.amountVnd ?? 150_000,
    vnp_OrderInfo: opts.orderInfo ?? `Thanh toan don hang ${txnRef.replace(/[^A-Za-z0-9]/g, " ")}`,
    vnp_TxnRef: txnRef,
    vnp_IpAddr: "203.0.113.7",
    vnp_ReturnUrl: RETURN_URL,
    vnp_ExpireDate: dateFormat(getDateInGMT7(opts.expiresAt ?? new Date(Date.now() + 15 * 60_000))),
    vnp_Locale: VnpLocale.VN,
    vnp_OrderType: ProductCode.Other,
  });
  return { url, txnRef };
}

export const get = (url: string) => sandbox.fetch(url, { redirect: "manual" });
export const pay = (url: string, form: Record<string, string>) =>
  sandbox.fetch(url, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  });

export const paramsOf = (location: string) => Object.fromEntries(new URL(location).searchParams) as Record<string, string>;

export async function transactionsFor(txnRef: string) {
  const res = await sandbox.fetch(`${HOST}/paymentv2/emulator/transactions?txnRef=${txnRef}`);
  return ((await res.json()) as { items: any[] }).items;
}

/** Polls until `check` is truthy (background IPN retries run after the response). */
export async function eventually<T>(check: () => Promise<T | null | undefined | false>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}
