import type { MetricsRecorder } from "@tickets/common";
import type { AuthRpc } from "../../auth/src/rpc";
import type { EventsRpc } from "../../events/src/rpc";
import type { OrdersRpc } from "../../orders/src/rpc";
import type { TicketsApi } from "../../tickets/src/rpc";

export type Locale = "vi" | "en";

/** What notifications calls on other workers' RPC entrypoints. */
export type AuthApi = Pick<AuthRpc, "getUser">;
export type EventsApi = Pick<EventsRpc, "getEventSummary">;
export type OrdersApi = Pick<OrdersRpc, "getOrder">;

export type Env = {
  DB: D1Database;
  INTERNAL_AUTH_SECRET: string;
  /** Business metrics (Analytics Engine; packages/common/src/metrics.ts). */
  METRICS: AnalyticsEngineDataset;
  /** Development only: the readable local copy of the metrics (workers/dev-metrics). */
  DEV_METRICS?: MetricsRecorder;
  AUTH_RPC: AuthApi;
  EVENTS_RPC: EventsApi;
  ORDERS_RPC: OrdersApi;
  TICKETS_RPC: Pick<TicketsApi, "holdersForEventsStartingBetween">;
  /** Our own inbox: the reminder cron enqueues EventReminderDue here (same retries as saga events). */
  NOTIFICATIONS_INBOX: Queue;
  /** Email/SMS messages one address may get per hour (default 30); the rest are dropped as recipient_throttled. */
  NOTIFY_MAX_PER_RECIPIENT_PER_HOUR?: string;
  /** "local" (default: record deliveries in D1) or "http" (the providers below). */
  NOTIFY_DRIVER?: string;
  /** Absolute origin for links in messages, e.g. https://tickets.example.com */
  PUBLIC_BASE_URL?: string;
  /** The dashboard's origin (links to its pages, e.g. /support). */
  DASHBOARD_ORIGIN?: string;
  EMAIL_FROM?: string;
  EMAIL_API_URL?: string;
  EMAIL_API_KEY?: string;
  SMS_API_URL?: string;
  SMS_API_KEY?: string;
  SMS_FROM?: string;
  /** Circuit breakers on the email, SMS and push providers (domain/drivers.ts): failures that open one (default 5), cool-down (default 10000 ms). */
  BREAKER_FAILURE_THRESHOLD?: string;
  BREAKER_COOLDOWN_MS?: string;
  /** Web Push: the VAPID key pair as one P-256 private JWK (secret); push is off without it. */
  VAPID_PRIVATE_JWK?: string;
  /** Web Push: how push services can reach us (mailto: or https:), sent in the VAPID token. */
  VAPID_SUBJECT?: string;
};
