import { consumeInbox, createLogger, parkDeadLetters, relayOutbox, type EventHandlers } from "@tickets/common";
import type { Env } from "./env";
import { getDb } from "./db/client";
import { handleRefundRequired } from "./domain/automatic-refund";

/** refunds-inbox: RefundRequired from the checkout saga; refunds-dlq: parked for an operator. */
export async function handleQueue(batch: MessageBatch<unknown>, env: Env) {
  const db = getDb(env.DB);
  const log = createLogger({ service: "refunds", queue: batch.queue });
  if (batch.queue.endsWith("-dlq")) {
    await parkDeadLetters(batch, db as never);
    log.warn("dead_letters_parked", { count: batch.messages.length });
    return;
  }
  const handlers: EventHandlers = {
    RefundRequired: async (event) => {
      await handleRefundRequired({ db, payments: env.PAYMENTS_RPC, log }, event);
    },
  };
  await consumeInbox(batch, db as never, handlers, "refunds");
  await relayOutbox(db as never, env, log);
}
