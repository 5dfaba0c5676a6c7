import type { MetricsRecorder, ReceiptsEnv } from "@tickets/common";
import type { EventInventory } from "../../../durable-objects/event-inventory";
import type { WaitingRoom } from "../../../durable-objects/waiting-room";
import type { AuthRpc } from "../../auth/src/rpc";
import type { OrdersRpc } from "../../orders/src/rpc";

/** What the events worker calls on the auth worker's AuthRpc entrypoint. */
export type AuthLookup = Pick<AuthRpc, "findUserByEmail" | "getUser">;

/** What the events worker asks the orders worker (the cancellation batch it runs). */
export type OrdersLookup = Pick<OrdersRpc, "cancellationProgress">;

export type Env = ReceiptsEnv & {
  DB: D1Database;
  INTERNAL_AUTH_SECRET: string;
  /** Business metrics (Analytics Engine; packages/common/src/metrics.ts). */
  METRICS: AnalyticsEngineDataset;
  /** Development only: the readable local copy of the metrics (workers/dev-metrics). */
  DEV_METRICS?: MetricsRecorder;
  INVENTORY: DurableObjectNamespace<EventInventory>;
  /** One waiting room per event (durable-objects/waiting-room.ts), hosted here. */
  WAITING_ROOM: DurableObjectNamespace<WaitingRoom>;
  /** Signs waiting-room passes (orders checks them with the same secret). */
  QUEUE_PASS_SECRET: string;
  ORDERS_INBOX: Queue;
  /** AuditRecorded → reports. */
  REPORTS_INBOX: Queue;
  AUTH_RPC: AuthLookup;
  ORDERS_RPC: OrdersLookup;
};
