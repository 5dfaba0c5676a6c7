import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, inject } from "vitest";
import { HashAlgorithm, ProductCode, VNPay, VnpLocale, dateFormat, getDateInGMT7, type ReturnQueryFromVNPay } from "vnpay";
import { Client, eventually, uniqueEmail } from "./client";

// Helpers for the checkout-saga end-to-end tests (e2e/checkout.test.ts, e2e/saga-faults.test.ts).

export const HOLD_TTL_MS = inject("holdTtlSeconds") * 1000;

/** The sandbox's merchant credentials: the payments worker's committed local defaults. */
export function devVar(name: string): string {
  const text = readFileSync(join(__dirname, "..", "workers", "payments", ".dev.vars.example"), "utf8");
  const m = new RegExp(`^${name}\\s*=\\s*"?([^"\\n]*)"?`, "m").exec(text);
  if (!m) throw new Error(`${name} missing from workers/payments/.dev.vars.example`);
  return m[1];
}
export const TMN_CODE = devVar("VNPAY_TMN_CODE");
export const SECRET = devVar("VNPAY_SECURE_SECRET");

export type Sale = { eventId: string; ticketTypeId: string };
export type Order = { id: string; status: string; totalVnd: number; holdExpiresAt: string; items: unknown[]; tickets?: unknown[] };

export async function signUp(role: "buyer" | "organizer" = "buyer") {
  const client = new Client();
  const res = await client.post("/api/auth/register", { email: uniqueEmail(role), password: "correct-horse-battery", name: `E2E ${role}`, role });
  expect(res.status).toBe(201);
  client.token = res.json.accessToken;
  return { client, user: res.json.user as { id: string; email: string } };
}

export async function publishedSale(opts: { quantity: number; priceVnd?: number; maxPerOrder?: number; startsAt?: Date }) {
  const { client: organizer } = await signUp("organizer");
  const startsAt = opts.startsAt ?? new Date(Date.now() + 30 * 86_400_000);
  const event = await organizer.post("/api/events", {
    title: "Saga night",
    venue: "Nha hat Lon",
    city: "Ha Noi",
    startsAt: startsAt.toISOString(),
    endsAt: new Date(startsAt.getTime() + 3 * 3_600_000).toISOString(),
  });
  expect(event.status).toBe(201);
  const eventId = event.json.event.id as string;
  const tt = await organizer.post(`/api/events/${eventId}/ticket-types`, {
    name: "Standard",
    priceVnd: opts.priceVnd ?? 350_000,
    quantity: opts.quantity,
    maxPerOrder: opts.maxPerOrder ?? 5,
  });
  expect(tt.status).toBe(201);
  const published = await organizer.post(`/api/events/${eventId}/publish`);
  expect(published.status).toBe(200);
  return { organizer, sale: { eventId, ticketTypeId: tt.json.ticketType.id as string } };
}

export async function available(sale: Sale): Promise<number> {
  const res = await new Client().get(`/api/events/${sale.eventId}`);
  expect(res.status).toBe(200);
  return res.json.event.ticketTypes.find((t: { id: string }) => t.id === sale.ticketTypeId).available;
}
/** Availability in listings is near-live (flushed by the inventory object): wait for the value. */
export const availableBecomes = (sale: Sale, n: number) => eventually(async () => (await available(sale)) === n, 10_000);

export const newKey = () => `checkout-${randomUUID()}`;
export const placeOrder = (buyer: Client, sale: Sale, quantity: number, key = newKey()) =>
  buyer.post("/api/orders", { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity }] }, { "idempotency-key": key });

export async function getOrder(client: Client, id: string): Promise<Order> {
  const res = await client.get(`/api/orders/${id}`);
  expect(res.status).toBe(200);
  return res.json.order;
}
export const statusBecomes = (client: Client, id: string, status: string, timeoutMs = 15_000) =>
  eventually(async () => {
    const order = await getOrder(client, id);
    return order.status === status ? order : null;
  }, timeoutMs);

/** The scripted payer: POST the payment page with the chosen outcome; the emulator then calls the IPN. */
export async function payAtSandbox(paymentUrl: string, outcome: "success" | "cancel" | "fail") {
  const res = await fetch(paymentUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ outcome }),
    redirect: "manual",
  });
  expect(res.status).toBe(302);
  return res.headers.get("location");
}

/** An IPN query exactly as VNPAY signs it (sorted keys, form encoding, HMAC-SHA512). */
export function signedIpn(fields: Record<string, string>): Record<string, string> {
  const params = new URLSearchParams();
  for (const k of Object.keys(fields).sort()) if (fields[k] !== "") params.append(k, fields[k]);
  return { ...fields, vnp_SecureHash: createHmac("sha512", SECRET).update(params.toString()).digest("hex") };
}
export function successIpn(orderId: string, amountVnd: number, transactionNo = String(14_000_000 + Math.floor(Math.random() * 999_999))) {
  const query = signedIpn({
    vnp_Amount: String(amountVnd * 100),
    vnp_BankCode: "NCB",
    vnp_BankTranNo: `VNP${transactionNo}`,
    vnp_CardType: "ATM",
    vnp_OrderInfo: `Thanh toan don hang ${orderId}`,
    vnp_PayDate: String(dateFormat(getDateInGMT7(new Date()))),
    vnp_ResponseCode: "00",
    vnp_TmnCode: TMN_CODE,
    vnp_TransactionNo: transactionNo,
    vnp_TransactionStatus: "00",
    vnp_TxnRef: orderId,
  });
  // The library VNPAY merchants use accepts it: the signature is built exactly like VNPAY's.
  const vnpay = new VNPay({ tmnCode: TMN_CODE, secureSecret: SECRET, vnpayHost: "http://127.0.0.1" });
  expect(vnpay.verifyIpnCall(query as unknown as ReturnQueryFromVNPay).isVerified).toBe(true);
  return query;
}
/**
 * A payment URL for the order as VNPAY would have it if its payment window outlived our hold
 * (what makes a payment land late): signed with the sandbox merchant's credentials, expiring in
 * 15 minutes. Paying it at the sandbox makes a genuine sandbox transaction (refundable) and IPN.
 */
export function lateWindowPaymentUrl(orderId: string, amountVnd: number, orderInfo = `Thanh toan don hang ${orderId}`) {
  const baseUrl = inject("baseUrl");
  const vnpay = new VNPay({ tmnCode: TMN_CODE, secureSecret: SECRET, vnpayHost: baseUrl, hashAlgorithm: HashAlgorithm.SHA512 });
  return vnpay.buildPaymentUrl({
    vnp_Amount: amountVnd,
    vnp_OrderInfo: orderInfo,
    vnp_TxnRef: orderId,
    vnp_IpAddr: "127.0.0.1",
    vnp_ReturnUrl: `${baseUrl}/api/payments/vnpay/return`,
    vnp_CreateDate: Number(dateFormat(getDateInGMT7(new Date()))),
    vnp_ExpireDate: Number(dateFormat(getDateInGMT7(new Date(Date.now() + 15 * 60_000)))),
    vnp_Locale: VnpLocale.VN,
    vnp_OrderType: ProductCode.Other,
  });
}
export const sendIpn = (query: Record<string, string>) => new Client().get(`/api/payments/vnpay/ipn?${new URLSearchParams(query)}`);


export type Ticket = { id: string; code: string; status: string };

/** Orders, pays at the sandbox and waits for the confirmed order's tickets. */
export async function buyAndPay(buyer: Client, sale: Sale, quantity: number) {
  const res = await placeOrder(buyer, sale, quantity);
  expect(res.status).toBe(201);
  await payAtSandbox(res.json.paymentUrl, "success");
  await statusBecomes(buyer, res.json.order.id, "confirmed");
  const order = await eventually(async () => {
    const o = await getOrder(buyer, res.json.order.id);
    return o.tickets?.length === quantity ? o : null;
  }, 20_000);
  return { orderId: order.id, totalVnd: order.totalVnd, tickets: order.tickets as Ticket[] };
}
