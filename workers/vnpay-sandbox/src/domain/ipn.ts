import { eq } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { createLogger } from "@tickets/common";
import { ipnDeliveries, transactions } from "../db/schema";
import type { Env } from "../env";
import { takeIpnDrop } from "./ipn-controls";

type Db = DrizzleD1Database<Record<string, unknown>>;
const log = createLogger({ service: "vnpay-sandbox" });
const TIMEOUT_MS = 10_000;

export const ipnSettings = (env: Env) => ({
  path: env.VNPAY_IPN_PATH || "/api/payments/vnpay/ipn",
  maxTries: Math.max(1, Number(env.IPN_MAX_TRIES ?? 10) || 10),
  delayMs: Math.max(0, Number(env.IPN_RETRY_DELAY_MS ?? 1000) || 0),
});

/** 00 (confirmed) and 02 (already confirmed) end VNPAY's IPN flow; anything else is retried. */
export const ipnSettled = (rspCode: string | null) => rspCode === "00" || rspCode === "02";

/**
 * One server-to-server IPN call (GET <ipn url>?<signed result>), recorded with the merchant's
 * answer. A timeout, a non-JSON answer or a transport error count as "no answer".
 */
export async function deliverIpn(db: Db, env: Env, transactionId: number, resultQuery: string, attempt: number) {
  const { path, maxTries } = ipnSettings(env);
  let httpStatus: number | null = null;
  let rspCode: string | null = null;
  let message: string | null = null;
  try {
    if (await takeIpnDrop(db, new URLSearchParams(resultQuery).get("vnp_TxnRef") ?? "")) throw new Error("dropped (emulator control)");
    if (!env.GATEWAY) throw new Error("no GATEWAY binding to reach the merchant");
    const res = await Promise.race([
      env.GATEWAY.fetch(`http://gateway${path}?${resultQuery}`, { headers: { "user-agent": "VNPAY-Sandbox-Emulator/IPN" } }),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timeout")), TIMEOUT_MS)),
    ]);
    httpStatus = res.status;
    const body = (await res.json().catch(() => null)) as { RspCode?: unknown; Message?: unknown } | null;
    rspCode = typeof body?.RspCode === "string" ? body.RspCode : null;
    message = typeof body?.Message === "string" ? body.Message.slice(0, 500) : `HTTP ${res.status}, no IPN answer`;
  } catch (err) {
    message = (err as Error).message.slice(0, 500);
  }
  const settled = ipnSettled(rspCode);
  const status = settled ? "confirmed" : attempt >= maxTries ? "gave_up" : "retrying";
  await db.batch([
    db.insert(ipnDeliveries).values({ transactionId, attempt, httpStatus, rspCode, message, createdAt: Date.now() }),
    db.update(transactions).set({ ipnStatus: status, ipnAttempts: attempt }).where(eq(transactions.id, transactionId)),
  ]);
  log.info("ipn_delivered", { transactionId, attempt, httpStatus, rspCode, status });
  return { settled, rspCode, message, httpStatus };
}

/** VNPAY's retries (every 5 minutes there, `delayMs` here) until settled or out of tries. */
export async function retryIpn(db: Db, env: Env, transactionId: number, resultQuery: string, fromAttempt: number) {
  const { maxTries, delayMs } = ipnSettings(env);
  for (let attempt = fromAttempt; attempt <= maxTries; attempt++) {
    await new Promise((r) => setTimeout(r, delayMs));
    if ((await deliverIpn(db, env, transactionId, resultQuery, attempt)).settled) return;
  }
}
