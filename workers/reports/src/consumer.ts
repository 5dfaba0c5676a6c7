import { consumeInbox, createLogger, parkDeadLetters, type EventHandlers } from "@tickets/common";
import type { Env } from "./env";
import { getDb } from "./db/client";
import { ensureEventInfo } from "./domain/event-info";
import { recordCheckIn, recordRefund, recordSale } from "./domain/facts";
import { recordAudit } from "./domain/audit";

/** reports-inbox: the sales read model (idempotent per fact, order-independent) and the audit log; reports-dlq: park. */
export async function handleQueue(batch: MessageBatch<unknown>, env: Env) {
  const db = getDb(env.DB);
  if (batch.queue.endsWith("-dlq")) {
    await parkDeadLetters(batch, db as never, { env, worker: "reports" });
    createLogger({ service: "reports", queue: batch.queue }).warn("dead_letters_parked", { count: batch.messages.length });
    return;
  }
  const handlers: EventHandlers = {
    OrderConfirmed: async (e) => {
      await ensureEventInfo(db, env.EVENTS_RPC, e.payload.eventId);
      await recordSale(env.DB, e);
    },
    RefundSucceeded: async (e) => {
      await ensureEventInfo(db, env.EVENTS_RPC, e.payload.eventId);
      await recordRefund(env.DB, e);
    },
    AuditRecorded: (e) => recordAudit(db, e),
    TicketCheckedIn: async (e) => {
      await ensureEventInfo(db, env.EVENTS_RPC, e.payload.eventId);
      await recordCheckIn(env.DB, e);
    },
  };
  await consumeInbox(batch, db as never, handlers, "reports", { metrics: env });
}
