import { runChecks, type Check } from "./health";
import { breakerStates } from "./resilience";
import type { ServiceApp, ServiceBindings } from "./app";

/**
 * GET /health on a domain worker: probes its own bindings; 503 when any fails. `breakers`: the
 * state of this isolate's circuit breakers (an open one degrades a feature, it is not a failure).
 */
export function mountHealth<B extends ServiceBindings>(app: ServiceApp<B>, checks: (env: B) => Record<string, Check>) {
  app.get("/health", async (c) => {
    const result = await runChecks(checks(c.env));
    return c.json({ ...result, breakers: breakerStates() }, result.status === "ok" ? 200 : 503);
  });
}
