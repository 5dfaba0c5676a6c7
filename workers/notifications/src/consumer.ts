import { consumeInbox, createLogger, parkDeadLetters, type Logger } from "@tickets/common";
import type { Env } from "./env";
import { dbOf } from "./db/client";
import { driversFor } from "./domain/drivers";
import { notificationHandlers } from "./handlers";
import { queueReminders, REMINDER_CRON } from "./reminders";

/** notifications-inbox: saga events → messages (failed sends retry with backoff); notifications-dlq: park. */
export async function handleQueue(batch: MessageBatch<unknown>, env: Env, _ctx?: ExecutionContext) {
  const db = dbOf(env);
  if (batch.queue.endsWith("-dlq")) return parkDeadLetters(batch, db, { env, worker: "notifications" });
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
    maxPerRecipientPerHour: Number(env.NOTIFY_MAX_PER_RECIPIENT_PER_HOUR) || undefined,
  });
  await consumeInbox(batch, db, handlers, "notifications", { metrics: env });
}

/** Crons declared in wrangler.toml, by expression. */
export const CRON_JOBS: Record<string, (env: Env, now: number, log: Logger) => Promise<unknown>> = {
  [REMINDER_CRON]: queueReminders,
};

export async function handleScheduled(controller: ScheduledController, env: Env, _ctx?: ExecutionContext) {
  const log = createLogger({ service: "notifications", cron: controller.cron });
  const job = CRON_JOBS[controller.cron];
  if (!job) {
    log.warn("unknown_cron", { cron: controller.cron });
    return;
  }
  // Windows are computed from the scheduled time; whatever is sent is checked against the real clock.
  try {
    await job(env, controller.scheduledTime, log);
  } catch (err) {
    log.error("cron_failed", { error: (err as Error).message });
    throw err;
  }
}
