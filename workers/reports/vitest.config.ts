import { fileURLToPath } from "node:url";
import { workerProject } from "../../scripts/worker-project.ts";

const standIn = (name: string) => ({
  name,
  modules: true,
  scriptPath: fileURLToPath(new URL(`./test/fakes/${name}.mjs`, import.meta.url)),
  compatibilityDate: "2026-04-01",
});

// Cross-worker bindings need a worker on the other end for workerd to start: contract stand-ins here.
export default workerProject("reports", {
  workers: [standIn("events"), standIn("orders"), standIn("refunds")],
  bindings: { RECONCILE_RECHECK_MS: "200" },
});
