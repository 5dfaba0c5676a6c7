import { drizzle } from "drizzle-orm/d1";
import { createLogger, createServiceApp, d1Check, mountHealth, queueCheck, relayOutbox, withBackgroundDeadlines } from "@tickets/common";
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
  scheduled: (_controller, env, ctx) => ctx.waitUntil(relayOutbox(drizzle(env.DB), env, createLogger({ service: "events", job: "cron" }))),
} satisfies ExportedHandler<Env>);
