import { createLogger, relayOutbox } from "@tickets/common";
import type { Env } from "./env";
import { getDb } from "./db/client";
import { reconcile } from "./domain/reconcile";
import { runDailyReports } from "./domain/daily";
import { pruneSeries } from "./domain/sales";

/** The schedules in wrangler.toml `[triggers] crons` (UTC), and what each runs. */
export const CRONS = {
  /** Every minute: send the outbox (daily-report notices), drop live-chart minutes older than 48 h. */
  housekeeping: "* * * * *",
  /** 19:30 UTC = 02:30 Vietnam: reconcile the read model with orders and refunds. */
  reconciliation: "30 19 * * *",
  /** 00:00 UTC = 07:00 Vietnam: yesterday's (Vietnam day) report per organizer. */
  dailyReports: "0 0 * * *",
} as const;

function recheckAfterMs(env: Env): number | undefined {
  const ms = Number(env.RECONCILE_RECHECK_MS);
  return env.RECONCILE_RECHECK_MS && Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

/**
 * Runs the job of `cron` to the end (not in waitUntil), so the local /__dev/cron answers once it
 * is done. A failing job is logged and does not throw: the run is recorded and retried next time.
 */
export async function runCron(cron: string, env: Env, now = Date.now()) {
  const db = getDb(env.DB);
  const log = createLogger({ service: "reports", cron });
  try {
    switch (cron) {
      case CRONS.reconciliation:
        await reconcile({ db, orders: env.ORDERS_RPC, refunds: env.REFUNDS_RPC, log, recheckAfterMs: recheckAfterMs(env) });
        break;
      case CRONS.dailyReports:
        await runDailyReports({ db, d1: env.DB, bucket: env.REPORTS_BUCKET, log, now });
        break;
      case CRONS.housekeeping:
        await pruneSeries(db, now);
        break;
      default:
        log.warn("unknown_cron", { cron });
    }
  } catch (err) {
    log.error("cron_failed", { error: (err as Error).message });
  }
  await relayOutbox(db as never, env, log);
}
