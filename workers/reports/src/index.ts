import { createServiceApp, d1Check, mountDeadLetterRoutes, mountHealth, r2Check, withBackgroundDeadlines } from "@tickets/common";
import type { Env } from "./env";
import { handleQueue } from "./consumer";
import { runCron } from "./cron";
import { mountRoutes } from "./routes";

export type { Env } from "./env";
export { InboxReceipts } from "@tickets/common/inbox-receipts";

const app = createServiceApp<Env>("reports");
mountHealth(app, (env) => ({ db: d1Check(env.DB), bucket: r2Check(env.REPORTS_BUCKET) }));
mountRoutes(app);
mountDeadLetterRoutes(app, { prefix: "/api/reports", name: "Report", tag: "reports", inbox: (env) => env.REPORTS_INBOX });

export default withBackgroundDeadlines({
  fetch: app.fetch,
  queue: (batch, env) => handleQueue(batch, env),
  scheduled: (controller, env) => runCron(controller.cron, env, controller.scheduledTime),
} satisfies ExportedHandler<Env>);
