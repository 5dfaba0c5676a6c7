import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { workerProject } from "../../scripts/worker-project.ts";

const here = dirname(fileURLToPath(import.meta.url));
// The committed local defaults, so tests never depend on someone's .dev.vars.
const devVars = Object.fromEntries(
  [...readFileSync(join(here, ".dev.vars.example"), "utf8").matchAll(/^(\w+)="([^"]*)"/gm)].map((m) => [m[1], m[2]]),
);

export default workerProject("payments", {
  // A short VNPAY API timeout: the fake's "slow-" answers come too late. A short breaker
  // cool-down, so test/breaker.test.ts sees the half-open probe.
  bindings: {
    VNPAY_TMN_CODE: devVars.VNPAY_TMN_CODE,
    VNPAY_SECURE_SECRET: devVars.VNPAY_SECURE_SECRET,
    VNPAY_API_TIMEOUT_MS: "500",
    BREAKER_COOLDOWN_MS: "400",
  },
  workers: [
    {
      name: "gateway",
      modules: true,
      scriptPath: join(here, "test", "fake-vnpay-gateway.mjs"),
      compatibilityDate: "2026-04-01",
      bindings: { SECRET: devVars.VNPAY_SECURE_SECRET, TMN_CODE: devVars.VNPAY_TMN_CODE },
    },
    // Subscribers of our events, for their InboxReceipts entrypoint (delivery confirmed by effect).
    ...["orders", "notifications"].map((name) => ({
      name,
      modules: true,
      scriptPath: join(here, "..", "..", "packages", "common", "test", "inbox-receipts-stand-in.mjs"),
      compatibilityDate: "2026-04-01",
    })),
  ],
});
