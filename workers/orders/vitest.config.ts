import { fileURLToPath } from "node:url";
import { workerProject } from "../../scripts/worker-project.ts";

const fakes = fileURLToPath(new URL("./test/fakes/other-workers.mjs", import.meta.url));
const standIn = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  modules: true,
  scriptPath: fakes,
  compatibilityDate: "2026-04-01",
  ...extra,
});

// Cross-worker bindings need a worker on the other end for workerd to start: stand-ins here.
// TEST_ORDERS_INBOX lets a test put a message on the real orders-inbox queue (retries, DLQ).
export default workerProject("orders", {
  workers: [standIn("events", { durableObjects: { INVENTORY: "EventInventory" } }), standIn("payments"), standIn("tickets")],
  miniflare: { queueProducers: { TEST_ORDERS_INBOX: { queueName: "orders-inbox" } } },
});
