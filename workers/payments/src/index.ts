import { drizzle } from "drizzle-orm/d1";
import { createLogger, createServiceApp, d1Check, mountHealth, queueCheck, relayOutbox, sweepOutbox, withBackgroundDeadlines } from "@tickets/common";
import type { Env } from "./env";
import { mountRoutes } from "./routes";
import { pruneCallbacks } from "./domain/callbacks";
import { reconcilePayments } from "./domain/reconcile";
import { vnpayBreaker, vnpayTransport } from "./domain/vnpay-api";

export type { Env };
export { PaymentsRpc } from "./rpc";

const app = createServiceApp<Env>("payments");
mountHealth(app, (env) => {
  vnpayBreaker(env); // listed in /health from the first probe on, closed until VNPAY fails
  return { db: d1Check(env.DB), ordersInbox: queueCheck(env.ORDERS_INBOX) };
});
mountRoutes(app);

async function reconcileAndRelay(env: Env) {
  const db = drizzle(env.DB);
  const log = createLogger({ service: "payments", job: "payment_reconciliation" });
  const { outcomes } = await reconcilePayments(db, env, vnpayTransport(env), log);
  // Outcomes found by querydr go out now rather than at the next run.
  if (outcomes.paid || outcomes.failed) await relayOutbox(db, env, log);
}

export default withBackgroundDeadlines({
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    const log = createLogger({ service: "payments", job: "cron" });
    // Send the outbox, and re-send what orders/notifications never received (a lost PaymentSucceeded).
    ctx.waitUntil(sweepOutbox(drizzle(env.DB), env, { log }));
    ctx.waitUntil(pruneCallbacks(drizzle(env.DB), Date.now()).catch((err) => log.error("prune_failed", { error: (err as Error).message })));
    // Lost or late IPNs: ask VNPAY (querydr) about attempts without an outcome; see domain/reconcile.ts.
    ctx.waitUntil(reconcileAndRelay(env));
  },
} satisfies ExportedHandler<Env>);
