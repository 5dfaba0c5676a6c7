import { drizzle } from "drizzle-orm/d1";
import { createLogger, createServiceApp, d1Check, mountHealth, queueCheck, sweepOutbox, withBackgroundDeadlines } from "@tickets/common";
import { mountRoutes } from "./routes";
import { mountQueueRoutes } from "./queue-routes";
import type { Env } from "./env";

export type { Env } from "./env";
export { EventsRpc } from "./rpc";
export type { EventAccess, EventSummary, RefundPolicy } from "./rpc";
export { EventInventory } from "../../../durable-objects/event-inventory";
export { WaitingRoom } from "../../../durable-objects/waiting-room";

const app = createServiceApp<Env>("events");
mountHealth(app, (env) => ({ db: d1Check(env.DB), ordersInbox: queueCheck(env.ORDERS_INBOX) }));
mountQueueRoutes(app);
mountRoutes(app);

export default withBackgroundDeadlines({
  fetch: app.fetch,
  // Every minute: relay unsent outbox rows, then re-send sent ones (EventCancelled, AuditRecorded)
  // their subscribers never received.
  scheduled: (_controller, env, ctx) => ctx.waitUntil(sweepOutbox(drizzle(env.DB) as never, env, { log: createLogger({ service: "events", job: "cron" }) })),
} satisfies ExportedHandler<Env>);
