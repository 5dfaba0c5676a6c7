import { createRoute, z } from "@hono/zod-openapi";
import { drizzle } from "drizzle-orm/d1";
import type { Context } from "hono";
import { IpnFailChecksum, IpnUnknownError } from "vnpay";
import {
  PUBLIC_ORIGIN_HEADER,
  recordMetric,
  errorResponse,
  errorResponses,
  errors,
  jsonResponse,
  relayOutbox,
  requireRole,
  type Logger,
  type ServiceApp,
  type ServiceEnv,
} from "@tickets/common";
import type { Env } from "./env";
import { VNP_FIELDS, noteUnverified } from "./domain/callbacks";
import { handleIpn, isPaidResult } from "./domain/ipn";
import { handleReturn } from "./domain/return";
import { paymentOverview } from "./domain/overview";

type Ctx = Context<ServiceEnv<Env>>;

const vnpQuery = z.object(Object.fromEntries(VNP_FIELDS.map((f) => [f, z.string().optional()])) as Record<(typeof VNP_FIELDS)[number], z.ZodOptional<z.ZodString>>);

const IpnAnswerSchema = z
  .object({ RspCode: z.string().openapi({ example: "00" }), Message: z.string().openapi({ example: "Confirm Success" }) })
  .openapi("VnpayIpnAnswer");

const ipnRoute = createRoute({
  method: "get",
  path: "/api/payments/vnpay/ipn",
  operationId: "handleVnpayIpn",
  tags: ["payments"],
  summary: "VNPAY IPN (server to server)",
  description:
    "VNPAY's instant payment notification. Always HTTP 200 with {RspCode, Message}: 00 recorded (success or failure), 97 bad checksum, 01 order not found, 04 invalid amount, 02 already confirmed, 99 unknown error.",
  request: { query: vnpQuery },
  responses: { 200: jsonResponse(IpnAnswerSchema, "The IPN answer VNPAY expects") },
});

const returnRoute = createRoute({
  method: "get",
  path: "/api/payments/vnpay/return",
  operationId: "handleVnpayReturn",
  tags: ["payments"],
  summary: "VNPAY return (the payer's browser)",
  description: "Verifies the signature and redirects to the dashboard's order page with ?payment=success|failed.",
  request: { query: vnpQuery },
  responses: { 302: { description: "Redirect to /orders/{orderId}?payment=success|failed" }, ...errorResponses(400) },
});

const AttemptSchema = z.object({
  id: z.string(),
  amountVnd: z.number().int(),
  orderInfo: z.string(),
  locale: z.string(),
  clientIp: z.string(),
  vnpCreateDate: z.string(),
  vnpExpireDate: z.string(),
  expiresAt: z.string(),
  host: z.string(),
  createdAt: z.string(),
  reconciliation: z
    .object({ checks: z.number().int(), lastCheck: z.string().nullable(), nextCheckAt: z.string().nullable() })
    .openapi({ description: "querydr checks made for this attempt, what VNPAY said last, and the next one (null: no more)" }),
});
const ResultSchema = z.object({
  paymentId: z.string(),
  outcome: z.enum(["succeeded", "failed"]),
  amountVnd: z.number().int(),
  responseCode: z.string(),
  transactionStatus: z.string(),
  transactionNo: z.string(),
  bankCode: z.string().nullable(),
  cardType: z.string().nullable(),
  bankTranNo: z.string().nullable(),
  payDate: z.string(),
  createdAt: z.string(),
});
const CallbackSchema = z.object({
  id: z.string(),
  kind: z.enum(["ipn", "return"]),
  verified: z.boolean(),
  answerCode: z.string(),
  answerMessage: z.string(),
  params: z.unknown(),
  createdAt: z.string(),
});
const RefundSchema = z.object({
  id: z.string(),
  refundId: z.string().nullable().openapi({ description: "The refunds worker's refund this VNPAY request belongs to" }),
  requestId: z.string().openapi({ description: "vnp_RequestId (the same on a resend after an unknown outcome)" }),
  amountVnd: z.number().int(),
  transactionType: z.string(),
  reason: z.string(),
  requestedBy: z.string(),
  status: z.enum(["pending", "succeeded", "failed"]),
  responseCode: z.string().nullable(),
  message: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const OverviewSchema = z
  .object({
    payment: z.object({
      orderId: z.string(),
      status: z.enum(["none", "pending", "failed", "succeeded", "partially_refunded", "refunded"]),
      amountVnd: z.number().int().nullable(),
      paymentId: z.string().nullable(),
      transactionNo: z.string().nullable(),
      refundedVnd: z.number().int(),
      attempts: z.array(AttemptSchema),
      results: z.array(ResultSchema),
      callbacks: z.array(CallbackSchema),
      refunds: z.array(RefundSchema),
    }),
  })
  .openapi("PaymentAudit");

const overviewRoute = createRoute({
  method: "get",
  path: "/api/payments/orders/{orderId}",
  operationId: "getOrderPayments",
  tags: ["payments"],
  summary: "Payment audit trail of an order (admin)",
  description: "Admins only (403 otherwise). Every payment URL built, every VNPAY callback received (with the answer given), the outcomes and refunds.",
  security: [{ bearer: [] }],
  request: { params: z.object({ orderId: z.string().min(1).max(100) }) },
  responses: { 200: jsonResponse(OverviewSchema), ...errorResponses(400, 401, 403, 404) },
});

const db = (c: Ctx) => drizzle(c.env.DB);

/** Names of the IPN answers other than 00 (VNPAY's codes), as the ipn_error metric labels them. */
const IPN_ERRORS: Record<string, string> = { "97": "bad_checksum", "01": "order_not_found", "04": "invalid_amount", "02": "already_confirmed", "99": "unknown_error" };

/** 00 → a payment outcome recorded (`payment`, succeeded|failed); anything else → `ipn_error`. */
function countIpn(c: Ctx, rspCode: string, query: Record<string, string>) {
  const subject = (query.vnp_TxnRef ?? "").slice(0, 100);
  const point =
    rspCode === "00"
      ? recordMetric(c.env, "payments", "payment", { label: isPaidResult(query) ? "succeeded" : "failed", subject })
      : recordMetric(c.env, "payments", "ipn_error", { label: IPN_ERRORS[rspCode] ?? `code_${rspCode}`, subject });
  c.executionCtx.waitUntil(point);
}
const log = (c: Ctx) => c.get("log") as Logger;

export function mountRoutes(app: ServiceApp<Env>) {
  app.openapi(
    ipnRoute,
    async (c) => {
      const query = c.req.query();
      try {
        const { answer, emitted, verified } = await handleIpn(db(c), c.env, query);
        countIpn(c, answer.RspCode, query);
        if (!verified) {
          noteUnverified(log(c), "ipn", answer.RspCode, query);
          return c.json(answer, 200);
        }
        if (emitted) c.executionCtx.waitUntil(relayOutbox(db(c), c.env, log(c)));
        log(c).info("vnpay_ipn", { orderId: query.vnp_TxnRef, responseCode: query.vnp_ResponseCode, answer: answer.RspCode });
        return c.json(answer, 200);
      } catch (err) {
        // Not stored (the store is likely what failed, and the call may be unverified); VNPAY retries on 99.
        log(c).error("vnpay_ipn_failed", { orderId: query.vnp_TxnRef?.slice(0, 100), error: (err as Error).message });
        countIpn(c, IpnUnknownError.RspCode, query);
        return c.json(IpnUnknownError, 200);
      }
    },
    // Malformed query (e.g. a repeated field): still the IPN contract's JSON, never a 400.
    (result, c) => {
      if (result.success) return;
      noteUnverified(log(c as Ctx), "ipn", IpnFailChecksum.RspCode, c.req.query());
      countIpn(c as Ctx, IpnFailChecksum.RspCode, {});
      return c.json(IpnFailChecksum, 200);
    },
  );

  app.openapi(returnRoute, async (c) => {
    const origin = c.env.DASHBOARD_ORIGIN || c.req.header(PUBLIC_ORIGIN_HEADER) || new URL(c.req.url).origin;
    const query = c.req.query();
    const result = await handleReturn(db(c), c.env, query, origin);
    if (!result.verified) {
      noteUnverified(log(c), "return", "400", query);
      return errorResponse(400, "invalid_signature", "The VNPAY return parameters are not correctly signed") as never;
    }
    return c.redirect(result.location, 302);
  });

  app.openapi(overviewRoute, async (c) => {
    requireRole(c.get("identity"), "admin");
    const { orderId } = c.req.valid("param");
    const payment = await paymentOverview(db(c), orderId);
    if (!payment) throw errors.notFound("Payment record");
    return c.json({ payment }, 200);
  });
}
