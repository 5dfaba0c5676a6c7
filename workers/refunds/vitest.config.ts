import { fileURLToPath } from "node:url";
import { workerProject } from "../../scripts/worker-project.ts";

const standIn = (name: string) => ({
  name,
  modules: true,
  scriptPath: fileURLToPath(new URL(`./test/fakes/${name}.mjs`, import.meta.url)),
  compatibilityDate: "2026-04-01",
});

const receiptsStandIn = (name: string) => ({
  name,
  modules: true,
  scriptPath: fileURLToPath(new URL("../../packages/common/test/inbox-receipts-stand-in.mjs", import.meta.url)),
  compatibilityDate: "2026-04-01",
});

// Cross-worker bindings need a worker on the other end for workerd to start: stand-ins here.
// Fractional backoff base: the retry tests see four attempts within seconds.
export default workerProject("refunds", {
  bindings: { REFUND_RETRY_BASE_SECONDS: "0.2" },
  workers: [standIn("payments"), standIn("orders"), standIn("events"), standIn("tickets"), receiptsStandIn("notifications"), receiptsStandIn("reports")],
});
