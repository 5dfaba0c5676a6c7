import { createLogger, sweepOutbox } from "@tickets/common";
import { inventory, type Env } from "./env";
import { getDb } from "./db/client";
import { expireStaleOrders } from "./domain/expiry";

/**
 * Every minute: expire pending orders the inventory alarm did not report, send the outbox, and
 * re-send sent events their subscribers never received (e.g. OrderConfirmed lost in a crash).
 */
export async function runCron(env: Env) {
  const db = getDb(env.DB);
  const log = createLogger({ service: "orders", job: "cron" });
  const expired = await expireStaleOrders(db, (eventId, buyerId) => inventory(env, eventId, buyerId), log);
  const outbox = await sweepOutbox(db as never, env, { log });
  if (expired || outbox.sent || outbox.checked) log.info("cron_done", { expired, ...outbox });
}
