import { breakerOptions, circuitBreaker, createServiceApp, d1Check, mountDeadLetterRoutes, mountHealth, withBackgroundDeadlines } from "@tickets/common";
import type { Env } from "./env";
import { notificationRoutes } from "./routes";
import { pushRoutes } from "./push-routes";
import { contactRoutes } from "./contact-routes";
import { handleQueue, handleScheduled } from "./consumer";
import { PROVIDERS } from "./domain/drivers";

export type { Env };
export { InboxReceipts } from "@tickets/common/inbox-receipts";
export { NotificationsRpc } from "./rpc";

const app = createServiceApp<Env>("notifications");
mountHealth(app, (env) => {
  for (const provider of PROVIDERS) circuitBreaker(provider, breakerOptions(env)); // listed in /health from the first probe on
  return { db: d1Check(env.DB) };
});
notificationRoutes(app);
pushRoutes(app);
contactRoutes(app);
mountDeadLetterRoutes(app, { prefix: "/api/notifications", name: "Notification", tag: "notifications", inbox: (env) => env.NOTIFICATIONS_INBOX });

export default withBackgroundDeadlines({ fetch: app.fetch, queue: handleQueue, scheduled: handleScheduled } satisfies ExportedHandler<Env>);
