import type { ReceiptsEnv, MetricsRecorder } from "@tickets/common";

export type Env = ReceiptsEnv & {
  DB: D1Database;
  INTERNAL_AUTH_SECRET: string;
  /** Business metrics (Analytics Engine; packages/common/src/metrics.ts). */
  METRICS: AnalyticsEngineDataset;
  /** Development only: the readable local copy of the metrics (workers/dev-metrics). */
  DEV_METRICS?: MetricsRecorder;
  VNPAY_TMN_CODE: string;
  VNPAY_SECURE_SECRET: string;
  /** Production VNPAY host (e.g. https://pay.vnpay.vn); unset in development (see wrangler.toml). */
  VNPAY_HOST?: string;
  DASHBOARD_ORIGIN?: string;
  /** Timeout of one VNPAY querydr/refund call in ms (default 15000); past it the refund is retried later. */
  VNPAY_API_TIMEOUT_MS?: string;
  /** Seconds after a payment attempt before reconciliation first asks VNPAY about it (default 120). */
  PAYMENT_CHECK_AFTER_SECONDS?: string;
  /** Circuit breaker on VNPAY's API (domain/vnpay-api.ts): consecutive failures that open it (default 5) and its cool-down (default 10000 ms). */
  BREAKER_FAILURE_THRESHOLD?: string;
  BREAKER_COOLDOWN_MS?: string;
  GATEWAY?: Fetcher;
  ORDERS_INBOX: Queue;
  NOTIFICATIONS_INBOX: Queue;
};
