import { sqliteTable, text, integer } from "drizzle-orm/sqlite-core";

/** Mirrors migrations/vnpay-sandbox/0001_init.sql, 0002_partial_refunds_and_controls.sql and 0003_ipn_controls.sql. */
export const transactions = sqliteTable("transactions", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  tmnCode: text("tmn_code").notNull(),
  txnRef: text("txn_ref").notNull(),
  amount: text("amount").notNull(),
  orderInfo: text("order_info").notNull(),
  createDate: text("create_date").notNull(),
  returnUrl: text("return_url").notNull(),
  responseCode: text("response_code").notNull(),
  transactionStatus: text("transaction_status").notNull(),
  transactionNo: text("transaction_no").notNull(),
  bankCode: text("bank_code").notNull(),
  cardType: text("card_type").notNull(),
  bankTranNo: text("bank_tran_no"),
  payDate: text("pay_date").notNull(),
  resultQuery: text("result_query").notNull(),
  ipnStatus: text("ipn_status", { enum: ["pending", "confirmed", "retrying", "gave_up"] }).notNull().default("pending"),
  ipnAttempts: integer("ipn_attempts").notNull().default(0),
  createdAt: integer("created_at").notNull(),
});

export const ipnDeliveries = sqliteTable("ipn_deliveries", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  transactionId: integer("transaction_id").notNull(),
  attempt: integer("attempt").notNull(),
  httpStatus: integer("http_status"),
  rspCode: text("rsp_code"),
  message: text("message"),
  createdAt: integer("created_at").notNull(),
});

export const refunds = sqliteTable("refunds", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  transactionId: integer("transaction_id").notNull(),
  requestId: text("request_id").notNull(),
  amount: text("amount").notNull(),
  transactionType: text("transaction_type").notNull(),
  createBy: text("create_by").notNull(),
  transactionNo: text("transaction_no").notNull(),
  createdAt: integer("created_at").notNull(),
});

export const apiRequests = sqliteTable("api_requests", {
  tmnCode: text("tmn_code").notNull(),
  requestId: text("request_id").notNull(),
  command: text("command").notNull(),
  createdAt: integer("created_at").notNull(),
});

/** Emulator-only: how the next refunds of a TxnRef (or of all, scope "*") are answered. */
export const refundControls = sqliteTable("refund_controls", {
  scope: text("scope").primaryKey(),
  mode: text("mode", { enum: ["refuse", "timeout", "unavailable"] }).notNull(),
  remaining: integer("remaining"),
  code: text("code").notNull().default("99"),
  delayMs: integer("delay_ms").notNull().default(30_000),
  createdAt: integer("created_at").notNull(),
});

/** Emulator-only: IPN deliveries of a TxnRef (or of all, scope "*") that are lost. */
export const ipnControls = sqliteTable("ipn_controls", {
  scope: text("scope").primaryKey(),
  mode: text("mode", { enum: ["drop"] }).notNull(),
  remaining: integer("remaining"),
  createdAt: integer("created_at").notNull(),
});
