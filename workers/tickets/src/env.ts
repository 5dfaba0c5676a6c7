import type { EventsRpc } from "../../events/src/rpc";

/** What tickets calls on the events worker's EventsRpc entrypoint. */
export type EventsApi = Pick<EventsRpc, "getEventAccess" | "getEventSummary">;

import type { ReceiptsEnv, MetricsRecorder } from "@tickets/common";

export type Env = ReceiptsEnv & {
  DB: D1Database;
  INTERNAL_AUTH_SECRET: string;
  /** Business metrics (Analytics Engine; packages/common/src/metrics.ts). */
  METRICS: AnalyticsEngineDataset;
  /** Development only: the readable local copy of the metrics (workers/dev-metrics). */
  DEV_METRICS?: MetricsRecorder;
  TICKETS_BUCKET: R2Bucket;
  NOTIFICATIONS_INBOX: Queue;
  /** TicketCheckedIn → the reports read model. */
  REPORTS_INBOX: Queue;
  /** Its own inbox: an operator replays dead letters into it (npm run dlq). */
  TICKETS_INBOX: Queue;
  EVENTS_RPC: EventsApi;
  /** Private ES256 JWK (with kid) that signs ticket codes. */
  TICKET_SIGNING_JWK: string;
  /** JSON JWKS of retired public keys still accepted (optional `expiresAt` ISO per key). */
  TICKET_PREVIOUS_PUBLIC_JWKS?: string;
};
