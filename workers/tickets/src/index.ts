import { createServiceApp, d1Check, mountDeadLetterRoutes, mountHealth, queueCheck, r2Check, withBackgroundDeadlines } from "@tickets/common";
import type { Env } from "./env";
import { inboxReceiptsWithDirectLane } from "@tickets/common/inbox-receipts";
import { dbOf } from "./db/client";
import { keyRing } from "./domain/codes";
import { ticketRoutes } from "./routes";
import { checkinRoutes } from "./checkin-routes";
import { handleQueue, handleScheduled, takeDirectly } from "./consumer";

export type { Env };
export { TicketsRpc } from "./rpc";
/** Producers' `TICKETS_RECEIPTS`: receipts, plus the direct lane for OrderConfirmed (packages/common/src/direct-delivery.ts). */
export const InboxReceipts = inboxReceiptsWithDirectLane<Env>(takeDirectly);

const app = createServiceApp<Env>("tickets");
mountHealth(app, (env) => ({
  db: d1Check(env.DB),
  bucket: r2Check(env.TICKETS_BUCKET),
  notifications: queueCheck(env.NOTIFICATIONS_INBOX),
  signing_key: () => keyRing(env),
}));
ticketRoutes(app, dbOf);
checkinRoutes(app, dbOf);
mountDeadLetterRoutes(app, { prefix: "/api/tickets", name: "Ticket", tag: "tickets", inbox: (env) => env.TICKETS_INBOX });

export default withBackgroundDeadlines({ fetch: app.fetch, queue: handleQueue, scheduled: handleScheduled } satisfies ExportedHandler<Env>);
