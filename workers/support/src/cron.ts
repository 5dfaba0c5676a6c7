import { createLogger, relayOutbox } from "@tickets/common";
import type { Env } from "./env";
import { getDb } from "./db/client";

/** Every minute: send outbox rows the relay after the write did not get out (crash, queue down). */
export async function runCron(env: Env) {
  const log = createLogger({ service: "support", job: "cron" });
  const sent = await relayOutbox(getDb(env.DB) as never, env, log);
  if (sent) log.info("cron_done", { sent });
}
