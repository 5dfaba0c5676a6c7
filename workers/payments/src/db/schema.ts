import { sqliteTable, text, integer } from "drizzle-orm/sqlite-core";
export { outbox, processedEvents, deadLetters } from "@tickets/common";

/** Mirrors migrations/payments/0002_payments.sql, 0003_refund_guards.sql and 0004_payment_checks.sql. */
export const paymentAttempts = sqliteTable("payment_attempts", {
  id: text("id").primaryKey(),
  orderId: text("order_id").notNull(),
  amountVnd: integer("amount_vnd").notNull(),
  orderInfo: text("order_info").notNull(),
  locale: text("locale").notNull(),
  clientIp: text("client_ip").notNull(),
  createDate: text("create_date").notNull(),
  expireDate: text("expire_date").notNull(),
  expiresAt: integer("expires_at").notNull(),
  host: text("host").notNull(),
  createdAt: integer("created_at").notNull(),
  /** When reconciliation next asks VNPAY (querydr) about this attempt; null: nothing left to ask. */
  nextCheckAt: integer("next_check_at"),
  checks: integer("checks").notNull().default(0),
  /** What the last querydr said (or why it failed), for the audit trail. */
  lastCheck: text("last_check"),
});

export const paymentResults = sqliteTable("payment_results", {
  id: text("id").primaryKey(),
  orderId: text("order_id").notNull(),
  outcome: text("outcome", { enum: ["succeeded", "failed"] }).notNull(),
  amountVnd: integer("amount_vnd").notNull(),
  responseCode: text("response_code").notNull(),
  transactionStatus: text("transaction_status").notNull(),
  transactionNo: text("transaction_no").notNull(),
  bankCode: text("bank_code"),
  cardType: text("card_type"),
  bankTranNo: text("bank_tran_no"),
  payDate: text("pay_date").notNull(),
  transactionDate: text("transaction_date").notNull(),
  createdAt: integer("created_at").notNull(),
});

export const paymentCallbacks = sqliteTable("payment_callbacks", {
  id: text("id").primaryKey(),
  kind: text("kind", { enum: ["ipn", "return"] }).notNull(),
  orderId: text("order_id"),
  params: text("params").notNull(),
  verified: integer("verified", { mode: "boolean" }).notNull(),
  answerCode: text("answer_code").notNull(),
  answerMessage: text("answer_message").notNull(),
  createdAt: integer("created_at").notNull(),
});

export const paymentRefunds = sqliteTable("payment_refunds", {
  id: text("id").primaryKey(),
  orderId: text("order_id").notNull(),
  paymentId: text("payment_id").notNull(),
  /** The refunds worker's refund this request belongs to (null on rows older than 0003). */
  refundId: text("refund_id"),
  requestId: text("request_id").notNull(),
  amountVnd: integer("amount_vnd").notNull(),
  transactionType: text("transaction_type").notNull(),
  reason: text("reason").notNull(),
  requestedBy: text("requested_by").notNull(),
  status: text("status", { enum: ["pending", "succeeded", "failed"] }).notNull(),
  responseCode: text("response_code"),
  message: text("message"),
  response: text("response"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});
