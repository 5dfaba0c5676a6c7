import { createServiceApp, d1Check, mountHealth, queueCheck, withBackgroundDeadlines } from "@tickets/common";
import type { Env } from "./env";
import { inboxReceiptsWithDirectLane } from "@tickets/common/inbox-receipts";
import { mountRoutes } from "./routes";
import { mountTimelineRoutes } from "./routes-timeline";
import { handleQueue, takeDirectly } from "./queue";
import { runCron } from "./cron";
import { paymentsBreaker } from "./domain/payments-guard";

export type { Env } from "./env";
export { OrdersRpc } from "./rpc";
/** Producers' `ORDERS_RECEIPTS`: receipts, plus the direct lane for PaymentSucceeded (packages/common/src/direct-delivery.ts). */
export const InboxReceipts = inboxReceiptsWithDirectLane<Env>(takeDirectly);

const app = createServiceApp<Env>("orders");
mountHealth(app, (env) => {
  paymentsBreaker(env); // listed in /health from the first probe on
  return { db: d1Check(env.DB), ticketsInbox: queueCheck(env.TICKETS_INBOX) };
});
mountRoutes(app);
mountTimelineRoutes(app);

export default withBackgroundDeadlines({
  fetch: app.fetch,
  queue: (batch, env) => handleQueue(batch, env),
  scheduled: (_controller, env, ctx) => ctx.waitUntil(runCron(env)),
} satisfies ExportedHandler<Env>);
