import { drizzle } from "drizzle-orm/d1";
import { createLogger, createServiceApp, d1Check, mountHealth, queueCheck, relayOutbox } from "@tickets/common";
import type { Env } from "./env";
import { mountRoutes } from "./routes";
import { reconcilePayments } from "./domain/reconcile";
import { vnpayTransport } from "./domain/vnpay-api";

export type { Env };
export { PaymentsRpc } from "./rpc";

const app = createServiceApp<Env>("payments");
mountHealth(app, (env) => ({ db: d1Check(env.DB), ordersInbox: queueCheck(env.ORDERS_INBOX) }));
mountRoutes(app);

async function reconcileAndRelay(env: Env) {
  const db = drizzle(env.DB);
  const log = createLogger({ service: "payments", job: "payment_reconciliation" });
  const { outcomes } = await reconcilePayments(db, env, vnpayTransport(env), log);
  // Outcomes found by querydr go out now rather than at the next run.
  if (outcomes.paid || outcomes.failed) await relayOutbox(db, env, log);
}

export default {
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(relayOutbox(drizzle(env.DB), env, createLogger({ service: "payments", job: "outbox_relay" })));
    // Lost or late IPNs: ask VNPAY (querydr) about attempts without an outcome; see domain/reconcile.ts.
    ctx.waitUntil(reconcileAndRelay(env));
  },
} satisfies ExportedHandler<Env>;
