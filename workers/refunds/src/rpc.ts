import { WorkerEntrypoint } from "cloudflare:workers";
import { createLogger, relayOutbox } from "@tickets/common";
import type { Env } from "./env";
import { getDb } from "./db/client";
import type { Cause } from "./domain/settle";
import {
  cancellationRefundCounts,
  refundForCancellation,
  type CancellationRefundCounts,
  type CancellationRefundOutcome,
  type CancellationRefundRequest,
} from "./domain/cancellation-refund";

export type { CancellationRefundCounts, CancellationRefundOutcome, CancellationRefundRequest };

/** At most this many outbox rows are relayed per call before answering (the cron sends the rest). */
const RELAY_ROUNDS = 20;

/** Internal RPC for the orders worker's event-cancellation batch (bound as `REFUNDS_RPC`). */
export class RefundsRpc extends WorkerEntrypoint<Env> {
  /** Full refunds for a chunk of a cancelled event's paid orders (idempotent per order and cause). */
  async refundForCancellation(requests: CancellationRefundRequest[], cause: Cause): Promise<CancellationRefundOutcome[]> {
    const db = getDb(this.env.DB);
    const log = createLogger({ service: "refunds", rpc: "refundForCancellation" });
    const outcomes = await refundForCancellation({ db, payments: this.env.PAYMENTS_RPC, log }, requests, cause);
    for (let round = 0; round < RELAY_ROUNDS && (await relayOutbox(db as never, this.env, log)) > 0; round++);
    return outcomes;
  }

  async cancellationRefundCounts(eventId: string): Promise<CancellationRefundCounts> {
    return cancellationRefundCounts(getDb(this.env.DB), eventId);
  }
}
