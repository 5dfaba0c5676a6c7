import { createLogger, relayOutbox } from "@tickets/common";
import { inventory, type Env } from "./env";
import { getDb } from "./db/client";
import { expireStaleOrders } from "./domain/expiry";

/** Every minute: expire pending orders the inventory alarm did not report, then send the outbox. */
export async function runCron(env: Env) {
  const db = getDb(env.DB);
  const log = createLogger({ service: "orders", job: "cron" });
  const expired = await expireStaleOrders(db, (eventId) => inventory(env, eventId), log);
  const sent = await relayOutbox(db as never, env, log);
  if (expired || sent) log.info("cron_done", { expired, sent });
}
