import { Hono, type Context } from "hono";
import { z } from "zod";
import { and, asc, desc, eq, inArray } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { Env } from "./env";
import { ipnDeliveries, refunds, transactions } from "./db/schema";
import { checkPaymentUrl, completePayment, decideOutcome, returnLocation } from "./domain/payment";
import { deliverIpn, retryIpn } from "./domain/ipn";
import { merchantApi } from "./domain/merchant-api";
import { apiControlSchema, controlSchema, setApiControl, setRefundControl } from "./domain/refund-controls";
import { ipnControlSchema, setIpnControl } from "./domain/ipn-controls";
import { errorPage, paymentPage } from "./pages";

type App = Hono<{ Bindings: Env }>;
const PAY_PATH = "/paymentv2/vpcpay.html";
const ERROR_PATH = "/paymentv2/Payment/Error.html";
const db = (c: Context<{ Bindings: Env }>) => drizzle(c.env.DB);

async function readForm(c: Context<{ Bindings: Env }>): Promise<Record<string, string>> {
  const type = c.req.header("content-type") ?? "";
  if (type.includes("multipart/form-data") || type.includes("application/x-www-form-urlencoded")) {
    const body = await c.req.parseBody();
    return Object.fromEntries(Object.entries(body).filter(([, v]) => typeof v === "string")) as Record<string, string>;
  }
  const text = await c.req.text();
  if (type.includes("application/json")) {
    try {
      return JSON.parse(text) as Record<string, string>;
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

async function alreadyPaid(c: Context<{ Bindings: Env }>, tmnCode: string, txnRef: string) {
  const row = await db(c)
    .select({ id: transactions.id })
    .from(transactions)
    .where(and(eq(transactions.tmnCode, tmnCode), eq(transactions.txnRef, txnRef), eq(transactions.responseCode, "00")))
    .get();
  return !!row;
}

export function mountRoutes(app: App) {
  app.get("/health", async (c) => {
    await c.env.DB.prepare("SELECT 1").first();
    return c.json({ status: "ok" });
  });

  app.get(PAY_PATH, async (c) => {
    const check = await checkPaymentUrl(c.env, c.req.query());
    if (!check.ok) return c.redirect(`${ERROR_PATH}?code=${check.code}`, 302);
    if (await alreadyPaid(c, check.req.tmnCode, check.req.txnRef)) return c.redirect(`${ERROR_PATH}?code=01`, 302);
    return c.html(paymentPage(check.req, { expired: Date.now() > check.req.expiresAt.getTime() }));
  });

  // The page's form (or a scripted payer) posts outcome=success|cancel|fail and optionally card=.
  app.post(PAY_PATH, async (c) => {
    const check = await checkPaymentUrl(c.env, c.req.query());
    if (!check.ok) return c.redirect(`${ERROR_PATH}?code=${check.code}`, 302);
    const req = check.req;
    const form = await readForm(c);
    const expired = Date.now() > req.expiresAt.getTime();
    const outcome = decideOutcome(form, expired);
    if (outcome === "invalid") {
      return c.html(paymentPage(req, { expired, error: "Send outcome=success, cancel or fail." }), 400);
    }
    if (outcome === null) {
      return c.html(paymentPage(req, { expired, card: form.card, error: "Unknown test card: use one of the NCB test cards." }), 400);
    }
    const done = await completePayment(db(c), c.env, req, outcome);
    if (done === "already_paid") return c.redirect(`${ERROR_PATH}?code=01`, 302);
    // First IPN before the browser goes back, so the merchant usually knows by then; retries
    // (when the answer is not 00/02) continue in the background like VNPAY's.
    const resultQuery = new URLSearchParams(done.signed).toString();
    const first = await deliverIpn(db(c), c.env, done.id, resultQuery, 1);
    if (!first.settled) c.executionCtx.waitUntil(retryIpn(db(c), c.env, done.id, resultQuery, 2));
    return c.redirect(returnLocation(req.returnUrl, done.signed), 302);
  });

  app.get(ERROR_PATH, (c) => {
    const code = /^\d{2}$/.test(c.req.query("code") ?? "") ? c.req.query("code")! : "99";
    return c.html(errorPage(code));
  });

  app.post("/merchant_webapi/api/transaction", async (c) => {
    let body: unknown = null;
    try {
      body = await c.req.json();
    } catch {
      body = null;
    }
    const answer = await merchantApi(db(c), c.env, body);
    if ("json" in answer) return c.json(answer.json);
    await new Promise((resolve) => setTimeout(resolve, answer.stall.delayMs));
    return c.json({ error: answer.stall.status === 504 ? "Gateway Timeout" : "Service Unavailable" }, answer.stall.status);
  });

  // Emulator-only: make the next refunds refuse, time out or fail, or take the whole transaction
  // API down (see domain/refund-controls.ts), or lose IPN deliveries (domain/ipn-controls.ts).
  app.post("/merchant_webapi/__control", async (c) => {
    const parsed = z.union([controlSchema.strict(), ipnControlSchema.strict(), apiControlSchema.strict()]).safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return c.json({ error: { code: "invalid_request", message: z.prettifyError(parsed.error) } }, 400);
    const input = parsed.data;
    if ("api" in input) return c.json({ control: await setApiControl(db(c), input) });
    return c.json({ control: "ipn" in input ? await setIpnControl(db(c), input) : await setRefundControl(db(c), input) });
  });

  // Emulator-only inspection (no such thing at VNPAY): what it processed and the IPN deliveries.
  app.get("/paymentv2/emulator/transactions", async (c) => {
    const txnRef = c.req.query("txnRef");
    const rows = await db(c)
      .select()
      .from(transactions)
      .where(txnRef ? eq(transactions.txnRef, txnRef) : undefined)
      .orderBy(desc(transactions.id))
      .limit(50)
      .all();
    const ids = rows.map((r) => r.id);
    const [deliveries, refundRows] = ids.length
      ? await Promise.all([
          db(c).select().from(ipnDeliveries).where(inArray(ipnDeliveries.transactionId, ids)).orderBy(asc(ipnDeliveries.id)).all(),
          db(c).select().from(refunds).where(inArray(refunds.transactionId, ids)).all(),
        ])
      : [[], []];
    return c.json({
      items: rows.map((r) => ({
        ...r,
        result: Object.fromEntries(new URLSearchParams(r.resultQuery)),
        ipnDeliveries: deliveries.filter((d) => d.transactionId === r.id),
        refund: refundRows.find((x) => x.transactionId === r.id) ?? null,
        refunds: refundRows.filter((x) => x.transactionId === r.id),
      })),
    });
  });

  // Emulator-only: deliver a transaction's IPN again, as VNPAY's duplicate deliveries do.
  app.post("/paymentv2/emulator/transactions/:id/ipn", async (c) => {
    const id = Number(c.req.param("id"));
    const tx = Number.isInteger(id) ? await db(c).select().from(transactions).where(eq(transactions.id, id)).get() : undefined;
    if (!tx) return c.json({ error: { code: "not_found", message: "No such transaction" } }, 404);
    const result = await deliverIpn(db(c), c.env, tx.id, tx.resultQuery, tx.ipnAttempts + 1);
    return c.json({ RspCode: result.rspCode, Message: result.message, httpStatus: result.httpStatus });
  });
}
