import { fileURLToPath } from "node:url";
import { workerProject } from "../../scripts/worker-project.ts";

const stub = (name: string) => ({
  name,
  modules: true,
  scriptPath: fileURLToPath(new URL(`./test/stubs/${name}.mjs`, import.meta.url)),
  compatibilityDate: "2026-04-01",
});

// The AUTH_RPC, ORDERS_RPC and *_RECEIPTS service bindings need a worker on the other end for workerd to start.
export default workerProject("events", { workers: [stub("auth"), stub("orders"), stub("reports")] });
