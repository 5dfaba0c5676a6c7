import { createLogger, createServiceApp, d1Check, mountHealth, queueCheck, sweepOutbox } from "@tickets/common";
import type { Env } from "./env";
import { getDb } from "./db/client";
import { handleQueue } from "./queue";
import { mountRoutes } from "./routes";

export type { Env } from "./env";
export { InboxReceipts } from "@tickets/common/inbox-receipts";

const app = createServiceApp<Env>("refunds");
mountHealth(app, (env) => ({ db: d1Check(env.DB), refundsInbox: queueCheck(env.REFUNDS_INBOX) }));
mountRoutes(app);

export default {
  fetch: app.fetch,
  queue: (batch, env) => handleQueue(batch, env),
  // Send the outbox, and re-send refund events a subscriber (refunds itself included) never received.
  scheduled: (_controller, env, ctx) =>
    ctx.waitUntil(sweepOutbox(getDb(env.DB) as never, env, { self: "refunds", log: createLogger({ service: "refunds", job: "cron" }) })),
} satisfies ExportedHandler<Env>;
