import { createLogger, createServiceApp, d1Check, mountDeadLetterRoutes, mountHealth, queueCheck, sweepOutbox, withBackgroundDeadlines } from "@tickets/common";
import type { Env } from "./env";
import { getDb } from "./db/client";
import { sweepDueRefunds } from "./domain/settle";
import { handleQueue, settleDeps } from "./queue";
import { mountRoutes } from "./routes";

export type { Env } from "./env";
export { RefundsRpc } from "./rpc";
export { InboxReceipts } from "@tickets/common/inbox-receipts";

const app = createServiceApp<Env>("refunds");
mountHealth(app, (env) => ({ db: d1Check(env.DB), refundsInbox: queueCheck(env.REFUNDS_INBOX) }));
mountRoutes(app);
mountDeadLetterRoutes(app, { prefix: "/api/refunds", name: "Refund", tag: "refunds", inbox: (env) => env.REFUNDS_INBOX });

/**
 * Every minute: refunds whose re-attempt message was lost or whose claimer died; then the outbox
 * relay, re-sending refund events a subscriber (refunds itself included) never received.
 */
async function scheduled(env: Env) {
  const log = createLogger({ service: "refunds", job: "cron" });
  await sweepDueRefunds(settleDeps(env, log));
  await sweepOutbox(getDb(env.DB) as never, env, { self: "refunds", log });
}

export default withBackgroundDeadlines({
  fetch: app.fetch,
  queue: (batch, env) => handleQueue(batch, env),
  scheduled: (_controller, env, ctx) => ctx.waitUntil(scheduled(env)),
} satisfies ExportedHandler<Env>);
