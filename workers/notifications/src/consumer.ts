import { consumeInbox, createLogger, parkDeadLetters } from "@tickets/common";
import type { Env } from "./env";
import { dbOf } from "./db/client";
import { driversFor } from "./domain/drivers";
import { notificationHandlers } from "./handlers";
import { queueReminders } from "./reminders";

/** notifications-inbox: saga events → messages (failed sends retry with backoff); notifications-dlq: park. */
export async function handleQueue(batch: MessageBatch<unknown>, env: Env, _ctx?: ExecutionContext) {
  const db = dbOf(env);
  if (batch.queue.endsWith("-dlq")) return parkDeadLetters(batch, db);
  const log = createLogger({ service: "notifications", queue: batch.queue });
  const handlers = notificationHandlers({
    db,
    drivers: driversFor(env, db),
    auth: env.AUTH_RPC,
    events: env.EVENTS_RPC,
    orders: env.ORDERS_RPC,
    log,
    baseUrl: (env.PUBLIC_BASE_URL ?? "").replace(/\/+$/, ""),
    dashboardUrl: (env.DASHBOARD_ORIGIN ?? env.PUBLIC_BASE_URL ?? "").replace(/\/+$/, ""),
  });
  await consumeInbox(batch, db, handlers, "notifications");
}

export async function handleScheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext) {
  const log = createLogger({ service: "notifications", cron: controller.cron });
  ctx.waitUntil(
    queueReminders(env, controller.scheduledTime, log).catch((err) => log.error("reminders_failed", { error: (err as Error).message })),
  );
}
