import { createServiceApp, d1Check, mountHealth, queueCheck, withBackgroundDeadlines } from "@tickets/common";
import type { Env } from "./env";
import { mountRoutes } from "./routes";
import { runCron } from "./cron";

export type { Env } from "./env";

const app = createServiceApp<Env>("support");
mountHealth(app, (env) => ({ db: d1Check(env.DB), notificationsInbox: queueCheck(env.NOTIFICATIONS_INBOX) }));
mountRoutes(app);

export default withBackgroundDeadlines({
  fetch: app.fetch,
  scheduled: (_controller, env, ctx) => ctx.waitUntil(runCron(env)),
} satisfies ExportedHandler<Env>);
