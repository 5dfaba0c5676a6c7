import { consumeInbox, createLogger, parkDeadLetters, relayOutbox, type EventHandlers, type Logger } from "@tickets/common";
import type { Env } from "./env";
import { getDb } from "./db/client";
import { handleRefundRequired } from "./domain/automatic-refund";
import { retryBaseSeconds } from "./domain/retry-policy";
import { handleRefundRequested, type RefundDeps } from "./domain/settle";

export const settleDeps = (env: Env, log: Logger): RefundDeps => ({
  db: getDb(env.DB),
  payments: env.PAYMENTS_RPC,
  log,
  retryQueue: env.REFUNDS_INBOX,
  retryBaseSeconds: retryBaseSeconds(env.REFUND_RETRY_BASE_SECONDS),
});

/**
 * refunds-inbox: RefundRequired from the checkout saga and RefundRequested (requests, retries,
 * delayed re-attempts after a transient failure), all settled through payments; refunds-dlq:
 * parked for an operator.
 */
export async function handleQueue(batch: MessageBatch<unknown>, env: Env) {
  const db = getDb(env.DB);
  const log = createLogger({ service: "refunds", queue: batch.queue });
  if (batch.queue.endsWith("-dlq")) {
    await parkDeadLetters(batch, db as never, { env, worker: "refunds" });
    log.warn("dead_letters_parked", { count: batch.messages.length });
    return;
  }
  const deps = settleDeps(env, log);
  const handlers: EventHandlers = {
    RefundRequired: async (event) => {
      await handleRefundRequired(deps, event);
    },
    RefundRequested: async (event) => {
      await handleRefundRequested(deps, event);
    },
  };
  await consumeInbox(batch, db as never, handlers, "refunds", { metrics: env });
  await relayOutbox(db as never, env, log);
}
