import { drizzle } from "drizzle-orm/d1";
import { createLogger, createServiceApp, d1Check, mountHealth, queueCheck, sweepOutbox } from "@tickets/common";
import type { Env } from "./env";
import { mountRoutes } from "./routes";
import { pruneCallbacks } from "./domain/callbacks";

export type { Env };
export { PaymentsRpc } from "./rpc";

const app = createServiceApp<Env>("payments");
mountHealth(app, (env) => ({ db: d1Check(env.DB), ordersInbox: queueCheck(env.ORDERS_INBOX) }));
mountRoutes(app);

export default {
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    // Send the outbox, and re-send what orders/notifications never received (a lost PaymentSucceeded).
    ctx.waitUntil(sweepOutbox(drizzle(env.DB), env, { log: createLogger({ service: "payments", job: "outbox_relay" }) }));
    ctx.waitUntil(pruneCallbacks(drizzle(env.DB), Date.now()).catch((err) => createLogger({ service: "payments", job: "prune_callbacks" }).error("prune_failed", { error: (err as Error).message })));
  },
} satisfies ExportedHandler<Env>;
