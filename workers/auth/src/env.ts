import type { MetricsRecorder } from "@tickets/common";
export type Env = {
  DB: D1Database;
  INTERNAL_AUTH_SECRET: string;
  /** Business metrics (Analytics Engine; packages/common/src/metrics.ts). */
  METRICS: AnalyticsEngineDataset;
  /** Development only: the readable local copy of the metrics (workers/dev-metrics). */
  DEV_METRICS?: MetricsRecorder;
  /** Private ES256 JWK (with `kid`) that signs access tokens. A secret. */
  AUTH_SIGNING_JWK: string;
  /** JSON array of public JWKs still published during a key rotation (optional). */
  AUTH_PREVIOUS_PUBLIC_JWKS?: string;
};
