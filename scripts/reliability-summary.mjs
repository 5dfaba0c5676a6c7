// The end of `npm run test:faults`: runs the e2e suites that try hostile input (authorization
// matrix, fuzzing, hostile strings; they leave their counts in .tmp/reliability/*.json) and prints
// one table with those counts beside what the crash runs showed.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./stack.mjs";

export const RELIABILITY_DIR = join(ROOT, ".tmp", "reliability");
const SUITES = ["e2e/authz-matrix.test.ts", "e2e/fuzz.test.ts", "e2e/hostile-strings.test.ts"];

/** Runs the suites (their own throwaway stack); true when all passed. */
export function runInputSuites() {
  rmSync(RELIABILITY_DIR, { recursive: true, force: true });
  const vitest = join(ROOT, "node_modules", "vitest", "vitest.mjs");
  const res = spawnSync(process.execPath, [vitest, "run", "--project", "e2e", ...SUITES], { cwd: ROOT, stdio: "inherit", env: process.env });
  return res.status === 0;
}

const read = (suite) => {
  const file = join(RELIABILITY_DIR, `${suite}.json`);
  return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : null;
};

/**
 * Over every crash run's final state: orders not in the state their kill point requires (paid but
 * not confirmed, refunded but not `refunded`, a hold neither paid nor expired…), payments taken
 * twice, refunds VNPAY paid more often than asked, tickets issued twice.
 */
export function crashCounts(runs) {
  const orders = runs.flatMap((r) => r.final?.orders ?? []);
  return {
    ordersLost: orders.filter((o) => o.lost ?? (o.paid && o.status !== "confirmed")).length,
    refundsDuplicated: orders.reduce((n, o) => n + (o.refundsDuplicated ?? 0), 0),
    paymentsDuplicated: orders.reduce((n, o) => n + Math.max(0, (o.payments ?? 0) - 1), 0),
    ticketsDuplicated: orders.reduce((n, o) => {
      const unique = new Set(o.tickets.map((t) => t.id)).size;
      return n + (o.tickets.length - unique) + Math.max(0, unique - o.quantity);
    }, 0),
  };
}

/** The summary rows; `runs` are crashAndRecover results (a failed run without a result counts as not survived). */
export function summaryRows({ injected, runs }) {
  const survived = runs.filter((r) => r?.ok).length;
  const authz = read("authz");
  const fuzz = read("fuzz");
  const hostile = read("hostile");
  const { ordersLost, paymentsDuplicated, refundsDuplicated, ticketsDuplicated } = crashCounts(runs.filter(Boolean));
  const notRun = "not run";
  return [
    { measure: "faults injected / survived", value: `${injected} / ${survived}` },
    {
      measure: "inputs tried / rejected cleanly",
      value: fuzz ? `${fuzz.tried} / ${fuzz.rejectedCleanly} (of ${fuzz.rejected} rejected; ${fuzz.accepted} valid and accepted; ${fuzz.serverErrors} server errors)` : notRun,
    },
    { measure: "hostile strings round-tripped verbatim", value: hostile ? String(hostile.roundTrips) : notRun },
    { measure: "routes × roles checked", value: authz ? `${authz.routes} × ${authz.roles} = ${authz.checked} (${authz.mismatches} mismatches)` : notRun },
    { measure: "orders lost", value: String(ordersLost) },
    { measure: "payments duplicated", value: String(paymentsDuplicated) },
    { measure: "refunds duplicated", value: String(refundsDuplicated) },
    { measure: "tickets duplicated", value: String(ticketsDuplicated) },
  ];
}

/** True when every crash was survived with nothing lost or doubled and (when they ran) the input suites found nothing. */
export function allHeld({ injected, runs }, { inputs = true } = {}) {
  const authz = read("authz");
  const fuzz = read("fuzz");
  const { ordersLost, paymentsDuplicated, refundsDuplicated, ticketsDuplicated } = crashCounts(runs.filter(Boolean));
  const crashesHeld =
    runs.filter((r) => r?.ok).length === injected && ordersLost === 0 && paymentsDuplicated === 0 && refundsDuplicated === 0 && ticketsDuplicated === 0;
  const inputsHeld = !inputs || (authz?.mismatches === 0 && fuzz?.failures === 0);
  return crashesHeld && inputsHeld;
}
