import { createLogger, createServiceApp, d1Check, mountHealth, queueCheck, relayOutbox } from "@tickets/common";
import type { Env } from "./env";
import { getDb } from "./db/client";
import { handleQueue } from "./queue";
import { mountRoutes } from "./routes";

export type { Env } from "./env";
export { RefundsRpc } from "./rpc";

const app = createServiceApp<Env>("refunds");
mountHealth(app, (env) => ({ db: d1Check(env.DB), refundsInbox: queueCheck(env.REFUNDS_INBOX) }));
mountRoutes(app);

export default {
  fetch: app.fetch,
  queue: (batch, env) => handleQueue(batch, env),
  scheduled: (_controller, env, ctx) => ctx.waitUntil(relayOutbox(getDb(env.DB) as never, env, createLogger({ service: "refunds", job: "cron" }))),
} satisfies ExportedHandler<Env>;
