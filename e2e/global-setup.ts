import type { TestProject } from "vitest/node";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// @ts-expect-error plain ESM script shared with `npm run dev`
import { startStack, freePort } from "../scripts/stack.mjs";

/**
 * Variables the e2e stack runs with: short holds so expiry can be observed in seconds; a short
 * VNPAY API timeout and refund backoff (1, 2, 4 s) so refund retries can be observed too; payment
 * reconciliation from 1 s after a payment attempt (its schedule scales with it: expiry + 1, 5, 15 s…);
 * circuit breakers probe again 2 s after they open (e2e/resilience.test.ts waits for it).
 */
export const E2E_VARS = {
  HOLD_TTL_SECONDS: "6",
  VNPAY_API_TIMEOUT_MS: "2000",
  REFUND_RETRY_BASE_SECONDS: "1",
  PAYMENT_CHECK_AFTER_SECONDS: "1",
  BREAKER_COOLDOWN_MS: "2000",
};

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    holdTtlSeconds: number;
    /** Everything the stack's workers logged (e2e/logs.test.ts scans it). */
    stackLog: string;
  }
}

export default async function setup(project: TestProject) {
  const persistTo = mkdtempSync(join(tmpdir(), "tickets-e2e-"));
  const port = await freePort();
  const stackLog = join(persistTo, "stack.log");
  const stack = await startStack({ port, persistTo, quiet: true, logFile: stackLog, vars: E2E_VARS });
  project.provide("stackLog", stackLog);
  project.provide("baseUrl", stack.baseUrl);
  project.provide("holdTtlSeconds", Number(E2E_VARS.HOLD_TTL_SECONDS));
  return async () => {
    await stack.stop();
    rmSync(persistTo, { recursive: true, force: true });
  };
}
